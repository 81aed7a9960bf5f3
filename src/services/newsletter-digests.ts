import { DIGEST_TOPIC } from '../db/repositories/newsletter-digests.js'
import type { UnitOfWork } from '../db/repositories/index.js'
import type { OutboxRow } from '../db/repositories/outbox.js'
import type { Clock } from '../lib/clock.js'
import { lastLocalHour } from '../lib/zoned-time.js'
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
 * Daily and weekly digests. The scheduler calls `queueDue()` on every tick. A digest falls due at
 * the configured hour of the site's time zone (weekly ones on the configured weekday): from then
 * until the next one falls due, each tick makes sure that every daily (weekly) subscriber
 * confirmed before that moment has an outbox job for it, keyed `digest:<subscriber>:<local date>`
 * — however many ticks or processes run, each subscriber has one job per digest, and one missed
 * because no process ran at the hour (a deploy, an outage) goes out when one runs again. The job
 * runs on the newsletter worker (its pool, rate limit and lease fencing): it claims, in the
 * delivered-pairs table, the articles of the subscriber's sections published since their last
 * digest that no email of theirs carried yet, and sends one email listing them — none when there
 * are none.
 */
export function createNewsletterDigests(deps: { uow: UnitOfWork; clock: Clock; permalinks: Permalinks; sends: NewsletterSends; chunk: number }) {
  const { uow, clock } = deps
  /** The digest (cadence, period, zone) this process has queued completely: later ticks skip it. */
  const queued = { daily: '', weekly: '' }

  async function queueCadence(cadence: 'daily' | 'weekly', due: { at: Date; date: string }, until: Date): Promise<number> {
    let after: string | null = null
    let inserted = 0
    for (;;) {
      const chunk = await uow.repos.newsletterDigests.queueChunk(cadence, due.date, due.at, until, after, deps.chunk)
      inserted += chunk.inserted
      if (chunk.seen < deps.chunk) return inserted
      after = chunk.last
    }
  }

  /** Queues the digests due now (the latest daily and weekly ones); returns how many jobs were new. */
  async function queueDue(): Promise<number> {
    const site = await uow.repos.site.get()
    if (!site) return 0
    const now = clock.now()
    let inserted = 0
    for (const cadence of ['daily', 'weekly'] as const) {
      const due = lastLocalHour(now, site.digestTimeZone, site.digestHour, cadence === 'weekly' ? site.digestWeekday : undefined)
      const key = `${due.date}@${site.digestTimeZone}@${site.digestHour}`
      if (queued[cadence] === key) continue
      inserted += await queueCadence(cadence, due, now)
      queued[cadence] = key
    }
    if (inserted > 0) deps.sends.kick()
    return inserted
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
