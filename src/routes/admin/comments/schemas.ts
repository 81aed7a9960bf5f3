import { Type } from 'typebox'
import { DataOf, ref, StringEnum } from '../../../schemas/common.js'
import { AdminComment, COMMENT_STATUSES, CommentBlock } from '../../../schemas/comments.js'
import { AuthorNameField, CommentBodyText, NO_CONTROL_CHARS, WebsiteField } from '../../comments/schemas.js'

const StatusCommand = StringEnum([...COMMENT_STATUSES, 'restore'], {
  description: 'approved, pending (unapprove), spam, trash, or restore: back to the status before spam/trash (pending if unknown)',
})

export const ModerationQuery = Type.Object(
  {
    status: Type.Optional(
      Type.Array(StringEnum(COMMENT_STATUSES), { maxItems: 4, description: 'Repeat for several; default pending and approved' }),
    ),
    article: Type.Optional(Type.String({ minLength: 1, maxLength: 200, pattern: NO_CONTROL_CHARS, description: 'Article id or slug' })),
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 200, pattern: NO_CONTROL_CHARS, description: 'Search text, author name, email and IP' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000 })),
  },
  { additionalProperties: false },
)

const StatusCounts = Type.Object(
  { pending: Type.Integer(), approved: Type.Integer(), spam: Type.Integer(), trash: Type.Integer() },
  { additionalProperties: false, description: 'Comments per status for the same article and search filter' },
)

export const ModerationList = Type.Object(
  {
    data: Type.Array(ref(AdminComment)),
    meta: Type.Object(
      { limit: Type.Integer(), page: Type.Integer(), pages: Type.Integer(), total: Type.Integer(), counts: StatusCounts },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
)

export const CommentUpdateBody = Type.Object(
  {
    status: Type.Optional(StatusCommand),
    body: Type.Optional(CommentBodyText),
    author_name: Type.Optional(AuthorNameField),
    author_website: Type.Optional(WebsiteField),
    version: Type.Optional(Type.Integer({ minimum: 1, description: 'The version you read, for clients that cannot send If-Match' })),
  },
  { additionalProperties: false, minProperties: 1 },
)

export const BulkBody = Type.Object(
  {
    ids: Type.Array(Type.String({ format: 'uuid' }), { minItems: 1, maxItems: 100 }),
    status: StatusCommand,
  },
  { additionalProperties: false },
)

export const BulkResponse = Type.Object(
  {
    data: Type.Array(
      Type.Object(
        {
          id: Type.String({ format: 'uuid' }),
          ok: Type.Boolean(),
          status: Type.Optional(StringEnum(COMMENT_STATUSES, { description: 'The comment’s status now (when ok)' })),
          code: Type.Optional(Type.String({ description: 'Why not (when not ok), e.g. NOT_FOUND' })),
          detail: Type.Optional(Type.String()),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
)

export const ReplyBody = Type.Object({ body: CommentBodyText }, { additionalProperties: false })

export const BlockBody = Type.Object(
  {
    kind: StringEnum(['email', 'ip']),
    value: Type.String({ minLength: 1, maxLength: 254, pattern: NO_CONTROL_CHARS, description: 'email: an address or @domain; ip: an address or CIDR range (e.g. 203.0.113.0/24)' }),
    reason: Type.Optional(Type.String({ maxLength: 500, pattern: NO_CONTROL_CHARS })),
  },
  { additionalProperties: false },
)

export const BlockQuery = Type.Object({ kind: Type.Optional(StringEnum(['email', 'ip'])) }, { additionalProperties: false })

export const SingleComment = DataOf(ref(AdminComment))
export const SingleBlock = DataOf(ref(CommentBlock))
export const BlockList = Type.Object({ data: Type.Array(ref(CommentBlock)) }, { additionalProperties: false })
