import type { Repositories } from '../../db/repositories/index.js'
import type { OutboxRow } from '../../db/repositories/outbox.js'
import type { Permalinks } from '../permalinks.js'
import { DeliveryFailure, PermanentFailure, type OutboxHandler } from '../outbox.js'
import { AkismetError, type AkismetClient, type AkismetComment } from './akismet.js'

/** Outbox topic: tell Akismet a moderator overruled it (payload `{ kind: 'spam' | 'ham', comment_id }`). */
export const AKISMET_FEEDBACK_TOPIC = 'akismet.feedback'

/**
 * Delivers Akismet corrections. The payload names only the comment: its fields are read at delivery
 * time, so the outbox never keeps a copy of a commenter's email or IP, and a comment erased in the
 * meantime is simply not reported.
 */
export function createAkismetFeedbackHandler(deps: { repos: Repositories; akismet: AkismetClient | undefined; permalinks: Permalinks }): OutboxHandler {
  return async (job: OutboxRow) => {
    const { kind, comment_id: commentId } = job.payload as { kind?: unknown; comment_id?: unknown }
    if ((kind !== 'spam' && kind !== 'ham') || typeof commentId !== 'string') throw new PermanentFailure('malformed akismet.feedback payload')
    if (!deps.akismet) throw new PermanentFailure('AKISMET_KEY is not set any more')
    const row = await deps.repos.comments.findById(commentId)
    if (!row || row.deletedAt) throw new PermanentFailure('the comment no longer exists')
    const links = await deps.permalinks.get()
    const comment: AkismetComment = {
      blog: links.home,
      user_ip: row.ip ?? '',
      user_agent: row.userAgent ?? '',
      referrer: row.referrer ?? '',
      permalink: links.articleIfDated({ id: row.articleId, slug: row.articleSlug, sectionSlug: row.articleSectionSlug, publishedAt: row.articlePublishedAt }) ?? links.home,
      comment_type: row.parentId ? 'reply' : 'comment',
      comment_author: row.authorName,
      comment_author_email: row.authorEmail,
      comment_author_url: row.authorWebsite ?? undefined,
      comment_content: row.body,
      comment_date_gmt: row.createdAt.toISOString(),
    }
    try {
      await (kind === 'spam' ? deps.akismet.submitSpam(comment) : deps.akismet.submitHam(comment))
    } catch (error) {
      if (error instanceof AkismetError && error.permanent) throw new PermanentFailure(error.message, error.status)
      throw new DeliveryFailure(error instanceof Error ? error.message : String(error), error instanceof AkismetError ? error.status : undefined)
    }
    return { responseStatus: 200 }
  }
}
