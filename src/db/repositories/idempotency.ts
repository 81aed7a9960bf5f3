import { and, eq, lt, sql } from 'drizzle-orm'
import type { Executor } from '../client.js'
import { idempotencyKeys } from '../schema/index.js'

export type IdempotencyRecord = typeof idempotencyKeys.$inferSelect

export function createIdempotencyRepository(db: Executor) {
  const byKey = (userId: string, key: string) => and(eq(idempotencyKeys.userId, userId), eq(idempotencyKeys.key, key))
  return {
    /** Claims the key for this request; undefined when it already exists (then `find` it). */
    async claim(userId: string, key: string, fingerprint: string, lockedUntil: Date): Promise<boolean> {
      const rows = await db
        .insert(idempotencyKeys)
        .values({ userId, key, fingerprint, lockedUntil })
        .onConflictDoNothing()
        .returning({ key: idempotencyKeys.key })
      return rows.length === 1
    },

    async find(userId: string, key: string): Promise<IdempotencyRecord | undefined> {
      const [row] = await db.select().from(idempotencyKeys).where(byKey(userId, key))
      return row
    },

    /** Takes over an abandoned claim (lease over, nothing committed); false when someone else did. */
    async takeOver(userId: string, key: string, now: Date, lockedUntil: Date): Promise<boolean> {
      const rows = await db
        .update(idempotencyKeys)
        .set({ lockedUntil })
        .where(and(byKey(userId, key), eq(idempotencyKeys.committed, false), sql`${idempotencyKeys.responseStatus} is null`, lt(idempotencyKeys.lockedUntil, now)))
        .returning({ key: idempotencyKeys.key })
      return rows.length === 1
    },

    /** Inside the write's transaction: the write is now part of this key's history. */
    async markCommitted(userId: string, key: string): Promise<void> {
      await db.update(idempotencyKeys).set({ committed: true }).where(byKey(userId, key))
    },

    async complete(userId: string, key: string, response: { status: number; headers: Record<string, string>; body: string }, at: Date): Promise<void> {
      await db
        .update(idempotencyKeys)
        .set({ responseStatus: response.status, responseHeaders: response.headers, responseBody: response.body, completedAt: at })
        .where(byKey(userId, key))
    },

    /** A request that failed before writing anything leaves no trace: a retry runs afresh. */
    async release(userId: string, key: string): Promise<void> {
      await db.delete(idempotencyKeys).where(and(byKey(userId, key), eq(idempotencyKeys.committed, false), sql`${idempotencyKeys.responseStatus} is null`))
    },

    async deleteOlderThan(before: Date): Promise<number> {
      const rows = await db.delete(idempotencyKeys).where(lt(idempotencyKeys.createdAt, before)).returning({ key: idempotencyKeys.key })
      return rows.length
    },
  }
}
