import type { ArticleRecord } from '../../db/repositories/articles.js'
import type { ArticleEventType } from '../webhook-events.js'
import { isPublicState } from './workflow.js'

/**
 * The webhook event of a change, by what readers see: becoming public is `article.published`,
 * leaving it `article.unpublished` (or `article.deleted`), a change while public
 * `article.updated`. Drafts changing privately send nothing; a scheduled article is published
 * by the scheduler when its time comes.
 */
export function articleTransition(before: ArticleRecord | null, after: ArticleRecord | null, now: Date): ArticleEventType | null {
  const was = before !== null && isPublicState(before, now)
  const is = after !== null && isPublicState(after, now)
  if (!was && is) return 'article.published'
  if (was && !is) return after ? 'article.unpublished' : 'article.deleted'
  if (was && is) return 'article.updated'
  return null
}
