import { sql } from 'drizzle-orm'
import { check, index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { articles } from './articles.js'
import { pages } from './pages.js'
import { authors, sections, tags } from './taxonomy.js'

/*
 * Old slugs of sections, tags, authors and pages keep answering 301 to the current one, like
 * article_slug_redirects does for articles: on their public GET routes and in GET /v1/resolve.
 */
export const sectionSlugRedirects = pgTable(
  'section_slug_redirects',
  {
    slug: text('slug').primaryKey(),
    sectionId: uuid('section_id')
      .notNull()
      .references(() => sections.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('section_slug_redirects_section_idx').on(t.sectionId)],
)

export const tagSlugRedirects = pgTable(
  'tag_slug_redirects',
  {
    slug: text('slug').primaryKey(),
    tagId: uuid('tag_id')
      .notNull()
      .references(() => tags.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('tag_slug_redirects_tag_idx').on(t.tagId)],
)

export const authorSlugRedirects = pgTable(
  'author_slug_redirects',
  {
    slug: text('slug').primaryKey(),
    authorId: uuid('author_id')
      .notNull()
      .references(() => authors.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('author_slug_redirects_author_idx').on(t.authorId)],
)

export const pageSlugRedirects = pgTable(
  'page_slug_redirects',
  {
    slug: text('slug').primaryKey(),
    pageId: uuid('page_id')
      .notNull()
      .references(() => pages.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('page_slug_redirects_page_idx').on(t.pageId)],
)

/**
 * Any old website path → the resource it now stands for (imported WordPress/Ghost permalinks,
 * hand-made redirects). Keyed by the path as normalizeWebsitePath (src/lib/permalinks.ts) gives
 * it: percent-decoded, no query string, no trailing slash. Exactly one target, deleted with it.
 */
export const pathAliases = pgTable(
  'path_aliases',
  {
    path: text('path').primaryKey(),
    articleId: uuid('article_id').references(() => articles.id, { onDelete: 'cascade' }),
    sectionId: uuid('section_id').references(() => sections.id, { onDelete: 'cascade' }),
    tagId: uuid('tag_id').references(() => tags.id, { onDelete: 'cascade' }),
    authorId: uuid('author_id').references(() => authors.id, { onDelete: 'cascade' }),
    pageId: uuid('page_id').references(() => pages.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('path_aliases_one_target', sql`num_nonnulls(${t.articleId}, ${t.sectionId}, ${t.tagId}, ${t.authorId}, ${t.pageId}) = 1`),
    check('path_aliases_path_form', sql`${t.path} like '/%' and length(${t.path}) <= 2000`),
    // For the cascades: deleting a resource finds its aliases without a scan.
    index('path_aliases_article_idx').on(t.articleId).where(sql`${t.articleId} is not null`),
    index('path_aliases_section_idx').on(t.sectionId).where(sql`${t.sectionId} is not null`),
    index('path_aliases_tag_idx').on(t.tagId).where(sql`${t.tagId} is not null`),
    index('path_aliases_author_idx').on(t.authorId).where(sql`${t.authorId} is not null`),
    index('path_aliases_page_idx').on(t.pageId).where(sql`${t.pageId} is not null`),
  ],
)
