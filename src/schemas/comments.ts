import { Type, type Static } from 'typebox'
import { DateTime, Nullable, StringEnum } from './common.js'

export const COMMENT_STATUSES = ['pending', 'approved', 'spam', 'trash'] as const
export type CommentStatusValue = (typeof COMMENT_STATUSES)[number]

/** A string enum that may also be null (the enum lists null too, so validators and generators agree). */
function NullableEnum<const T extends readonly string[]>(values: T, description: string) {
  return Type.Unsafe<T[number] | null>({ type: ['string', 'null'], enum: [...values, null], description })
}

const publicCommentProperties = {
  id: Type.String({ format: 'uuid' }),
  parent_id: Nullable(Type.String({ format: 'uuid', description: 'The comment this replies to; null at the top level' })),
  author_name: Nullable(Type.String({ description: 'null on a deleted comment' })),
  author_website: Nullable(Type.String()),
  avatar_hash: Nullable(
    Type.String({ description: 'SHA-256 (hex) of the trimmed, lower-cased email, Gravatar style: https://gravatar.com/avatar/{avatar_hash}' }),
  ),
  body: Type.String({ description: 'Plain text. Render it as text (e.g. textContent), never as HTML; line breaks are \\n.' }),
  created_at: DateTime(),
  is_staff: Type.Boolean({ description: 'Written by the publication’s staff' }),
  deleted: Type.Boolean({ description: 'A deleted comment kept as a "[deleted]" tombstone because replies hang below it' }),
}

/** A comment in the public thread, with its replies nested (oldest first, depth capped). */
type PublicCommentFields = { [K in keyof typeof publicCommentProperties]: Static<(typeof publicCommentProperties)[K]> }
export interface PublicCommentBody extends PublicCommentFields {
  replies: PublicCommentBody[]
}

export const PublicComment = Type.Object(
  {
    ...publicCommentProperties,
    replies: Type.Array(Type.Unsafe<PublicCommentBody>({ $ref: 'PublicComment#' })),
  },
  { $id: 'PublicComment', additionalProperties: false },
)
export const SubmittedComment = Type.Object(
  {
    ...publicCommentProperties,
    status: StringEnum(['pending', 'approved', 'spam'], {
      description: 'approved: visible now (201); pending: waits for a moderator (202); spam: held (202)',
    }),
  },
  { $id: 'SubmittedComment', description: 'The comment as received, with its moderation status', additionalProperties: false },
)
export type SubmittedCommentBody = Static<typeof SubmittedComment>

export const CommentThreadMeta = Type.Object(
  {
    limit: Type.Integer(),
    page: Type.Integer(),
    pages: Type.Integer(),
    total: Type.Integer({ description: 'Top-level comments (threads)' }),
    comment_count: Type.Integer({ description: 'Approved comments on the article, replies included' }),
    comments_open: Type.Boolean({ description: 'Whether new comments are accepted' }),
    max_depth: Type.Integer({ description: 'Replies nest at most this many levels (a top-level comment is level 1)' }),
  },
  { $id: 'CommentThreadMeta', additionalProperties: false },
)
export type CommentThreadMetaBody = Static<typeof CommentThreadMeta>

export const AdminComment = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    article: Type.Object(
      { id: Type.String({ format: 'uuid' }), slug: Type.String(), title: Type.String(), url: Nullable(Type.String({ description: 'The article on the website' })) },
      { additionalProperties: false },
    ),
    parent_id: Nullable(Type.String({ format: 'uuid' })),
    depth: Type.Integer({ description: '0 for a top-level comment' }),
    status: StringEnum(COMMENT_STATUSES),
    author_name: Type.String(),
    author_email: Type.String(),
    author_website: Nullable(Type.String()),
    avatar_hash: Type.String(),
    body: Type.String(),
    is_staff: Type.Boolean(),
    staff_user_id: Nullable(Type.String({ format: 'uuid' })),
    ip: Nullable(Type.String()),
    user_agent: Nullable(Type.String()),
    referrer: Nullable(Type.String()),
    spam_reasons: Type.Array(Type.String(), {
      description: 'Why the pipeline held or flagged it: blocked_email, blocked_ip, honeypot, too_many_links, blocklist, akismet, akismet_unavailable, first_comment',
    }),
    akismet: Type.Object(
      {
        result: NullableEnum(['ham', 'spam', 'unavailable'], 'comment-check’s answer; null when not asked'),
        feedback: NullableEnum(['ham', 'spam'], 'Last correction sent (submit-ham / submit-spam)'),
      },
      { additionalProperties: false },
    ),
    created_at: DateTime(),
    updated_at: DateTime(),
    approved_at: Nullable(DateTime()),
    version: Type.Integer({ description: 'Optimistic concurrency: send it back as If-Match: "v<version>" to moderate, edit or delete' }),
  },
  { $id: 'AdminComment', description: 'A comment as moderators see it (includes email, IP and user agent)', additionalProperties: false },
)
export type AdminCommentBody = Static<typeof AdminComment>

export const CommentBlock = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    kind: StringEnum(['email', 'ip']),
    value: Type.String({ description: 'An email, @domain, IP address or CIDR range' }),
    reason: Type.String(),
    created_by: Nullable(Type.String({ format: 'uuid' })),
    created_at: DateTime(),
  },
  { $id: 'CommentBlock', additionalProperties: false },
)
export type CommentBlockBody = Static<typeof CommentBlock>

export const commentSchemas = [PublicComment, SubmittedComment, CommentThreadMeta, AdminComment, CommentBlock]
