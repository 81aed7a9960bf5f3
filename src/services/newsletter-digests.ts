import { DIGEST_TOPIC } from '../db/repositories/newsletter-digests.js'
import type { UnitOfWork } from '../db/repositories/index.js'
import type { OutboxRow } from '../db/repositories/outbox.js'
import type { Clock } from '../lib/clock.js'
import { zonedParts } from '../lib/zoned-time.js'
import type { NewsletterSends } from './newsletter-sends.js'
import { digestEmail } from './newsletter-emails.js'
import { Skipped } from './outbox.js'
import type { Permalinks } from './permalinks.js'
import { presentArticleSummary } from './presenters.js'

interface DigestJob {
  subscriber_id: string
  /** The local date (site time zone) of the run: with the subscriber, the job's dedupe key. */
  period: string
  /** The end of the window the digest covers (the run's time). */
  until: string
}

/**
 * Daily and weekly digests. The scheduler calls `queueDue()` on every tick: during the configured
 * hour of the site's time zone (weekly ones on the configured weekday too) it queues one outbox job
 * per daily (weekly) confirmed subscriber, keyed `digest:<subscriber>:<local date>` — however many
 * ticks or processes run that hour, each subscriber has one job per day. The job runs on the
 * newsletter worker (its pool, rate limit and lease fencing): it claims, in the delivered-pairs
 * table, the articles of the subscriber's sections published since their last digest that no
 * email of theirs carried yet, and sends one email listing them — none when there are none.
 */
export function createNewsletterDigests(deps: { uow: UnitOfWork; clock: Clock; permalinks: Permalinks; sends: NewsletterSends; chunk: number }) {
  const { uow, clock } = deps
  /** The period this process has queued completely (each tick of the hour after it is a no-op here). */
  let queuedPeriod: string | null = null

  async function queueCadence(cadence: 'daily' | 'weekly', period: string, until: Date): Promise<number> {
    let after: string | null = null
    let queued = 0
    for (;;) {
      const chunk = await uow.repos.newsletterDigests.queueChunk(cadence, period, until, after, deps.chunk)
      queued += chunk.inserted
      if (chunk.seen < deps.chunk) return queued
      after = chunk.last
    }
  }

  /** Queues the digests due now (during the digest hour); returns how many jobs were new. */
  async function queueDue(): Promise<number> {
    const site = await uow.repos.site.get()
    if (!site) return 0
    const now = clock.now()
    const local = zonedParts(now, site.digestTimeZone)
    if (local.hour !== site.digestHour) return 0
    const period = `${local.date}@${site.digestTimeZone}`
    if (queuedPeriod === period) return 0
    let queued = await queueCadence('daily', local.date, now)
    if (local.weekday === site.digestWeekday) queued += await queueCadence('weekly', local.date, now)
    queuedPeriod = period
    if (queued > 0) deps.sends.kick()
    return queued
  }

  async function deliver(job: OutboxRow) {
    const payload = job.payload as unknown as DigestJob
    const ref = `digest:${payload.subscriber_id}:${payload.period}`
    const until = new Date(payload.until)
    const picked = await uow.transaction(async (repos) => {
      const subscriber = await repos.newsletterDigests.lockSubscriber(payload.subscriber_id)
      if (!subscriber || subscriber.status !== 'confirmed' || subscriber.cadence === 'instant') return { subscriber, ids: [] }
      const since = subscriber.lastDigestAt ?? subscriber.confirmedAt ?? subscriber.createdAt
      const ids = await repos.newsletterDigests.claimArticles(subscriber, ref, since, until)
      await repos.newsletterDigests.setLastDigest(subscriber.id, until)
      return { subscriber, ids }
    })
    const { subscriber, ids } = picked
    if (!subscriber || subscriber.status !== 'confirmed') throw new Skipped(`the subscriber is ${subscriber?.status ?? 'erased'}`)
    if (subscriber.cadence === 'instant' || ids.length === 0) return
    const links = await deps.permalinks.within(uow.repos)
    const rows = (await uow.repos.articleReads.summariesByIds(ids)).sort((a, b) => b.publishedAt.getTime() - a.publishedAt.getTime())
    if (rows.length === 0) return
    const site = await uow.repos.site.get()
    const email = digestEmail({
      siteTitle: site?.title ?? 'Newsletter',
      siteUrl: links.home,
      cadence: subscriber.cadence,
      articles: rows.map((row) => {
        const article = presentArticleSummary(row, links)
        return { title: article.title, url: article.url, excerpt: article.excerpt, byline: article.authors.map((a) => a.name).join(', ') || article.author.name, section: article.section.name }
      }),
    })
    return deps.sends.sendFenced(job, subscriber, email)
  }

  deps.sends.registerHandler(DIGEST_TOPIC, deliver)

  return { queueDue }
}

export type NewsletterDigests = ReturnType<typeof createNewsletterDigests>
