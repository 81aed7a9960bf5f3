import type { Role } from '../../src/services/actor.js'
import type { ArticleStatus } from '../../src/services/articles/workflow.js'
import { ARTICLE_STATUSES } from '../../src/services/articles/workflow.js'

export const NOW = Date.now()
export const FUTURE = new Date(NOW + 86_400_000).toISOString()
export const PAST = new Date(NOW - 86_400_000)

/** The actions tried on an article in each state: an edit, each status change, and a note. */
export const ACTIONS = ['edit', ...ARTICLE_STATUSES, 'note'] as const
export type Action = (typeof ACTIONS)[number]

export const payloadOf = (action: Action): Record<string, unknown> => {
  switch (action) {
    case 'edit':
      return { title: 'Edited' }
    case 'scheduled':
      return { status: 'scheduled', published_at: FUTURE }
    case 'published':
      return { status: 'published', published_at: new Date(NOW - 1000).toISOString() }
    case 'changes_requested':
      return { status: 'changes_requested', note: 'Please tighten the lede.' }
    case 'note':
      return { body: 'A note' }
    default:
      return { status: action }
  }
}

// Columns: edit, → draft, → in_review, → changes_requested, → scheduled, → published, → archived, note.
// Staff act on a contributor's article; authors and contributors on their own.
const STAFF_ROWS: Record<ArticleStatus, number[]> = {
  draft: [200, 200, 200, 422, 200, 200, 200, 201],
  in_review: [200, 200, 200, 200, 200, 200, 200, 201],
  changes_requested: [200, 200, 200, 200, 200, 200, 200, 201],
  scheduled: [200, 200, 422, 422, 200, 200, 200, 201],
  published: [200, 200, 422, 422, 200, 200, 200, 201],
  archived: [200, 200, 422, 422, 200, 200, 200, 201],
}

/** The role truth table of the review workflow: role × status × action → HTTP status. */
export const TABLE: Record<Role, Record<ArticleStatus, number[]>> = {
  admin: STAFF_ROWS,
  editor: STAFF_ROWS,
  author: {
    draft: [200, 200, 200, 403, 200, 200, 200, 201],
    in_review: [403, 403, 403, 403, 403, 403, 403, 201],
    changes_requested: [200, 200, 200, 403, 200, 200, 200, 201],
    scheduled: [200, 200, 422, 403, 200, 200, 200, 201],
    published: [200, 200, 422, 403, 200, 200, 200, 201],
    archived: [200, 200, 422, 403, 200, 200, 200, 201],
  },
  contributor: {
    draft: [200, 200, 200, 403, 403, 403, 403, 201],
    in_review: [403, 403, 403, 403, 403, 403, 403, 201],
    changes_requested: [200, 200, 200, 403, 403, 403, 403, 201],
    scheduled: [403, 403, 403, 403, 403, 403, 403, 201],
    published: [403, 403, 403, 403, 403, 403, 403, 201],
    archived: [403, 403, 403, 403, 403, 403, 403, 201],
  },
}

