import { sql } from 'drizzle-orm'
import { check, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { bodyFormat, pageStatus } from './enums.js'

export const pages = pgTable(
  'pages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    slug: text('slug').notNull().unique(),
    title: text('title').notNull(),
    bodyFormat: bodyFormat('body_format').notNull().default('markdown'),
    bodySource: text('body_source').notNull().default(''),
    bodyHtml: text('body_html').notNull().default(''),
    bodyText: text('body_text').notNull().default(''),
    status: pageStatus('status').notNull().default('published'),
    seoMetaTitle: text('seo_meta_title'),
    seoMetaDescription: text('seo_meta_description'),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [check('pages_slug_not_empty', sql`${t.slug} <> ''`)],
)
