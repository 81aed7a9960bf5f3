import t, { type Test } from 'tap'
import { eq, sql } from 'drizzle-orm'
import { articles, auditLog, comments } from '../../src/db/schema/index.js'
import { createManualClock } from '../../src/lib/clock.js'
import { assertProblem } from '../helpers/assertions.js'
import { createUsers } from '../helpers/auth.js'
import { build } from '../helpers/build.js'
import { commentableArticle, postComment, thread } from '../helpers/comments.js'

async function setup(t: Test) {
  const clock = createManualClock('2026-03-01T10:00:00.000Z')
  const app = await build(t, { clock, env: { COMMENT_RATE_EMAIL: '1000', COMMENT_RATE_IP: '1000' } })
  const users = await createUsers(app)
  const article = await commentableArticle(app, { title: 'Carrier Strike Group' })
  const db = app.testDb.database.db
  const as = (role: keyof typeof users) => users[role].auth
  const patch = (id: string, payload: unknown, role: keyof typeof users = 'editor') =>
    app.inject({ method: 'PATCH', url: `/v1/admin/comments/${id}`, headers: { ...as(role), 'if-match': '*' }, payload: payload as Record<string, unknown> })
  const comment = async (payload: Record<string, unknown> = {}, slug = article.slug) => {
    clock.advance(1000)
    const res = await postComment(app, slug, payload)
    t.ok(res.statusCode === 201 || res.statusCode === 202, `posted: ${res.statusCode}`)
    return res.json().data as { id: string; status: string }
  }
  /** The invariant: comment_count equals a recount of approved, not deleted comments, for every article. */
  const assertCountsExact = async (label: string) => {
    const result = (await db.execute(sql`
      select a.id, a.comment_count, (select count(*) from ${comments} c where c.article_id = a.id and c.status = 'approved' and c.deleted_at is null)::int as recount
      from ${articles} a
    `)) as unknown as { rows: { id: string; comment_count: number; recount: number }[] }
    const wrong = result.rows.filter((r) => Number(r.comment_count) !== Number(r.recount))
    t.same(wrong, [], `${label}: comment_count is exact`)
  }
  return { app, clock, users, article, db, as, patch, comment, assertCountsExact }
}

t.test('the queue: list by status with article and search filters, counts, and the moderators’ view of a comment', async (t) => {
  const { app, as, comment, article } = await setup(t)
  const other = await commentableArticle(app, { title: 'Other story' })
  const pending = await comment({ author_name: 'Pat', author_email: 'pat@example.com', body: 'Pending thoughts about submarines' }, article.slug)
  const spam = await comment({ honeypot: 'gotcha', body: 'buy things' })
  await comment({ body: 'elsewhere' }, other.slug)

  let res = await app.inject({ url: '/v1/admin/comments', headers: as('editor') })
  t.equal(res.statusCode, 200)
  const body = res.json()
  t.equal(body.data.length, 2, 'default: pending and approved')
  t.match(body.meta, { limit: 20, page: 1, pages: 1, total: 2, counts: { pending: 2, approved: 0, spam: 1, trash: 0 } })
  t.equal(res.headers['cache-control'], 'private, no-store')
  const item = body.data.find((c: { id: string }) => c.id === pending.id)
  t.match(item, {
    id: pending.id,
    article: { id: article.id, slug: article.slug, title: 'Carrier Strike Group' },
    parent_id: null,
    depth: 0,
    status: 'pending',
    author_name: 'Pat',
    author_email: 'pat@example.com',
    ip: /^10\./,
    user_agent: 'Mozilla/5.0 (TestBrowser)',
    referrer: 'https://site.example/article',
    spam_reasons: ['first_comment'],
    akismet: { result: null, feedback: null },
    is_staff: false,
    approved_at: null,
  })

  res = await app.inject({ url: '/v1/admin/comments?status=spam', headers: as('editor') })
  t.same(res.json().data.map((c: { id: string }) => c.id), [spam.id])
  t.same(res.json().data[0].spam_reasons, ['honeypot'])
  res = await app.inject({ url: `/v1/admin/comments?status=pending&status=spam&article=${article.slug}`, headers: as('editor') })
  t.equal(res.json().meta.total, 2, 'several statuses, one article by slug')
  res = await app.inject({ url: `/v1/admin/comments?article=${other.id}`, headers: as('editor') })
  t.match(res.json(), { meta: { total: 1, counts: { pending: 1, spam: 0 } } }, 'article by id; counts follow the filter')
  res = await app.inject({ url: '/v1/admin/comments?q=SUBMARINE', headers: as('editor') })
  t.same(res.json().data.map((c: { id: string }) => c.id), [pending.id], 'search is case-insensitive')
  res = await app.inject({ url: '/v1/admin/comments?q=100%25_', headers: as('editor') })
  t.equal(res.json().meta.total, 0, 'LIKE wildcards are literal')
  res = await app.inject({ url: '/v1/admin/comments?limit=1&page=2&status=pending', headers: as('editor') })
  t.match(res.json().meta, { limit: 1, page: 2, pages: 2, total: 2 })
  t.match(res.headers.link, /rel="prev"/)

  assertProblem(t, await app.inject({ url: '/v1/admin/comments?status=deleted', headers: as('editor') }), 400, 'VALIDATION_FAILED')
  assertProblem(t, await app.inject({ url: '/v1/admin/comments?sort=x', headers: as('editor') }), 400, 'VALIDATION_FAILED')
  const one = await app.inject({ url: `/v1/admin/comments/${pending.id}`, headers: as('admin') })
  t.equal(one.json().data.author_email, 'pat@example.com')
  assertProblem(t, await app.inject({ url: '/v1/admin/comments/00000000-0000-4000-8000-000000000000', headers: as('editor') }), 404, 'NOT_FOUND')
  assertProblem(t, await app.inject({ url: '/v1/admin/comments/nope', headers: as('editor') }), 400, 'VALIDATION_FAILED')
})

t.test('authors, contributors and anonymous callers cannot moderate', async (t) => {
  const { app, as, comment, db } = await setup(t)
  const c = await comment()
  for (const role of ['author', 'contributor'] as const) {
    assertProblem(t, await app.inject({ url: '/v1/admin/comments', headers: as(role) }), 403, 'FORBIDDEN')
    assertProblem(t, await app.inject({ method: 'PATCH', url: `/v1/admin/comments/${c.id}`, headers: { ...as(role), 'if-match': '*' }, payload: { status: 'approved' } }), 403, 'FORBIDDEN')
    assertProblem(t, await app.inject({ method: 'POST', url: '/v1/admin/comments/bulk', headers: as(role), payload: { ids: [c.id], status: 'approved' } }), 403, 'FORBIDDEN')
    assertProblem(t, await app.inject({ method: 'POST', url: `/v1/admin/comments/${c.id}/replies`, headers: as(role), payload: { body: 'hi' } }), 403, 'FORBIDDEN')
    assertProblem(t, await app.inject({ method: 'POST', url: '/v1/admin/comment-blocks', headers: as(role), payload: { kind: 'ip', value: '192.0.2.1' } }), 403, 'FORBIDDEN')
  }
  assertProblem(t, await app.inject({ method: 'PATCH', url: `/v1/admin/comments/${c.id}`, payload: { status: 'approved' } }), 401, 'UNAUTHORIZED')
  assertProblem(t, await app.inject({ url: '/v1/admin/comments' }), 401, 'UNAUTHORIZED')
  const [row] = await db.select().from(comments).where(eq(comments.id, c.id))
  t.equal(row!.status, 'pending', 'unchanged')
})

t.test('PATCH: status changes, restore, edits; bad input refused with nothing changed; every change audited', async (t) => {
  const { app, patch, comment, db, users, assertCountsExact, article } = await setup(t)
  const c = await comment({ body: 'Original text', author_website: 'https://spammy.example' })
  let res = await patch(c.id, { status: 'approved' })
  t.equal(res.statusCode, 200)
  t.match(res.json().data, { status: 'approved', approved_at: '2026-03-01T10:00:01.000Z' })
  res = await patch(c.id, { body: '  Edited text  ', author_website: null, author_name: 'Renamed' })
  t.match(res.json().data, { status: 'approved', body: 'Edited text', author_website: null, author_name: 'Renamed' })
  t.equal((await thread(app, article.slug)).json().data[0].body, 'Edited text')

  res = await patch(c.id, { status: 'spam' })
  t.equal(res.json().data.status, 'spam')
  res = await patch(c.id, { status: 'trash' })
  t.equal(res.json().data.status, 'trash')
  res = await patch(c.id, { status: 'restore' })
  t.equal(res.json().data.status, 'approved', 'restore goes back to the status before spam and trash')
  res = await patch(c.id, { status: 'restore' })
  t.equal(res.json().data.status, 'approved', 'restoring a live comment changes nothing')
  const pendingOne = await comment({ honeypot: 'x' })
  t.equal((await patch(pendingOne.id, { status: 'restore' })).json().data.status, 'pending', 'spam from the pipeline restores to pending')
  await assertCountsExact('after PATCHes')

  const before = await db.select().from(comments).where(eq(comments.id, c.id))
  for (const [label, payload] of [
    ['empty', {}],
    ['unknown field', { status: 'approved', pinned: true }],
    ['bad status', { status: 'published' }],
    ['wrong type', { body: 7 }],
    ['oversize', { body: 'z'.repeat(5001) }],
    ['blank', { body: '   ' }],
    ['bad website', { author_website: 'ftp://x.example' }],
  ] as const) {
    assertProblem(t, await patch(c.id, payload), 400, 'VALIDATION_FAILED')
    t.pass(label)
  }
  t.same(await db.select().from(comments).where(eq(comments.id, c.id)), before, 'refused edits change nothing')
  assertProblem(t, await patch('00000000-0000-4000-8000-000000000000', { status: 'approved' }), 404, 'NOT_FOUND')

  const trail = await db.select().from(auditLog).where(eq(auditLog.entityId, c.id)).orderBy(auditLog.id)
  t.same(trail.map((e) => e.action), ['comment.approved', 'comment.edit', 'comment.spam', 'comment.trash', 'comment.approved'])
  t.equal(trail[0]!.actorId, users.editor.id)
  t.same(trail[0]!.changes, { status: { from: 'pending', to: 'approved' } })
})

t.test('bulk: one status for many comments, with a result per id', async (t) => {
  const { app, as, comment, article, assertCountsExact } = await setup(t)
  const a = await comment()
  const b = await comment()
  const missing = '00000000-0000-4000-8000-000000000000'
  const res = await app.inject({ method: 'POST', url: '/v1/admin/comments/bulk', headers: as('editor'), payload: { ids: [a.id, missing, b.id, a.id], status: 'approved' } })
  t.equal(res.statusCode, 200)
  t.same(res.json().data, [
    { id: a.id, ok: true, status: 'approved' },
    { id: missing, ok: false, code: 'NOT_FOUND', detail: 'No comment has this id' },
    { id: b.id, ok: true, status: 'approved' },
  ])
  t.equal((await thread(app, article.slug)).json().meta.comment_count, 2)
  const trash = await app.inject({ method: 'POST', url: '/v1/admin/comments/bulk', headers: as('admin'), payload: { ids: [a.id, b.id], status: 'trash' } })
  t.same(trash.json().data.map((r: { status: string }) => r.status), ['trash', 'trash'])
  const restore = await app.inject({ method: 'POST', url: '/v1/admin/comments/bulk', headers: as('admin'), payload: { ids: [a.id, b.id], status: 'restore' } })
  t.same(restore.json().data.map((r: { status: string }) => r.status), ['approved', 'approved'])
  await assertCountsExact('after bulk')
  for (const payload of [{ ids: [], status: 'approved' }, { ids: ['x'], status: 'approved' }, { ids: [a.id] }, { ids: [a.id], status: 'approved', extra: 1 }, { ids: Array(101).fill(a.id), status: 'spam' }]) {
    assertProblem(t, await app.inject({ method: 'POST', url: '/v1/admin/comments/bulk', headers: as('editor'), payload }), 400, 'VALIDATION_FAILED')
  }
})

t.test('staff replies are approved at once, approve a pending parent, and are refused under spam', async (t) => {
  const { app, as, comment, article, users, db } = await setup(t)
  const parent = await comment({ author_name: 'Curious' })
  const res = await app.inject({ method: 'POST', url: `/v1/admin/comments/${parent.id}/replies`, headers: as('editor'), payload: { body: 'Thanks, we have corrected it.' } })
  t.equal(res.statusCode, 201)
  const reply = res.json().data
  t.match(reply, { status: 'approved', is_staff: true, staff_user_id: users.editor.id, parent_id: parent.id, depth: 1, author_email: users.editor.email })
  t.equal(res.headers.location, `http://api.test/v1/admin/comments/${reply.id}`)
  const thr = (await thread(app, article.slug)).json()
  t.match(thr.data[0], { id: parent.id, deleted: false, replies: [{ id: reply.id, is_staff: true, body: 'Thanks, we have corrected it.' }] })
  t.equal(thr.meta.comment_count, 2, 'replying approved the pending parent')

  // A staff reply does not vouch for someone posting with the staff member's address.
  const impostor = await postComment(app, article.slug, { author_email: users.editor.email, body: 'I am staff, trust me' })
  t.equal(impostor.json().data.status, 'pending')

  const spam = await comment({ honeypot: 'x' })
  const refused = await app.inject({ method: 'POST', url: `/v1/admin/comments/${spam.id}/replies`, headers: as('editor'), payload: { body: 'no' } })
  assertProblem(t, refused, 422, 'UNPROCESSABLE')
  assertProblem(t, await app.inject({ method: 'POST', url: `/v1/admin/comments/${parent.id}/replies`, headers: as('editor'), payload: { body: '' } }), 400, 'VALIDATION_FAILED')
  assertProblem(t, await app.inject({ method: 'POST', url: `/v1/admin/comments/${parent.id}/replies`, headers: as('editor'), payload: { body: 'x', is_staff: false } }), 400, 'VALIDATION_FAILED')
  assertProblem(t, await app.inject({ method: 'POST', url: '/v1/admin/comments/00000000-0000-4000-8000-000000000000/replies', headers: as('editor'), payload: { body: 'x' } }), 404, 'NOT_FOUND')
  const staffRows = await db.select().from(comments).where(eq(comments.isStaff, true))
  t.equal(staffRows.length, 1, 'refused replies are not stored')
})

t.test('blocks: add, list, refuse duplicates and nonsense, remove', async (t) => {
  const { app, as, db } = await setup(t)
  const post = (payload: unknown) => app.inject({ method: 'POST', url: '/v1/admin/comment-blocks', headers: as('editor'), payload: payload as Record<string, unknown> })
  const email = await post({ kind: 'email', value: ' Troll@Example.COM ', reason: 'abuse' })
  t.equal(email.statusCode, 201)
  t.match(email.json().data, { kind: 'email', value: 'troll@example.com', reason: 'abuse' })
  t.equal((await post({ kind: 'ip', value: '2001:db8::/32' })).statusCode, 201)
  t.equal((await post({ kind: 'ip', value: '::ffff:192.0.2.7' })).json().data.value, '192.0.2.7')
  assertProblem(t, await post({ kind: 'email', value: 'troll@example.com' }), 409, 'CONFLICT')
  assertProblem(t, await post({ kind: 'ip', value: '999.1.1.1' }), 422, 'UNPROCESSABLE')
  assertProblem(t, await post({ kind: 'ip', value: '10.0.0.0/33' }), 422, 'UNPROCESSABLE')
  assertProblem(t, await post({ kind: 'email', value: 'not an email' }), 422, 'UNPROCESSABLE')
  assertProblem(t, await post({ kind: 'phone', value: '123' }), 400, 'VALIDATION_FAILED')
  let list = await app.inject({ url: '/v1/admin/comment-blocks', headers: as('admin') })
  t.equal(list.json().data.length, 3)
  list = await app.inject({ url: '/v1/admin/comment-blocks?kind=ip', headers: as('admin') })
  t.equal(list.json().data.length, 2)
  const del = await app.inject({ method: 'DELETE', url: `/v1/admin/comment-blocks/${email.json().data.id}`, headers: as('editor') })
  t.equal(del.statusCode, 204)
  assertProblem(t, await app.inject({ method: 'DELETE', url: `/v1/admin/comment-blocks/${email.json().data.id}`, headers: as('editor') }), 404, 'NOT_FOUND')
  const trail = await db.select({ action: auditLog.action }).from(auditLog).where(eq(auditLog.entityType, 'comment_block'))
  t.same(trail.map((e) => e.action).sort(), ['comment_block.create', 'comment_block.create', 'comment_block.create', 'comment_block.delete'])
})

t.test('comment_count stays exact through a sequence of moderation operations (recounted from the table)', async (t) => {
  const { app, as, patch, comment, article, db, assertCountsExact, clock } = await setup(t)
  const second = await commentableArticle(app)
  const ids: string[] = []
  for (let i = 0; i < 6; i++) ids.push((await comment({ body: `c${i}` }, i % 2 ? second.slug : article.slug)).id)
  await assertCountsExact('after submissions')
  const steps: [string, unknown][] = [
    [ids[0]!, { status: 'approved' }],
    [ids[1]!, { status: 'approved' }],
    [ids[0]!, { status: 'approved' }],
    [ids[2]!, { status: 'spam' }],
    [ids[0]!, { status: 'trash' }],
    [ids[2]!, { status: 'approved' }],
    [ids[0]!, { status: 'restore' }],
    [ids[3]!, { status: 'approved', body: 'edited while approving' }],
    [ids[1]!, { status: 'pending' }],
  ]
  for (const [id, payload] of steps) {
    t.equal((await patch(id, payload)).statusCode, 200)
    await assertCountsExact(`after ${JSON.stringify(payload)}`)
  }
  // Concurrent moderators approving the same comments: row locks keep the count exact.
  await Promise.all([ids[4]!, ids[5]!, ids[4]!, ids[5]!].map((id) => patch(id, { status: 'approved' })))
  await assertCountsExact('after concurrent approvals')
  await app.inject({ method: 'POST', url: '/v1/admin/comments/bulk', headers: as('editor'), payload: { ids, status: 'spam' } })
  await assertCountsExact('after bulk spam')
  await app.inject({ method: 'POST', url: '/v1/admin/comments/bulk', headers: as('editor'), payload: { ids, status: 'restore' } })
  await assertCountsExact('after bulk restore')
  clock.advance(1000)
  const replyRes = await app.inject({ method: 'POST', url: `/v1/admin/comments/${ids[0]}/replies`, headers: as('admin'), payload: { body: 'staff' } })
  t.equal(replyRes.statusCode, 201)
  await assertCountsExact('after a staff reply')
  t.equal((await app.inject({ method: 'DELETE', url: `/v1/admin/comments/${ids[0]}`, headers: { ...as('admin'), 'if-match': '*' } })).statusCode, 204)
  await assertCountsExact('after deleting a comment with a reply')
  t.equal((await app.inject({ method: 'DELETE', url: `/v1/admin/comments/${replyRes.json().data.id}`, headers: { ...as('admin'), 'if-match': '*' } })).statusCode, 204)
  await assertCountsExact('after deleting the reply')
  const [row] = await db.select({ n: articles.commentCount }).from(articles).where(eq(articles.id, article.id))
  t.equal((await thread(app, article.slug)).json().meta.comment_count, row!.n)
  const removed = await app.inject({ method: 'DELETE', url: `/v1/admin/articles/${second.id}`, headers: { ...as('admin'), 'if-match': '"v1"' } })
  t.equal(removed.statusCode, 204, 'deleting an article with comments works')
  t.equal((await db.select().from(comments).where(eq(comments.articleId, second.id))).length, 0, 'its comments went with it')
  await assertCountsExact('after deleting an article')
})

t.test('moderation is conditional like every editable resource: If-Match or version, 428 without, 412/409 when stale, 400 when malformed', async (t) => {
  const { app, as, comment, db } = await setup(t)
  const c = await comment({ author_name: 'Robin', body: 'Two moderators read me at once' })
  const url = `/v1/admin/comments/${c.id}`
  const read = await app.inject({ url, headers: as('editor') })
  t.equal(read.headers.etag, '"v1"', 'a read names the version')
  t.equal(read.json().data.version, 1)

  assertProblem(t, await app.inject({ method: 'PATCH', url, headers: as('editor'), payload: { status: 'approved' } }), 428, 'PRECONDITION_REQUIRED')
  assertProblem(t, await app.inject({ method: 'DELETE', url, headers: as('editor') }), 428, 'PRECONDITION_REQUIRED')
  const malformed = await app.inject({ method: 'PATCH', url, headers: { ...as('editor'), 'if-match': 'v1' }, payload: { status: 'approved' } })
  assertProblem(t, malformed, 400, 'VALIDATION_FAILED')
  t.match(malformed.json().detail, /"v<version>"/, 'the answer explains the format')

  // Moderator A approves and edits in one write: one version step, whatever it changes.
  const first = await app.inject({ method: 'PATCH', url, headers: { ...as('editor'), 'if-match': '"v1"' }, payload: { status: 'approved', body: 'Edited by A' } })
  t.equal(first.statusCode, 200)
  t.equal(first.headers.etag, '"v2"')
  t.match(first.json().data, { status: 'approved', body: 'Edited by A', version: 2 })

  // Moderator B, still on version 1, tries to mark it spam: refused, nothing changes.
  assertProblem(t, await app.inject({ method: 'PATCH', url, headers: { ...as('admin'), 'if-match': '"v1"' }, payload: { status: 'spam' } }), 412, 'PRECONDITION_FAILED')
  assertProblem(t, await app.inject({ method: 'PATCH', url, headers: as('admin'), payload: { status: 'spam', version: 1 } }), 409, 'VERSION_CONFLICT')
  assertProblem(t, await app.inject({ method: 'DELETE', url, headers: { ...as('admin'), 'if-match': '"v1"' } }), 412, 'PRECONDITION_FAILED')
  const [row] = await db.select().from(comments).where(eq(comments.id, c.id))
  t.match(row, { status: 'approved', body: 'Edited by A', version: 2 }, 'the stale writes changed nothing')

  // With the current version (body field, for clients without headers) B's write goes through.
  const second = await app.inject({ method: 'PATCH', url, headers: as('admin'), payload: { status: 'spam', version: 2 } })
  t.equal(second.statusCode, 200)
  t.equal(second.headers.etag, '"v3"')
  t.equal((await app.inject({ method: 'DELETE', url, headers: { ...as('admin'), 'if-match': '"v3"' } })).statusCode, 204)
  t.equal((await db.select().from(comments).where(eq(comments.id, c.id))).length, 0, 'deleted at the version named')
})
