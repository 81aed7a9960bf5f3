import { sql } from 'drizzle-orm'
import { index, pgTable, text } from 'drizzle-orm/pg-core'

/**
 * Every word seen in an article title (lower-case, unstemmed), kept by a trigger: the dictionary
 * that typo-tolerant search corrects a query against ("missle" → "missile") with pg_trgm.
 */
export const searchTerms = pgTable(
  'search_terms',
  { term: text('term').primaryKey() },
  (t) => [index('search_terms_trgm_idx').using('gin', sql`${t.term} gin_trgm_ops`)],
)
