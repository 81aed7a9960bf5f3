import { and, arrayOverlaps, desc, eq, sql } from 'drizzle-orm'
import type { Executor } from '../client.js'
import { outbox, outboxAttempts, webhooks } from '../schema/index.js'

export type WebhookRow = typeof webhooks.$inferSelect

export function createWebhookRepository(db: Executor) {
  return {
    async list(): Promise<WebhookRow[]> {
      return db.select().from(webhooks).orderBy(desc(webhooks.createdAt))
    },

    async findById(id: string): Promise<WebhookRow | undefined> {
      const [row] = await db.select().from(webhooks).where(eq(webhooks.id, id))
      return row
    },

    /** Active webhooks subscribed to this event type (or to every event, `*`). */
    async subscribedTo(type: string): Promise<WebhookRow[]> {
      return db
        .select()
        .from(webhooks)
        .where(and(eq(webhooks.active, true), arrayOverlaps(webhooks.events, [type, '*'])))
    },

    async insert(values: typeof webhooks.$inferInsert): Promise<WebhookRow> {
      const [row] = await db.insert(webhooks).values(values).returning()
      return row!
    },

    async update(id: string, values: Partial<typeof webhooks.$inferInsert>): Promise<WebhookRow | undefined> {
      const [row] = await db.update(webhooks).set({ ...values, updatedAt: sql`now()` }).where(eq(webhooks.id, id)).returning()
      return row
    },

    async delete(id: string): Promise<boolean> {
      const rows = await db.delete(webhooks).where(eq(webhooks.id, id)).returning({ id: webhooks.id })
      return rows.length > 0
    },

    /** Counts a failed attempt; returns the new run of failures. */
    async recordFailure(id: string): Promise<number> {
      const [row] = await db
        .update(webhooks)
        .set({ consecutiveFailures: sql`${webhooks.consecutiveFailures} + 1` })
        .where(eq(webhooks.id, id))
        .returning({ n: webhooks.consecutiveFailures })
      return row?.n ?? 0
    },

    async recordSuccess(id: string): Promise<void> {
      await db.update(webhooks).set({ consecutiveFailures: 0 }).where(and(eq(webhooks.id, id), sql`${webhooks.consecutiveFailures} <> 0`))
    },

    /** The delivery log: this webhook's outbox jobs, newest first, with their attempts. */
    async deliveries(id: string, limit: number) {
      const jobs = await db
        .select()
        .from(outbox)
        .where(and(eq(outbox.topic, 'webhook.deliver'), sql`${outbox.payload} ->> 'webhook_id' = ${id}`))
        .orderBy(desc(outbox.id))
        .limit(limit)
      const attempts = jobs.length
        ? await db
            .select()
            .from(outboxAttempts)
            .where(sql`${outboxAttempts.outboxId} in ${jobs.map((j) => j.id)}`)
            .orderBy(outboxAttempts.attempt)
        : []
      return jobs.map((job) => ({ job, attempts: attempts.filter((a) => a.outboxId === job.id) }))
    },

    /** A disabled webhook's queued deliveries will not be sent. */
    async cancelPending(id: string, reason: string): Promise<void> {
      await db
        .update(outbox)
        .set({ status: 'failed', lastError: reason, lockedUntil: null })
        .where(and(eq(outbox.topic, 'webhook.deliver'), eq(outbox.status, 'pending'), sql`${outbox.payload} ->> 'webhook_id' = ${id}`))
    },
  }
}

export type WebhookRepository = ReturnType<typeof createWebhookRepository>
