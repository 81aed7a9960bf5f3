import { Type } from 'typebox'
import { FormEmail, Nullable, ref } from '../../schemas/common.js'
import { CommentThreadMeta, PublicComment, SubmittedComment } from '../../schemas/comments.js'
import { MAX_BODY_LENGTH, MAX_NAME_LENGTH } from '../../services/comments/policy.js'

/** No control characters: PostgreSQL text cannot hold NUL, and no slug or search needs them. */
export const NO_CONTROL_CHARS = '^[^\\u0000-\\u001f\\u007f]*$'

/** The article slug of the comment routes (SlugParams, minus control characters that would reach the database). */
export const ArticleSlugParams = Type.Object(
  { slug: Type.String({ minLength: 1, maxLength: 200, pattern: NO_CONTROL_CHARS }) },
  { additionalProperties: false },
)

/** An http(s) URL, or empty / null for none (forms send empty fields as ""). */
export const WebsiteField = Type.Union(
  [Type.String({ format: 'uri', pattern: '^https?://[^\\s\\u0000-\\u001f\\u007f]+$', maxLength: 300 }), Type.Literal(''), Type.Null()],
  { description: 'The commenter’s website (http or https); empty or null for none' },
)

export const CommentBodyText = Type.String({
  minLength: 1,
  maxLength: MAX_BODY_LENGTH,
  pattern: '\\S',
  description: `Plain text, at most ${MAX_BODY_LENGTH} characters. HTML is not interpreted: it is stored and returned as the text it is.`,
})

export const AuthorNameField = Type.String({ minLength: 1, maxLength: MAX_NAME_LENGTH, pattern: '\\S' })

export const CommentCreateBody = Type.Object(
  {
    author_name: AuthorNameField,
    author_email: FormEmail(254, 'Never shown publicly; trimmed and lower-cased'),
    author_website: Type.Optional(WebsiteField),
    body: CommentBodyText,
    parent_id: Type.Optional(Nullable(Type.String({ format: 'uuid', description: 'Reply to this (visible) comment of the same article' }))),
    honeypot: Type.Optional(
      Nullable(
        Type.String({
          maxLength: 2000,
          description:
            'Spam trap. Render it as a hidden form field (e.g. a visually hidden input labelled "Leave this empty") and send what it holds: people leave it empty, bots fill it in. Any value marks the comment as spam.',
        }),
      ),
    ),
  },
  { additionalProperties: false },
)

export const CommentThreadQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20, description: 'Top-level comments per page (1–100)' })),
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000, description: 'Page of top-level comments' })),
  },
  { additionalProperties: false },
)

export const CommentThreadResponse = Type.Object({ data: Type.Array(ref(PublicComment)), meta: ref(CommentThreadMeta) }, { additionalProperties: false })
export const SubmittedResponse = Type.Object({ data: ref(SubmittedComment) }, { additionalProperties: false })
