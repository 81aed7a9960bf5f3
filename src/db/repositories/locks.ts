import { sql } from 'drizzle-orm'
import type { Executor } from '../client.js'

/** Well-known advisory lock keys, one per job that must not run twice at once across processes. */
export const LOCK_KEYS = {
  migrate: 7_364_201_554,
  seed: 7_364_201_555,
  firstAdmin: 7_364_201_557,
} as const

export function createLockRepository(db: Executor) {
  return {
    /** Held until the surrounding transaction ends (PostgreSQL and PGlite alike). */
    async transactionLock(key: number): Promise<void> {
      await db.execute(sql`select pg_advisory_xact_lock(${key})`)
    },
  }
}
