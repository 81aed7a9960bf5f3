import { randomUUID } from 'node:crypto'
import type { ArticleRecord } from '../db/repositories/articles.js'
import type { Repositories, UnitOfWork } from '../db/repositories/index.js'
import type { Clock } from '../lib/clock.js'
import type { SubmittedCommentBody } from '../schemas/comments.js'
import { WEBHOOK_PAYLOADS, type ArticleEventPreviousBody, type WebhookEventType, type WebhookPayloads } from '../schemas/webhook-events.js'
import { presentAdminArticle, type AdminPresentation } from './articles/present-admin.js'
import { articlePurgeKeys, commentPurgeKeys, purgeKeysFor } from './cache-keys.js'
import type { ContentEvents, ContentKind } from './events.js'
import type { Permalinks, SiteLinks } from './permalinks.js'

/** Every event a webhook can subscribe to (`*` = all of them). */
export const WEBHOOK_EVENTS = [
  'article.published',
  'article.updated',
  'article.unpublished',
  'article.deleted',
  'article.submitted',
  'article.changes_requested',
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
  'collection.created',
  'collection.updated',
  'collection.deleted',
  'comment.created',
  'subscriber.confirmed',
] as const
export type { WebhookEventType, WebhookPayloads } from '../schemas/webhook-events.js'

// Every event a webhook can subscribe to has its payload schema (a missing one fails to compile).
const _everyEventTyped: Record<(typeof WEBHOOK_EVENTS)[number], unknown> = WEBHOOK_PAYLOADS

/** An event of one type: its typed `data` (schemas/webhook-events.ts) and the keys a CDN should purge. */
export interface WebhookEvent<T extends WebhookEventType = WebhookEventType> {
  type: T
  /** The state after the change (null when deleted) and before it (null when created). */
  data: WebhookPayloads[T]
  /** Surrogate keys a CDN should purge (the same keys public responses carry). */
  purgeKeys: string[]
}

export function webhookBody<T extends WebhookEventType>(event: WebhookEvent<T>, id: string, at: Date): string {
  return JSON.stringify({ id, type: event.type, created_at: at.toISOString(), data: event.data, purge_keys: event.purgeKeys })
}

/**
 * Queues the event for every active webhook subscribed to it, in the caller's transaction: the
 * deliveries exist if and only if the change committed. The body is fixed now, so retries send
 * the same bytes (and the same event id, for receivers' deduplication).
 */
export async function queueWebhookEvent<T extends WebhookEventType>(repos: Repositories, at: Date, event: WebhookEvent<T>): Promise<number> {
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

/** What an article's purge keys are made of. */
const purgeState = (row: ArticleRecord | null) =>
  row ? { id: row.id, sectionSlug: row.sectionSlug, authorSlug: row.authorSlug, authorSlugs: row.authors.map((a) => a.slug), tagSlugs: row.tags.map((t) => t.slug) } : null

/** An article's state before a change, as every article event's `previous` carries it. */
export function articlePrevious(row: ArticleRecord, links: SiteLinks): ArticleEventPreviousBody {
  return {
    id: row.id,
    slug: row.slug,
    title: row.title,
    status: row.status,
    published_at: row.publishedAt?.toISOString() ?? null,
    section: row.sectionSlug,
    authors: row.authors.map((a) => a.slug),
    url: links.articleIfDated(row),
  }
}

export type ArticleEventType = 'article.published' | 'article.updated' | 'article.unpublished' | 'article.deleted'

/**
 * The one builder of article events (the editor, the scheduler and the media library all use
 * it): `current` is the editor's view of the article after the change, `previous` its state before.
 */
export function articleEvent(type: ArticleEventType, before: ArticleRecord | null, after: ArticleRecord | null, presentation: AdminPresentation): WebhookEvent<ArticleEventType> {
  if ((type === 'article.deleted') !== (after === null)) throw new Error(`${type} needs ${type === 'article.deleted' ? 'no' : 'a'} current state`)
  const data = {
    current: after ? presentAdminArticle(after, presentation) : null,
    previous: before ? articlePrevious(before, presentation.links) : null,
  } as WebhookPayloads[ArticleEventType]
  return { type, data, purgeKeys: articlePurgeKeys(purgeState(before), purgeState(after)) }
}

export type ReviewEventType = 'article.submitted' | 'article.changes_requested'

/**
 * The review desk's events: an article submitted for review (`previous` is null when it was
 * created in review) or returned with changes requested. Nothing public changed, so no purge keys.
 */
export function reviewEvent(type: ReviewEventType, before: ArticleRecord | null, after: ArticleRecord, presentation: AdminPresentation): WebhookEvent<ReviewEventType> {
  const data = {
    current: presentAdminArticle(after, presentation),
    previous: before ? articlePrevious(before, presentation.links) : null,
  } as WebhookPayloads[ReviewEventType]
  return { type, data, purgeKeys: [] }
}

export function isWebhookEvent(type: string): type is (typeof WEBHOOK_EVENTS)[number] {
  return (WEBHOOK_EVENTS as readonly string[]).includes(type)
}

/**
 * A stored comment (approved, pending or spam: moderation tools want them all; `status` says
 * which). Only an approved one changes public responses, so only it names keys to purge: the
 * article (its comment_count, in every response listing it) and its thread.
 */
export function commentCreatedEvent(
  comment: SubmittedCommentBody,
  article: { id: string; slug: string; title: string; sectionSlug: string; publishedAt: Date | null },
  links: SiteLinks,
): WebhookEvent<'comment.created'> {
  return {
    type: 'comment.created',
    data: { current: { ...comment, article: { id: article.id, slug: article.slug, title: article.title, url: links.articleIfDated(article) } }, previous: null },
    purgeKeys: comment.status === 'approved' ? commentPurgeKeys(article.id) : [],
  }
}

export type ContentEventType = Exclude<WebhookEventType, ArticleEventType | ReviewEventType | 'comment.created' | 'subscriber.confirmed' | 'webhook.test'>

const slugOf = (state: unknown) => (state && typeof state === 'object' && 'slug' in state && typeof state.slug === 'string' ? [state.slug] : [])

/**
 * A content write for the site and taxonomy services: `fn` runs in a transaction and returns its
 * result with the event's `data` (typed per event), which is queued inside the same transaction
 * for every subscribed webhook; then the content event once committed, then the outbox woken.
 */
export function createContentWriter(deps: { uow: UnitOfWork; clock: Clock; events: ContentEvents; permalinks: Permalinks; kickOutbox: () => void }) {
  return async function write<T, E extends ContentEventType>(
    type: E,
    id: string | undefined,
    fn: (repos: Repositories, links: SiteLinks) => Promise<{ value: T; data: WebhookPayloads[E] }>,
  ): Promise<T> {
    const [kind, action] = type.split('.') as [ContentKind, string]
    const value = await deps.uow.transaction(async (repos) => {
      const { value, data } = await fn(repos, await deps.permalinks.within(repos))
      const { current, previous } = data as { current: unknown; previous: unknown }
      const slugs = [...new Set([...slugOf(previous), ...slugOf(current)])]
      await queueWebhookEvent(repos, deps.clock.now(), { type, data, purgeKeys: purgeKeysFor(kind, slugs) })
      return value
    })
    deps.events.emit({ kind, action, id })
    deps.kickOutbox()
    return value
  }
}
