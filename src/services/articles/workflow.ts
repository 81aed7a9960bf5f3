import { AppError } from '../../errors.js'

export const ARTICLE_STATUSES = ['draft', 'in_review', 'changes_requested', 'scheduled', 'published', 'archived'] as const
export type ArticleStatus = (typeof ARTICLE_STATUSES)[number]

export interface WorkflowState {
  status: ArticleStatus
  publishedAt: Date | null
}

/** The review states: the article waits for the desk (in_review) or for its writer (changes_requested). */
export const REVIEW_STATUSES = ['in_review', 'changes_requested'] as const

/**
 * The review steps of the workflow: an article is submitted (in_review) from a draft or after
 * changes were requested, and only an article in review can be returned with changes requested.
 * Approval is an editor scheduling or publishing it (nextWorkflowState checks the dates).
 */
export function checkReviewTransition(from: ArticleStatus | null, to: ArticleStatus | undefined): void {
  if (to === undefined || to === from) return
  if (to === 'in_review' && from !== null && from !== 'draft' && from !== 'changes_requested') {
    throw new AppError('INVALID_TRANSITION', `Only a draft, or an article returned with changes requested, can be submitted for review; this article is ${from}`, {
      invalidParams: [{ name: 'body.status', reason: `cannot go from ${from} to in_review` }],
    })
  }
  if (to === 'changes_requested' && from !== 'in_review') {
    throw new AppError('INVALID_TRANSITION', `Changes can only be requested on an article in review; this article is ${from ?? 'new'}`, {
      invalidParams: [{ name: 'body.status', reason: `cannot go from ${from ?? 'nothing'} to changes_requested` }],
    })
  }
}

/**
 * The status workflow draft → in_review (→ changes_requested → in_review …) → scheduled →
 * published → archived (and back). A scheduled article is
 * public from its published_at on, without any job running; publishing keeps an earlier
 * publication date (a republished article keeps its place) unless a new one is given.
 */
export function nextWorkflowState(
  current: WorkflowState | null,
  requested: { status?: ArticleStatus | undefined; publishedAt?: Date | null | undefined },
  now: Date,
): WorkflowState {
  const status = requested.status ?? current?.status ?? 'draft'
  let publishedAt = requested.publishedAt !== undefined ? requested.publishedAt : (current?.publishedAt ?? null)
  const touched = requested.status !== undefined || requested.publishedAt !== undefined

  if (status === 'scheduled' && touched) {
    if (!publishedAt || publishedAt.getTime() <= now.getTime()) {
      throw new AppError('INVALID_TRANSITION', 'A scheduled article needs a published_at in the future', {
        invalidParams: [{ name: 'body.published_at', reason: 'must be in the future for status scheduled' }],
      })
    }
  }
  if (status === 'published') {
    if (!publishedAt) publishedAt = now
    else if (touched && publishedAt.getTime() > now.getTime()) {
      throw new AppError('INVALID_TRANSITION', 'published_at is in the future: use status "scheduled" to publish later', {
        invalidParams: [{ name: 'body.published_at', reason: 'is in the future; set status to scheduled' }],
      })
    }
  }
  // Millisecond precision: keyset cursors carry JavaScript dates.
  return { status, publishedAt: publishedAt ? new Date(Math.floor(publishedAt.getTime())) : null }
}

/** Whether readers can see an article in this state at `now`. */
export function isPublicState(state: WorkflowState, now: Date): boolean {
  return (state.status === 'published' || state.status === 'scheduled') && state.publishedAt !== null && state.publishedAt <= now
}
