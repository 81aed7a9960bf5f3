import { and, asc, count, desc, eq, gt, ilike, inArray, or, sql } from 'drizzle-orm'
import type { Executor } from '../client.js'
import { outbox, subscriberErasures, subscribers } from '../schema/index.js'

export type SubscriberRow = typeof subscribers.$inferSelect
export type SubscriberStatus = SubscriberRow['status']

export interface SubscriberFilter {
  status?: SubscriberStatus[] | undefined
  q?: string | undefined
}

function conditions(filter: SubscriberFilter) {
  const out = []
  if (filter.status && filter.status.length > 0) out.push(inArray(subscribers.status, filter.status))
  if (filter.q) {
    const like = `%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
    out.push(or(ilike(subscribers.email, like), ilike(subscribers.name, like))!)
  }
  return out
}

export function createSubscriberRepository(db: Executor) {
  return {
    /** Inserts unless the address exists (any case); returns the new id, or null. */
    async insertIfAbsent(values: typeof subscribers.$inferInsert): Promise<string | null> {
      const [row] = await db.insert(subscribers).values(values).onConflictDoNothing({ target: subscribers.email }).returning({ id: subscribers.id })
      return row?.id ?? null
    },

    /** The row, locked until the transaction ends: concurrent signups of one address queue up here. */
    async lockByEmail(email: string): Promise<SubscriberRow | undefined> {
      const [row] = await db.select().from(subscribers).where(eq(subscribers.email, email)).for('update')
      return row
    },

    async lockByTokenHash(hash: string): Promise<SubscriberRow | undefined> {
      const [row] = await db.select().from(subscribers).where(eq(subscribers.confirmTokenHash, hash)).for('update')
      return row
    },

    async findById(id: string): Promise<SubscriberRow | undefined> {
      const [row] = await db.select().from(subscribers).where(eq(subscribers.id, id))
      return row
    },

    async update(id: string, values: Partial<typeof subscribers.$inferInsert>): Promise<void> {
      await db.update(subscribers).set({ ...values, updatedAt: sql`now()` }).where(eq(subscribers.id, id))
    },

    async list(filter: SubscriberFilter, page: { limit: number; offset: number }): Promise<SubscriberRow[]> {
      return db
        .select()
        .from(subscribers)
        .where(and(...conditions(filter)))
        .orderBy(desc(subscribers.createdAt), desc(subscribers.id))
        .limit(page.limit)
        .offset(page.offset)
    },

    async count(filter: SubscriberFilter): Promise<number> {
      const [row] = await db.select({ n: count() }).from(subscribers).where(and(...conditions(filter)))
      return row?.n ?? 0
    },

    async countsByStatus(): Promise<Record<SubscriberStatus, number>> {
      const rows = await db.select({ status: subscribers.status, n: count() }).from(subscribers).groupBy(subscribers.status)
      const counts: Record<SubscriberStatus, number> = { pending: 0, confirmed: 0, unsubscribed: 0, bounced: 0, complained: 0 }
      for (const row of rows) counts[row.status] = row.n
      return counts
    },

    /** One batch of rows after `afterId`, in id order: the CSV export streams these. */
    async batchAfter(afterId: string | null, limit: number, filter: SubscriberFilter): Promise<SubscriberRow[]> {
      const where = conditions(filter)
      if (afterId) where.push(gt(subscribers.id, afterId))
      return db.select().from(subscribers).where(and(...where)).orderBy(asc(subscribers.id)).limit(limit)
    },

    /** Erasure: the row and every queued message that carries the address. */
    async erase(id: string): Promise<boolean> {
      await db.delete(outbox).where(sql`${outbox.payload} ->> 'subscriber_id' = ${id}`)
      const rows = await db.delete(subscribers).where(eq(subscribers.id, id)).returning({ id: subscribers.id })
      return rows.length > 0
    },

    async recordErasure(values: typeof subscriberErasures.$inferInsert): Promise<void> {
      await db.insert(subscriberErasures).values(values)
    },

    async erasures(): Promise<(typeof subscriberErasures.$inferSelect)[]> {
      return db.select().from(subscriberErasures).orderBy(desc(subscriberErasures.erasedAt))
    },
  }
}

export type SubscriberRepository = ReturnType<typeof createSubscriberRepository>
