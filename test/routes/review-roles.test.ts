import t from 'tap'
import { eq } from 'drizzle-orm'
import { articles } from '../../src/db/schema/index.js'
import { ROLES } from '../../src/services/actor.js'
import { ARTICLE_STATUSES } from '../../src/services/articles/workflow.js'
import { createUsers } from '../helpers/auth.js'
import { build } from '../helpers/build.js'
import { ACTIONS, FUTURE, PAST, payloadOf, TABLE } from '../helpers/review-table.js'

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

