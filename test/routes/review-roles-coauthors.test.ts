import t from 'tap'
import { eq } from 'drizzle-orm'
import { articleAuthors, articles, users as userTable } from '../../src/db/schema/index.js'
import { ARTICLE_STATUSES } from '../../src/services/articles/workflow.js'
import { createUsers } from '../helpers/auth.js'
import { build } from '../helpers/build.js'
import { ACTIONS, FUTURE, PAST, payloadOf, TABLE } from '../helpers/review-table.js'

/**
 * Co-authors: the same table holds for an author or contributor who is a co-author (second in the
 * byline) of an article someone else created; a writer outside the byline is refused everything.
 */
t.test('co-authors answer as the table says; writers outside the byline get 403', async (t) => {
  const app = await build(t, { seed: true })
  const users = await createUsers(app)
  const db = app.database.db
  const outsider = await createUsers(app)
  const authorIdOf = async (userId: string) => (await db.select({ id: userTable.authorId }).from(userTable).where(eq(userTable.id, userId)))[0]!.id!
  for (const role of ['author', 'contributor'] as const) {
    const coAuthorId = await authorIdOf(users[role].id)
    for (const status of ARTICLE_STATUSES) {
      for (const [index, action] of ACTIONS.entries()) {
        // Outside the byline every action is refused; trying the edit and the note of each state is enough.
        for (const who of action === 'edit' || action === 'note' ? (['co-author', 'outsider'] as const) : (['co-author'] as const)) {
          const created = await app.inject({ method: 'POST', url: '/v1/admin/articles', headers: users.editor.auth, payload: { title: 'Truth', section: 'india', author: 'the-defence-times' } })
          const id = created.json().data.id as string
          // The byline: the desk first, the role's writer second (not the creator, not the first author).
          await db.insert(articleAuthors).values({ articleId: id, authorId: coAuthorId, position: 1 })
          const publishedAt = status === 'scheduled' ? new Date(FUTURE) : status === 'published' ? PAST : null
          const submitted = status === 'in_review' ? { submittedAt: PAST, submittedBy: users.editor.id } : {}
          await db.update(articles).set({ status, publishedAt, ...submitted }).where(eq(articles.id, id))
          const actor = who === 'co-author' ? users[role] : outsider[role]
          const res =
            action === 'note'
              ? await app.inject({ method: 'POST', url: `/v1/admin/articles/${id}/notes`, headers: actor.auth, payload: payloadOf(action) })
              : await app.inject({ method: 'PATCH', url: `/v1/admin/articles/${id}`, headers: { ...actor.auth, 'if-match': '"v1"' }, payload: payloadOf(action) })
          const expected = who === 'co-author' ? TABLE[role][status][index] : 403
          t.equal(res.statusCode, expected, `${role} ${who}: ${status} → ${action} (${res.statusCode === expected ? 'ok' : res.body})`)
        }
      }
    }
  }
})
