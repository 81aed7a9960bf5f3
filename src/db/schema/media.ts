import { check, doublePrecision, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { sql } from 'drizzle-orm'
import { users } from './users.js'

/** One resized copy of an image (WebP or the fallback format), as stored. */
export interface MediaRendition {
  url: string
  /** Storage key (content-hashed, immutable). */
  key: string
  width: number
  height: number
  format: 'webp' | 'jpeg' | 'avif'
}

/**
 * An uploaded image. The renditions (every file served, the original included) are kept as JSON on
 * the row, so a public article read gets its featured image's srcset from one primary-key lookup.
 */
export const media = pgTable(
  'media',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** The uploaded file's name, for editors' search; never used to decide the type. */
    filename: text('filename').notNull(),
    /** Detected from the bytes: jpeg, png, webp, avif or gif. */
    format: text('format').notNull(),
    width: integer('width').notNull(),
    height: integer('height').notNull(),
    /** Size of the stored (re-encoded, metadata-free) original. */
    bytes: integer('bytes').notNull(),
    originalKey: text('original_key').notNull(),
    url: text('url').notNull(),
    renditions: jsonb('renditions').$type<MediaRendition[]>().notNull(),
    alt: text('alt').notNull().default(''),
    caption: text('caption'),
    credit: text('credit'),
    focalX: doublePrecision('focal_x'),
    focalY: doublePrecision('focal_y'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('media_created_idx').on(t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    index('media_created_by_idx').on(t.createdBy),
    check('media_focal_x_range', sql`focal_x is null or (focal_x >= 0 and focal_x <= 1)`),
    check('media_focal_y_range', sql`focal_y is null or (focal_y >= 0 and focal_y <= 1)`),
    check('media_version_positive', sql`version > 0`),
  ],
)
