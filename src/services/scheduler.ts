import type { UnitOfWork } from '../db/repositories/index.js'
import type { Clock } from '../lib/clock.js'
import { queueNewsletterOnPublish } from './articles/effects.js'
import { articleSnapshot } from './articles/present-admin.js'
import { createPoller } from './poller.js'
import { audit } from './audit.js'
import type { ContentEvents } from './events.js'
import type { Permalinks } from './permalinks.js'
import { articleEvent, queueWebhookEvent } from './webhook-events.js'

/**
 * A scheduled article is public from its time on with no job at all (reads compare published_at
 * with the clock). This worker only records the transition: status becomes `published`, a
 * revision and an audit entry are written, `article.published` webhooks are queued, and caches
 * hear about it. Safe with several processes (SKIP LOCKED), and each article is published once.
 * Each tick also queues the newsletter digests that are due (see newsletter-digests.ts).
 */
export function createScheduler(deps: {
  uow: UnitOfWork
  clock: Clock
  events: ContentEvents
  publicUrl: string
  permalinks: Permalinks
  kickOutbox: () => void
  log: { warn(obj: object, msg: string): void }
  pollMs: number
  /** Newsletter digests: queued on the ticks of the site's digest hour. */
  digests?: { queueDue(): Promise<number> }
}) {
  const { uow, clock, events } = deps
  async function publishDue(): Promise<number> {
    const published = await uow.transaction(async (repos) => {
      const now = clock.now()
      const ids = await repos.articles.lockDueScheduled(now, 50)
      for (const id of ids) {
        const before = (await repos.articles.findById(id))!
        await repos.articles.update(id, before.version, { status: 'published', updatedAt: now })
        const after = (await repos.articles.findById(id))!
        await repos.articles.insertRevision({ articleId: id, version: after.version, snapshot: articleSnapshot(after), createdBy: null })
        await audit(repos, null, { action: 'article.published', entityType: 'article', entityId: id, summary: `Published "${after.title}" at its scheduled time` })
        // Readers could already see it; now everyone who asked to be told is, as when an editor publishes.
        await queueWebhookEvent(repos, now, articleEvent('article.published', before, after, { publicUrl: deps.publicUrl, now, links: await deps.permalinks.within(repos) }))
        await queueNewsletterOnPublish(repos, after, now)
      }
      return ids
    })
    for (const id of published) events.emit({ kind: 'article', action: 'published', id })
    if (published.length > 0) deps.kickOutbox()
    return published.length
  }

  /** One tick: due scheduled articles are published, then the digests due now are queued. True when more articles are due. */
  async function runOnce(): Promise<{ published: number; digests: number }> {
    const published = await publishDue()
    const digests = (await deps.digests?.queueDue()) ?? 0
    return { published, digests }
  }

  const poller = createPoller({ name: 'scheduler', pollMs: deps.pollMs, log: deps.log, round: async () => (await runOnce()).published === 50 })

  return {
    publishDue,
    runOnce,
    start: poller.start,
    stop: poller.stop,
  }
}

export type Scheduler = ReturnType<typeof createScheduler>
