import { and, eq, lt, sql } from 'drizzle-orm'
import type { Executor } from '../client.js'
import { idempotencyKeys, publicIdempotencyKeys } from '../schema/index.js'
import type { IdempotencyOwner } from '../../lib/idempotency-context.js'

/** The columns both tables share: what the plugin reads of a key. */
export type IdempotencyRecord = Omit<typeof idempotencyKeys.$inferSelect, 'userId'>

/**
 * The two tables differ only in their owner column (a user's uuid with a foreign key, or free
 * text); every statement but the insert names that column explicitly, so the public table is used
 * through the editors' table type.
 */
function tableOf(owner: IdempotencyOwner) {
  return owner.kind === 'user'
    ? { table: idempotencyKeys, ownerColumn: idempotencyKeys.userId }
    : { table: publicIdempotencyKeys as unknown as typeof idempotencyKeys, ownerColumn: publicIdempotencyKeys.owner }
}

export function createIdempotencyRepository(db: Executor) {
  const byKey = (owner: IdempotencyOwner, key: string) => {
    const { table, ownerColumn } = tableOf(owner)
    return and(eq(ownerColumn, owner.id), eq(table.key, key))
  }
  return {
    /** Claims the key for this request; false when it already exists (then `find` it). */
    async claim(owner: IdempotencyOwner, key: string, fingerprint: string, lockedUntil: Date): Promise<boolean> {
      const values = { key, fingerprint, lockedUntil }
      const rows =
        owner.kind === 'user'
          ? await db.insert(idempotencyKeys).values({ userId: owner.id, ...values }).onConflictDoNothing().returning({ key: idempotencyKeys.key })
          : await db.insert(publicIdempotencyKeys).values({ owner: owner.id, ...values }).onConflictDoNothing().returning({ key: publicIdempotencyKeys.key })
      return rows.length === 1
    },

    async find(owner: IdempotencyOwner, key: string): Promise<IdempotencyRecord | undefined> {
      const { table } = tableOf(owner)
      const [row] = await db.select().from(table).where(byKey(owner, key))
      return row
    },

    /** Takes over an abandoned claim (lease over, nothing committed); false when someone else did. */
    async takeOver(owner: IdempotencyOwner, key: string, now: Date, lockedUntil: Date): Promise<boolean> {
      const { table } = tableOf(owner)
      const rows = await db
        .update(table)
        .set({ lockedUntil })
        .where(and(byKey(owner, key), eq(table.committed, false), sql`${table.responseStatus} is null`, lt(table.lockedUntil, now)))
        .returning({ key: table.key })
      return rows.length === 1
    },

    /** Inside the write's transaction: the write is now part of this key's history (and what it was about, when known). */
    async markCommitted(owner: IdempotencyOwner, key: string, entity?: { type: string; id: string }): Promise<void> {
      const { table } = tableOf(owner)
      await db
        .update(table)
        .set({ committed: true, ...(entity ? { entityType: entity.type, entityId: entity.id } : {}) })
        .where(byKey(owner, key))
    },

    async complete(owner: IdempotencyOwner, key: string, response: { status: number; headers: Record<string, string>; body: string }, at: Date): Promise<void> {
      const { table } = tableOf(owner)
      await db
        .update(table)
        .set({ responseStatus: response.status, responseHeaders: response.headers, responseBody: response.body, completedAt: at })
        .where(byKey(owner, key))
    },

    /**
     * An attempt ended without a recorded response. Nothing written: it leaves no trace, and a retry
     * runs afresh. Its write committed (whatever the attempt saw of it): its lease ends now, so a
     * retry learns at once that the write was applied instead of waiting for the lease.
     */
    async letGo(owner: IdempotencyOwner, key: string, now: Date): Promise<void> {
      const { table } = tableOf(owner)
      const open = and(byKey(owner, key), sql`${table.responseStatus} is null`)
      const released = await db.delete(table).where(and(open, eq(table.committed, false))).returning({ key: table.key })
      if (released.length === 0) await db.update(table).set({ lockedUntil: now }).where(and(open, eq(table.committed, true)))
    },

    async deleteOlderThan(before: Date): Promise<number> {
      const users = await db.delete(idempotencyKeys).where(lt(idempotencyKeys.createdAt, before)).returning({ key: idempotencyKeys.key })
      const open = await db.delete(publicIdempotencyKeys).where(lt(publicIdempotencyKeys.createdAt, before)).returning({ key: publicIdempotencyKeys.key })
      return users.length + open.length
    },
  }
}
