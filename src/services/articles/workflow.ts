import { AppError } from '../../errors.js'

export const ARTICLE_STATUSES = ['draft', 'scheduled', 'published', 'archived'] as const
export type ArticleStatus = (typeof ARTICLE_STATUSES)[number]

export interface WorkflowState {
  status: ArticleStatus
  publishedAt: Date | null
}

/**
 * The status workflow draft → scheduled → published → archived (and back). A scheduled article is
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
