import { and, eq, inArray, sql } from 'drizzle-orm'
import type { Executor } from '../client.js'
import { articles, newsletterDeliveries, sections, subscribers } from '../schema/index.js'
import { queueSubscriberChunk, type ChunkResult } from './subscriber-chunks.js'

export const DIGEST_TOPIC = 'newsletter.digest'

/** The articles one digest lists at most (the newest); a reader who wants more has the site. */
export const DIGEST_MAX_ARTICLES = 50

export function createNewsletterDigestRepository(db: Executor) {
  return {
    /**
     * One bounded chunk of a digest run: an outbox job per subscriber of this cadence confirmed
     * when the digest fell due (`dueAt`), after `after` (id order), keyed
     * `digest:<subscriber>:<period>` so a second run in the same period (another tick, another
     * process) queues nothing more. Someone who confirmed since waits for the next digest.
     */
    queueChunk(cadence: 'daily' | 'weekly', period: string, dueAt: Date, until: Date, after: string | null, limit: number): Promise<ChunkResult> {
      return queueSubscriberChunk(
        db,
        { where: sql`s.status = 'confirmed' and s.cadence = ${cadence} and coalesce(s.confirmed_at, s.created_at) <= ${dueAt.toISOString()}::timestamptz`, after, limit },
        {
          topic: DIGEST_TOPIC,
          payload: sql`jsonb_build_object('subscriber_id', chunk.id::text, 'period', ${period}::text, 'until', ${until.toISOString()}::text)`,
          runAt: until,
          dedupeKey: sql`'digest:' || chunk.id::text || ':' || ${period}::text`,
          maxAttempts: 6,
        },
      )
    },

    /**
     * Claims for this digest (`ref`) the public articles of the subscriber's sections published in
     * (since, until] that no email of theirs has carried yet: one INSERT, so an article another
     * email claimed first (an instant send, an earlier digest) is left out. Newest first, at most
     * DIGEST_MAX_ARTICLES. Then returns everything this digest holds (a retry finds the same list).
     */
    async claimArticles(subscriber: { id: string; sections: string[] }, ref: string, since: Date, until: Date): Promise<string[]> {
      const sectionFilter = subscriber.sections.length > 0 ? sql`and ${inArray(sections.slug, subscriber.sections)}` : sql``
      await db.execute(sql`
        insert into ${newsletterDeliveries} (subscriber_id, article_id, via, ref)
        select ${subscriber.id}::uuid, a.id, 'digest', ${ref}
        from ${articles} a join ${sections} on ${sections.id} = a.section_id
        where a.status in ('published', 'scheduled') and a.published_at > ${since.toISOString()}::timestamptz and a.published_at <= ${until.toISOString()}::timestamptz
          ${sectionFilter}
          and not exists (select 1 from ${newsletterDeliveries} d where d.subscriber_id = ${subscriber.id}::uuid and d.article_id = a.id)
        order by a.published_at desc, a.id
        limit ${DIGEST_MAX_ARTICLES}
        on conflict do nothing
      `)
      const rows = await db
        .select({ articleId: newsletterDeliveries.articleId })
        .from(newsletterDeliveries)
        .where(and(eq(newsletterDeliveries.subscriberId, subscriber.id), eq(newsletterDeliveries.ref, ref)))
      return rows.map((r) => r.articleId)
    },

    /**
     * Records that an article email carries this article to this subscriber. Returns how the
     * article reached (or is reaching) them: `send` (this or an earlier article email: a resend is
     * the editor's choice) or `digest` (a digest has it; the article email skips it).
     */
    async claimForSend(subscriberId: string, articleId: string, sendId: string): Promise<'send' | 'digest'> {
      const inserted = await db.insert(newsletterDeliveries).values({ subscriberId, articleId, via: 'send', ref: sendId }).onConflictDoNothing().returning({ via: newsletterDeliveries.via })
      if (inserted.length > 0) return 'send'
      const [row] = await db
        .select({ via: newsletterDeliveries.via })
        .from(newsletterDeliveries)
        .where(and(eq(newsletterDeliveries.subscriberId, subscriberId), eq(newsletterDeliveries.articleId, articleId)))
      return row?.via ?? 'send'
    },

    /** The subscriber's row, locked: two workers on one subscriber's digest take turns. */
    async lockSubscriber(id: string) {
      const [row] = await db.select().from(subscribers).where(eq(subscribers.id, id)).for('update')
      return row
    },

    async setLastDigest(id: string, at: Date): Promise<void> {
      await db.update(subscribers).set({ lastDigestAt: at }).where(and(eq(subscribers.id, id), sql`(${subscribers.lastDigestAt} is null or ${subscribers.lastDigestAt} < ${at.toISOString()}::timestamptz)`))
    },
  }
}

export type NewsletterDigestRepository = ReturnType<typeof createNewsletterDigestRepository>
