import { sql } from 'drizzle-orm'
import { check, index, integer, pgEnum, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { articles } from './articles.js'
import { authors } from './taxonomy.js'
import { users } from './users.js'

/**
 * An article's byline: one or more authors, in order (position 0 first). Kept by database triggers
 * (migrations/0022): every article gets its first row on insert (from articles.author_id, whoever
 * inserts it), and every change here copies the byline into articles.author_refs and the first
 * author into articles.author_id, so the hot reads and the old single-author column never disagree.
 */
export const articleAuthors = pgTable(
  'article_authors',
  {
    articleId: uuid('article_id')
      .notNull()
      .references(() => articles.id, { onDelete: 'cascade' }),
    authorId: uuid('author_id')
      .notNull()
      .references(() => authors.id, { onDelete: 'restrict' }),
    position: integer('position').notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.articleId, t.authorId] }),
    // "Articles by X" (any position) and "may X's writer edit it".
    index('article_authors_author_idx').on(t.authorId, t.articleId),
    check('article_authors_position_nonnegative', sql`position >= 0`),
  ],
)

export const correctionKind = pgEnum('correction_kind', ['correction', 'update', 'clarification'])

/**
 * Public notes appended to a published article (corrections box, transparency page). Part of the
 * article's versioned state: adding or editing one bumps the article's version and saves a
 * revision, so an edited note keeps its history.
 */
export const articleCorrections = pgTable(
  'article_corrections',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    articleId: uuid('article_id')
      .notNull()
      .references(() => articles.id, { onDelete: 'cascade' }),
    kind: correctionKind('kind').notNull(),
    text: text('text').notNull(),
    /** When the note took effect (shown to readers; orders the article's notes). */
    at: timestamp('at', { withTimezone: true }).notNull(),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('article_corrections_article_idx').on(t.articleId, t.at, t.id),
    // The site-wide transparency list: newest first.
    index('article_corrections_feed_idx').on(t.at.desc().nullsFirst(), t.id.desc().nullsFirst()),
    check('article_corrections_text_not_empty', sql`length(btrim(text)) > 0`),
  ],
)
