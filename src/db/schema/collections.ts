import { sql } from 'drizzle-orm'
import { check, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { articles } from './articles.js'
import { sections, tags } from './taxonomy.js'

/**
 * A curated block of the front page ("Top Stories", "Editor's Picks", the hero): `size` slots,
 * some pinned by an editor (collection_items), the rest filled by `rule`, newest first.
 */
export const collections = pgTable(
  'collections',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    slug: text('slug').notNull().unique(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    /** How many articles the collection shows. */
    size: integer('size').notNull().default(10),
    /** What fills the slots no pin holds: latest (every section), section, tag or featured. */
    rule: text('rule').notNull().default('latest'),
    /** The rule's section or tag; a deleted one leaves the rule empty (the latest articles fill in). */
    ruleSectionId: uuid('rule_section_id').references(() => sections.id, { onDelete: 'set null' }),
    ruleTagId: uuid('rule_tag_id').references(() => tags.id, { onDelete: 'set null' }),
    /** The order of collections in GET /v1/collections. */
    position: integer('position').notNull().default(0),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('collections_rule', sql`${t.rule} in ('latest', 'section', 'tag', 'featured')`),
    check('collections_size', sql`${t.size} between 1 and 50`),
    check('collections_version_positive', sql`${t.version} > 0`),
  ],
)

/** An article pinned into a slot (1-based) of a collection, until `expires_at` if set. */
export const collectionItems = pgTable(
  'collection_items',
  {
    collectionId: uuid('collection_id')
      .notNull()
      .references(() => collections.id, { onDelete: 'cascade' }),
    slot: integer('slot').notNull(),
    articleId: uuid('article_id')
      .notNull()
      .references(() => articles.id, { onDelete: 'cascade' }),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.collectionId, t.slot] }),
    // An article holds at most one slot of a collection; the article's own index finds its collections.
    uniqueIndex('collection_items_article_once_idx').on(t.collectionId, t.articleId),
    index('collection_items_article_idx').on(t.articleId),
    index('collection_items_expires_idx').on(t.expiresAt).where(sql`expires_at is not null`),
    check('collection_items_slot', sql`${t.slot} >= 1`),
  ],
)

/** Old slugs of a collection: GET /v1/collections/{old} answers 301 to the current one. */
export const collectionSlugRedirects = pgTable(
  'collection_slug_redirects',
  {
    slug: text('slug').primaryKey(),
    collectionId: uuid('collection_id')
      .notNull()
      .references(() => collections.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('collection_slug_redirects_collection_idx').on(t.collectionId)],
)
