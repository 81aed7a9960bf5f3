import { randomUUID } from 'node:crypto'
import type { Repositories, UnitOfWork } from '../db/repositories/index.js'
import type { Clock } from '../lib/clock.js'
import { commentPurgeKeys, purgeKeysFor } from './cache-keys.js'
import type { ContentEvents, ContentKind } from './events.js'

/** Every event a webhook can subscribe to (`*` = all of them). */
export const WEBHOOK_EVENTS = [
  'article.published',
  'article.updated',
  'article.unpublished',
  'article.deleted',
  'section.created',
  'section.updated',
  'section.deleted',
  'section.reordered',
  'tag.created',
  'tag.updated',
  'tag.deleted',
  'author.created',
  'author.updated',
  'author.deleted',
  'page.created',
  'page.updated',
  'page.deleted',
  'settings.updated',
  'comment.created',
  'subscriber.confirmed',
] as const
export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number] | 'webhook.test'

export interface WebhookEvent {
  type: WebhookEventType
  /** The state after the change (null when deleted) and before it (null when created). */
  data: { current: unknown; previous: unknown }
  /** Surrogate keys a CDN should purge (the same keys public responses carry). */
  purgeKeys: string[]
}

export function webhookBody(event: WebhookEvent, id: string, at: Date): string {
  return JSON.stringify({ id, type: event.type, created_at: at.toISOString(), data: event.data, purge_keys: event.purgeKeys })
}

/**
 * Queues the event for every active webhook subscribed to it, in the caller's transaction: the
 * deliveries exist if and only if the change committed. The body is fixed now, so retries send
 * the same bytes (and the same event id, for receivers' deduplication).
 */
export async function queueWebhookEvent(repos: Repositories, at: Date, event: WebhookEvent): Promise<number> {
  const hooks = await repos.webhooks.subscribedTo(event.type)
  if (hooks.length === 0) return 0
  const id = randomUUID()
  const body = webhookBody(event, id, at)
  for (const hook of hooks) {
    await repos.outbox.enqueue({
      topic: 'webhook.deliver',
      payload: { webhook_id: hook.id, event_id: id, type: event.type, body },
      runAt: at,
      maxAttempts: 10,
      dedupeKey: `webhook:${hook.id}:${id}`,
    })
  }
  return hooks.length
}

// The purge keys live with the keys responses carry, so the two cannot drift apart.
export { articlePurgeKeys, purgeKeysFor } from './cache-keys.js'

export function isWebhookEvent(type: string): type is (typeof WEBHOOK_EVENTS)[number] {
  return (WEBHOOK_EVENTS as readonly string[]).includes(type)
}

/**
 * A stored comment (approved, pending or spam: moderation tools want them all; `status` says
 * which). Only an approved one changes public responses, so only it names keys to purge: the
 * article (its comment_count, in every response listing it) and its thread.
 */
export function commentCreatedEvent(comment: { status: string } & Record<string, unknown>, article: { id: string; slug: string; title: string }): WebhookEvent {
  return {
    type: 'comment.created',
    data: { current: { ...comment, article: { id: article.id, slug: article.slug, title: article.title } }, previous: null },
    purgeKeys: comment.status === 'approved' ? commentPurgeKeys(article.id) : [],
  }
}

/**
 * A content write for the site and taxonomy services: the transaction with its webhook event
 * (`<kind>.<action>`, when that is a webhook event) queued inside it, then the content event once
 * committed, then the outbox woken.
 */
export function createContentWriter(deps: { uow: UnitOfWork; clock: Clock; events: ContentEvents; kickOutbox: () => void }) {
  return async function write<T>(kind: ContentKind, action: string, id: string | undefined, fn: (repos: Repositories) => Promise<T>): Promise<T> {
    const result = await deps.uow.transaction(async (repos) => {
      const value = await fn(repos)
      const type = `${kind}.${action}`
      if (isWebhookEvent(type)) {
        const current = value && typeof value === 'object' ? value : null
        await queueWebhookEvent(repos, deps.clock.now(), { type, data: { current, previous: action === 'created' ? null : { id: id ?? null } }, purgeKeys: purgeKeysFor(kind, id) })
      }
      return value
    })
    deps.events.emit({ kind, action, id })
    deps.kickOutbox()
    return result
  }
}
