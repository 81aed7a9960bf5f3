import t from 'tap'
import { eq } from 'drizzle-orm'
import { articles } from '../../src/db/schema/index.js'
import { ROLES, type Role } from '../../src/services/actor.js'
import { ARTICLE_STATUSES, type ArticleStatus } from '../../src/services/articles/workflow.js'
import { createUsers } from '../helpers/auth.js'
import { build } from '../helpers/build.js'

const NOW = Date.now()
const FUTURE = new Date(NOW + 86_400_000).toISOString()
const PAST = new Date(NOW - 86_400_000)

/** The actions tried on an article in each state: an edit, each status change, and a note. */
const ACTIONS = ['edit', ...ARTICLE_STATUSES, 'note'] as const
type Action = (typeof ACTIONS)[number]

const payloadOf = (action: Action): Record<string, unknown> => {
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
const TABLE: Record<Role, Record<ArticleStatus, number[]>> = {
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

t.test('the table covers every role, every status and every action', async (t) => {
  t.same(Object.keys(TABLE).sort(), [...ROLES].sort())
  for (const role of ROLES) {
    t.same(Object.keys(TABLE[role]).sort(), [...ARTICLE_STATUSES].sort(), role)
    for (const status of ARTICLE_STATUSES) t.equal(TABLE[role][status].length, ACTIONS.length, `${role} ${status}`)
  }
})

t.test('every role × status × action answers as the table says', async (t) => {
  const app = await build(t, { seed: true })
  const users = await createUsers(app)
  for (const role of ROLES) {
    const owner = role === 'admin' || role === 'editor' ? users.contributor : users[role]
    for (const status of ARTICLE_STATUSES) {
      for (const [index, action] of ACTIONS.entries()) {
        const created = await app.inject({ method: 'POST', url: '/v1/admin/articles', headers: owner.auth, payload: { title: 'Truth', section: 'india' } })
        const id = created.json().data.id as string
        // Put the article in the state directly: the table is about who may leave it, not how it got there.
        const publishedAt = status === 'scheduled' ? new Date(FUTURE) : status === 'published' ? PAST : null
        const submitted = status === 'in_review' ? { submittedAt: PAST, submittedBy: owner.id } : {}
        await app.database.db.update(articles).set({ status, publishedAt, ...submitted }).where(eq(articles.id, id))
        const res =
          action === 'note'
            ? await app.inject({ method: 'POST', url: `/v1/admin/articles/${id}/notes`, headers: users[role].auth, payload: payloadOf(action) })
            : await app.inject({ method: 'PATCH', url: `/v1/admin/articles/${id}`, headers: { ...users[role].auth, 'if-match': '"v1"' }, payload: payloadOf(action) })
        const expected = TABLE[role][status][index]
        t.equal(res.statusCode, expected, `${role}: ${status} → ${action} (${res.statusCode === expected ? 'ok' : res.body})`)
        if (res.statusCode === 403) t.equal(res.json().code, 'FORBIDDEN')
        if (res.statusCode === 422) t.equal(res.json().code, 'INVALID_TRANSITION')
      }
    }
  }
})
