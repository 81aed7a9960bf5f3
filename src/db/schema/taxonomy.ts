import { sql } from 'drizzle-orm'
import { check, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import type { SocialLink } from './types.js'

export const sections = pgTable(
  'sections',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    slug: text('slug').notNull().unique(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    /** Editor order in the navigation; ties broken by name. */
    position: integer('position').notNull().default(0),
    /** Bumped by every edit: its ETag ("v<version>"), which If-Match must name (optimistic concurrency). */
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('sections_position_idx').on(t.position, t.name), check('sections_slug_not_empty', sql`${t.slug} <> ''`)],
)

/** The empty slug is never valid: such a row could not be addressed (read, edited, deleted) again. */
export const authors = pgTable(
  'authors',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    slug: text('slug').notNull().unique(),
    name: text('name').notNull(),
    bio: text('bio').notNull().default(''),
    website: text('website'),
    avatarUrl: text('avatar_url'),
    socialLinks: jsonb('social_links').$type<SocialLink[]>().notNull().default(sql`'[]'::jsonb`),
    /** Bumped by every edit: its ETag ("v<version>"), which If-Match must name (optimistic concurrency). */
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [check('authors_slug_not_empty', sql`${t.slug} <> ''`)],
)

export const tags = pgTable(
  'tags',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    slug: text('slug').notNull().unique(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    /**
     * Articles carrying the tag that are published or scheduled (trigger-maintained, migration 0004):
     * the document frequency behind Related Posts' tag rarity weights.
     */
    usageCount: integer('usage_count').notNull().default(0),
    /** Bumped by every edit: its ETag ("v<version>"), which If-Match must name (optimistic concurrency). */
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [check('tags_slug_not_empty', sql`${t.slug} <> ''`)],
)
