import { bigint, pgSequence, pgTable, timestamp, uuid } from 'drizzle-orm/pg-core'
import { articles } from './articles.js'

/**
 * Each public article's Related Posts candidates, ranked ahead of time from its tag and section
 * pools (the expensive part: hundreds of candidates scored). A read scores only these, the
 * site's latest articles and the pins, so it costs about an article read. A list is used only
 * while it is valid: `seen` equals the newest change of its pools (related_pools) and
 * `valid_until` (the next scheduled publication in its pools, or a day) has not passed;
 * otherwise the read ranks the pools itself, as if the list did not exist.
 */
export const articleRelatedLists = pgTable('article_related_lists', {
  articleId: uuid('article_id')
    .primaryKey()
    .references(() => articles.id, { onDelete: 'cascade' }),
  /** Best first; the top RELATED_LIST_SIZE of the tag and section pools, pins not removed. */
  candidateIds: uuid('candidate_ids').array().notNull(),
  /** The greatest related_pools.changed of the article's pools when it was computed. */
  seen: bigint('seen', { mode: 'number' }).notNull(),
  validUntil: timestamp('valid_until', { withTimezone: true }).notNull(),
  computedAt: timestamp('computed_at', { withTimezone: true }).notNull(),
})

/** Increments with every change to a pool (related_pools.changed). */
export const relatedPoolSeq = pgSequence('related_pool_seq')

/**
 * When a candidate pool last changed: one row per tag, section and article, keyed by its id (ids
 * are unique across those tables). Written by triggers (migrations), whatever code changes an
 * article, its tags, its section or its public time.
 */
export const relatedPools = pgTable('related_pools', {
  id: uuid('id').primaryKey(),
  changed: bigint('changed', { mode: 'number' }).notNull(),
})
