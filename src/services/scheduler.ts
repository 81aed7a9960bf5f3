import type { UnitOfWork } from '../db/repositories/index.js'
import type { Clock } from '../lib/clock.js'
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
      }
      return ids
    })
    for (const id of published) events.emit({ kind: 'article', action: 'published', id })
    if (published.length > 0) deps.kickOutbox()
    return published.length
  }

  const poller = createPoller({ name: 'scheduler', pollMs: deps.pollMs, log: deps.log, round: async () => (await publishDue()) === 50 })

  return {
    publishDue,
    start: poller.start,
    stop: poller.stop,
  }
}

export type Scheduler = ReturnType<typeof createScheduler>
