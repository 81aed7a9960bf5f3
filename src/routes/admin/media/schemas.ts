import { Type } from 'typebox'
import { Nullable, PaginationQuery, StringEnum } from '../../../schemas/common.js'
import { MEDIA_FORMATS as FORMATS } from '../../../schemas/media.js'


const focalPointInput = Type.Object(
  { x: Type.Number({ minimum: 0, maximum: 1 }), y: Type.Number({ minimum: 0, maximum: 1 }) },
  { additionalProperties: false },
)

const metadataFields = {
  alt: Type.Optional(Type.String({ maxLength: 500, description: 'Alternative text' })),
  caption: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
  credit: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
  focal_point: Type.Optional(Nullable(focalPointInput)),
}

export const MediaUpdateBody = Type.Object(
  { ...metadataFields, version: Type.Optional(Type.Integer({ minimum: 1, description: 'Alternative to If-Match' })) },
  { additionalProperties: false, minProperties: 1 },
)

/** The multipart fields besides the file, validated after the stream is read. */
export const UploadFields = Type.Object(
  {
    alt: Type.Optional(Type.String({ maxLength: 500 })),
    caption: Type.Optional(Type.String({ maxLength: 500 })),
    credit: Type.Optional(Type.String({ maxLength: 200 })),
    focal_x: Type.Optional(Type.String({ pattern: '^(0(\\.[0-9]+)?|1(\\.0+)?)$' })),
    focal_y: Type.Optional(Type.String({ pattern: '^(0(\\.[0-9]+)?|1(\\.0+)?)$' })),
  },
  { additionalProperties: false },
)

/** What the OpenAPI document shows for the multipart body. */
export const UploadBodyDoc = Type.Object(
  {
    file: Type.String({ format: 'binary', description: 'A JPEG, PNG, WebP, AVIF or GIF image (type detected from the content), at most MEDIA_MAX_BYTES' }),
    alt: Type.Optional(Type.String({ maxLength: 500, description: 'Alternative text' })),
    caption: Type.Optional(Type.String({ maxLength: 500 })),
    credit: Type.Optional(Type.String({ maxLength: 200 })),
    focal_x: Type.Optional(Type.Number({ minimum: 0, maximum: 1, description: 'Focal point, 0 (left) to 1 (right); with focal_y' })),
    focal_y: Type.Optional(Type.Number({ minimum: 0, maximum: 1, description: 'Focal point, 0 (top) to 1 (bottom); with focal_x' })),
  },
  { required: ['file'] },
)

export const MediaListQuery = Type.Object(
  {
    limit: PaginationQuery.limit,
    page: PaginationQuery.page,
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'File name, alt text, caption or credit contains' })),
    format: Type.Optional(StringEnum(FORMATS)),
    mine: Type.Optional(Type.Boolean({ description: 'Only what I uploaded' })),
  },
  { additionalProperties: false },
)

export const MediaDeleteQuery = Type.Object(
  { force: Type.Optional(Type.Boolean({ description: 'Delete even while articles use it (they lose the image)' })) },
  { additionalProperties: false },
)

