import type pg from 'pg'

/**
 * The session the hot public reads (article lists, counts, an article by slug: named statements,
 * src/db/hot/queries.ts) run in. PostgreSQL re-plans a prepared statement for every execution
 * while its generic plan looks costlier, and with LIMIT/OFFSET parameters it always does: planning
 * the article list cost as much as running it. Their generic plans are the same plans (an index
 * walk in feed order; a unique-index probe), so these connections always use them. Only these
 * connections: on others, every parameterised statement keeps custom plans.
 */
export const HOT_SESSION_OPTIONS = '-c plan_cache_mode=force_generic_plan'

/** Each pool's companion pool for the hot statements (see HOT_SESSION_OPTIONS). */
const hotPools = new WeakMap<pg.Pool, pg.Pool>()

export function setHotPool(pool: pg.Pool, hot: pg.Pool): void {
  hotPools.set(pool, hot)
}

export function hotPoolOf(pool: pg.Pool): pg.Pool | undefined {
  return hotPools.get(pool)
}
