import { and, count, desc, eq, inArray, ne, sql, type SQL } from 'drizzle-orm'
import type { Executor } from '../client.js'
import { newsletterSends, outbox, subscribers } from '../schema/index.js'
import { queueSubscriberChunk, type ChunkResult } from './subscriber-chunks.js'

export type NewsletterSendRow = typeof newsletterSends.$inferSelect
export type NewsletterSendStatus = NewsletterSendRow['status']

export const DELIVER_TOPIC = 'newsletter.deliver'
/** The automatic send of a published article: one job per article ever (dedupe key `newsletter-autosend:<article>`). */
export const AUTOSEND_TOPIC = 'newsletter.autosend'

/** Where a send's recipients' jobs are: delivered, failed (retries exhausted), bounced, skipped, and still queued. */
export interface SendCounts {
  queued: number
  delivered: number
  failed: number
  bounced: number
  skipped: number
}

const rowsOf = (result: unknown) => (result as { rows: Record<string, unknown>[] }).rows

export function createNewsletterSendRepository(db: Executor) {
  return {
    async insert(values: typeof newsletterSends.$inferInsert): Promise<NewsletterSendRow> {
      const [row] = await db.insert(newsletterSends).values(values).returning()
      return row!
    },

    async findById(id: string): Promise<NewsletterSendRow | undefined> {
      const [row] = await db.select().from(newsletterSends).where(eq(newsletterSends.id, id))
      return row
    },

    async lockById(id: string): Promise<NewsletterSendRow | undefined> {
      const [row] = await db.select().from(newsletterSends).where(eq(newsletterSends.id, id)).for('update')
      return row
    },

    /** The article's sends that were not cancelled (a second one needs `resend: true`). */
    async activeForArticle(articleId: string): Promise<number> {
      const [row] = await db
        .select({ n: count() })
        .from(newsletterSends)
        .where(and(eq(newsletterSends.articleId, articleId), ne(newsletterSends.status, 'cancelled')))
      return row?.n ?? 0
    },

    async list(page: { limit: number; offset: number }, status?: NewsletterSendStatus[]): Promise<NewsletterSendRow[]> {
      return db
        .select()
        .from(newsletterSends)
        .where(status && status.length > 0 ? inArray(newsletterSends.status, status) : undefined)
        .orderBy(desc(newsletterSends.createdAt), desc(newsletterSends.id))
        .limit(page.limit)
        .offset(page.offset)
    },

    async count(status?: NewsletterSendStatus[]): Promise<number> {
      const [row] = await db
        .select({ n: count() })
        .from(newsletterSends)
        .where(status && status.length > 0 ? inArray(newsletterSends.status, status) : undefined)
      return row?.n ?? 0
    },

    async update(id: string, values: Partial<typeof newsletterSends.$inferInsert>): Promise<void> {
      await db.update(newsletterSends).set(values).where(eq(newsletterSends.id, id))
    },

    /** A queued send whose fan-out is unfinished, locked for this transaction; other workers skip it. */
    async lockNextFanout(): Promise<NewsletterSendRow | undefined> {
      const [row] = await db
        .select()
        .from(newsletterSends)
        .where(and(eq(newsletterSends.status, 'queued'), sql`${newsletterSends.fanoutDone} is null`))
        .orderBy(newsletterSends.createdAt)
        .limit(1)
        .for('update', { skipLocked: true })
      return row
    },

    /**
     * One bounded chunk of the fan-out: an outbox job per recipient after `after` (subscriber id
     * order), written by one INSERT … SELECT. Recipients: confirmed, instant, following the section
     * (or everything). The dedupe key makes a repeated chunk (a crash before the cursor moved) a no-op.
     */
    fanOutChunk(send: { id: string; sectionSlug: string }, after: string | null, limit: number, now: Date): Promise<ChunkResult> {
      return queueSubscriberChunk(
        db,
        { where: sql`s.status = 'confirmed' and s.cadence = 'instant' and (s.sections = '{}'::text[] or ${send.sectionSlug} = any(s.sections))`, after, limit },
        {
          topic: DELIVER_TOPIC,
          payload: sql`jsonb_build_object('send_id', ${send.id}::text, 'subscriber_id', chunk.id::text)`,
          runAt: now,
          dedupeKey: sql`'newsletter:' || ${send.id}::text || ':' || chunk.id::text`,
          maxAttempts: 6,
        },
      )
    },

    async counts(sendId: string): Promise<SendCounts> {
      // Counted from the recipients' jobs, unless housekeeping has kept the counts on the send (it
      // keeps them before it deletes a job): read after the jobs, so counts kept meanwhile win over
      // jobs read half-deleted, and counts not kept yet mean no job was deleted when they were read.
      const rows = rowsOf(
        await db.execute(sql`
          select status::text as status, coalesce(last_error like 'bounced:%', false) as bounced, coalesce(last_error like 'skipped:%', false) as skipped, count(*) as n
          from ${outbox}
          where topic = ${DELIVER_TOPIC} and payload ->> 'send_id' = ${sendId}
          group by 1, 2, 3
        `),
      )
      const counts: SendCounts = { queued: 0, delivered: 0, failed: 0, bounced: 0, skipped: 0 }
      for (const r of rows) {
        const n = Number(r.n)
        if (r.status === 'done') counts.delivered += n
        else if (r.status === 'failed') {
          if (r.bounced === true) counts.bounced += n
          else if (r.skipped === true) counts.skipped += n
          else counts.failed += n
        } else counts.queued += n
      }
      const [kept] = await db.select({ counts: newsletterSends.finalCounts }).from(newsletterSends).where(eq(newsletterSends.id, sendId))
      return kept?.counts ?? counts
    },

    /**
     * Housekeeping: up to `limit` sends over (sent or cancelled) before `before`, with no job left
     * pending or in flight and some recipients' jobs still there (a prune cut short included).
     */
    async settledBefore(before: Date, limit: number): Promise<string[]> {
      const jobsOf = (statuses: SQL) =>
        sql`exists (select 1 from ${outbox} o where o.topic = ${DELIVER_TOPIC} and o.payload ->> 'send_id' = ${newsletterSends.id}::text and o.status in ${statuses})`
      const rows = await db
        .select({ id: newsletterSends.id })
        .from(newsletterSends)
        .where(
          and(
            inArray(newsletterSends.status, ['sent', 'cancelled']),
            sql`coalesce(${newsletterSends.finishedAt}, ${newsletterSends.createdAt}) < ${before.toISOString()}::timestamptz`,
            jobsOf(sql`('done', 'failed')`),
            sql`not ${jobsOf(sql`('pending', 'processing')`)}`,
          ),
        )
        .orderBy(newsletterSends.createdAt)
        .limit(limit)
      return rows.map((r) => r.id)
    },

    /** Keeps the send's counts on it (once): from then on they no longer need its recipients' jobs. */
    async keepCounts(sendId: string, counts: SendCounts): Promise<void> {
      await db.update(newsletterSends).set({ finalCounts: counts }).where(and(eq(newsletterSends.id, sendId), sql`${newsletterSends.finalCounts} is null`))
    },

    /** Housekeeping, after keepCounts: up to `limit` of the send's finished jobs; returns how many. */
    async deleteFinishedJobs(sendId: string, limit: number): Promise<number> {
      const result = (await db.execute(sql`
        delete from ${outbox} where id in (
          select id from ${outbox}
          where topic = ${DELIVER_TOPIC} and payload ->> 'send_id' = ${sendId} and status in ('done', 'failed')
          limit ${limit}
        ) returning id
      `)) as unknown as { rows: unknown[] }
      return result.rows.length
    },

    /** Sending sends with no job left pending or in flight are sent. */
    async finishDrained(now: Date): Promise<string[]> {
      const rows = await db
        .update(newsletterSends)
        .set({ status: 'sent', finishedAt: now })
        .where(
          and(
            eq(newsletterSends.status, 'sending'),
            sql`not exists (select 1 from ${outbox} o where o.topic = ${DELIVER_TOPIC} and o.payload ->> 'send_id' = ${newsletterSends.id}::text and o.status in ('pending', 'processing'))`,
          ),
        )
        .returning({ id: newsletterSends.id })
      return rows.map((r) => r.id)
    },

    /** Cancelling: the recipients not yet sent to are dropped (a message in flight may still go out). */
    async dropPending(sendId: string): Promise<number> {
      const rows = await db
        .delete(outbox)
        .where(and(eq(outbox.topic, DELIVER_TOPIC), sql`${outbox.payload} ->> 'send_id' = ${sendId}`, eq(outbox.status, 'pending')))
        .returning({ id: outbox.id })
      return rows.length
    },

    /** Marks the addresses bounced or complained (whatever their case); returns those found. */
    async suppress(emails: string[], status: 'bounced' | 'complained'): Promise<string[]> {
      if (emails.length === 0) return []
      const rows = await db
        .update(subscribers)
        .set({ status, confirmTokenHash: null, confirmTokenExpiresAt: null, updatedAt: sql`now()` })
        .where(inArray(subscribers.email, emails))
        .returning({ email: subscribers.email })
      return rows.map((r) => r.email)
    },
  }
}

export type NewsletterSendRepository = ReturnType<typeof createNewsletterSendRepository>
