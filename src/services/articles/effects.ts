import type { ArticleRecord } from '../../db/repositories/articles.js'
import type { Repositories } from '../../db/repositories/index.js'
import { AUTOSEND_TOPIC } from '../../db/repositories/newsletter-sends.js'
import type { Actor } from '../actor.js'
import type { Permalinks } from '../permalinks.js'
import { articleEvent, queueWebhookEvent, reviewEvent } from '../webhook-events.js'
import { queueReviewEmails, reviewMailKind } from './review-mail.js'
import { articleTransition } from './transitions.js'

/** What an editor's write tells the outside world, in the write's transaction. */
export interface EffectContext {
  publicUrl: string
  permalinks: Permalinks
  now: Date
}

/**
 * The automatic newsletter send of an article that just became public, when its own `newsletter`
 * flag (or, unset, the site's default) says so. The job's dedupe key is the article's: however
 * often it is unpublished and published again, it is queued once.
 */
export async function queueNewsletterOnPublish(repos: Repositories, article: ArticleRecord, now: Date): Promise<void> {
  const wanted = article.newsletter ?? (await repos.site.get())?.newsletterAutosend ?? false
  if (!wanted) return
  await repos.outbox.enqueue({ topic: AUTOSEND_TOPIC, payload: { article_id: article.id }, runAt: now, dedupeKey: `newsletter-autosend:${article.id}` })
}

/** Queues the webhook events of a change (nothing for private draft edits), and a publication's newsletter send. */
export async function queueArticleWebhooks(repos: Repositories, before: ArticleRecord | null, after: ArticleRecord | null, ctx: EffectContext): Promise<void> {
  const { now, publicUrl } = ctx
  const type = articleTransition(before, after, now)
  if (type) await queueWebhookEvent(repos, now, articleEvent(type, before, after, { publicUrl, now, links: await ctx.permalinks.within(repos) }))
  if (type === 'article.published' && after) await queueNewsletterOnPublish(repos, after, now)
  if (after && after.status !== before?.status && (after.status === 'in_review' || after.status === 'changes_requested')) {
    const review = after.status === 'in_review' ? 'article.submitted' : 'article.changes_requested'
    await queueWebhookEvent(repos, now, reviewEvent(review, before, after, { publicUrl, now, links: await ctx.permalinks.within(repos) }))
  }
}

/**
 * The review side of a write: the note written with it (kept against the version it produced),
 * and the emails of the step it took (submitted, returned, approved) or, for a note alone, of
 * the note. Returns the note's id for the audit trail.
 */
export async function reviewStep(repos: Repositories, actor: Actor, before: ArticleRecord | null, after: ArticleRecord, note: string | undefined, ctx: EffectContext): Promise<number | null> {
  const { now } = ctx
  const adminUrl = `${ctx.publicUrl}/v1/admin/articles/${after.id}`
  const submitting = after.status === 'in_review' && before?.status !== 'in_review'
  if (after.assigneeId && after.assigneeId !== (before?.assigneeId ?? null) && !submitting) {
    // A submission in the same write tells the assignee already; otherwise the assignment does.
    await queueReviewEmails(repos, { kind: 'review.assigned', article: after, actor, note: null, adminUrl, now })
  }
  const text = note?.trim() || null
  const transition = after.status !== before?.status ? after.status : null
  const saved = text
    ? await repos.review.insertNote({ articleId: after.id, authorId: actor.id, authorName: actor.name, body: text, articleVersion: after.version, transition, createdAt: now })
    : null
  const kind = reviewMailKind(before, after) ?? (text ? 'review.note' : null)
  if (kind) await queueReviewEmails(repos, { kind, article: after, actor, note: text, adminUrl, now })
  return saved?.id ?? null
}
