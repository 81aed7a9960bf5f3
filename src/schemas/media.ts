import { Type, type Static } from 'typebox'
import { DateTime, Nullable, ref, StringEnum } from './common.js'
import { FocalPoint, MediaRendition } from './content.js'

export const MEDIA_FORMATS = ['jpeg', 'png', 'webp', 'avif', 'gif'] as const

export const Media = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    url: Type.String({ description: 'The original, re-encoded without metadata (EXIF, GPS) and with its orientation applied' }),
    filename: Type.String({ description: 'As uploaded (for search; never used to decide the type)' }),
    format: StringEnum(MEDIA_FORMATS, { description: 'Detected from the file content' }),
    content_type: Type.String(),
    width: Type.Integer(),
    height: Type.Integer(),
    bytes: Type.Integer({ description: 'Size of the stored original' }),
    alt: Type.String(),
    caption: Nullable(Type.String()),
    credit: Nullable(Type.String()),
    focal_point: Nullable(ref(FocalPoint)),
    renditions: Type.Array(ref(MediaRendition), { description: 'WebP and the fallback format at each configured width up to the original (never upscaled), narrowest first' }),
    created_by: Nullable(Type.String({ format: 'uuid' })),
    created_at: DateTime(),
    updated_at: DateTime(),
    version: Type.Integer({ description: 'Optimistic concurrency: send it back as If-Match: "v<version>"' }),
  },
  { $id: 'Media', description: 'An image in the media library', additionalProperties: false },
)
export type MediaBody = Static<typeof Media>

export const MediaUsage = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    slug: Type.String(),
    title: Type.String(),
    status: StringEnum(['draft', 'in_review', 'changes_requested', 'scheduled', 'published', 'archived']),
    section: Type.String(),
    featured_image: Type.Boolean({ description: 'Shows it as its featured image' }),
    body: Type.Boolean({ description: 'Shows it in its body' }),
  },
  { $id: 'MediaUsage', additionalProperties: false },
)
export type MediaUsageBody = Static<typeof MediaUsage>

export const mediaSchemas = [Media, MediaUsage]
