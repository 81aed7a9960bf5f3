import t from 'tap'
import { createManualClock } from '../../src/lib/clock.js'
import { assertProblem } from '../helpers/assertions.js'
import { createUser, type TestUser } from '../helpers/auth.js'
import { build, type TestApp } from '../helpers/build.js'
import { startReceiver } from '../helpers/receiver.js'
import { startSmtpServer } from '../helpers/smtp.js'

type Article = {
  id: string
  version: number
  status: string
  title: string
  submitted_at: string | null
  submitted_by: { id: string; name: string } | null
  assignee: { id: string; name: string } | null
}
type Email = { id: number; to: string | null; subject: string | null; text: string | null }

const ifMatch = (a: { version: number }) => ({ 'if-match': `"v${a.version}"` })

/** Every email the outbox holds, oldest first, read through the admin API. */
async function emails(app: TestApp, admin: TestUser): Promise<Email[]> {
  const res = await app.inject({ method: 'GET', url: '/v1/admin/outbox?topic=email.send&limit=100', headers: admin.auth })
  return (res.json().data as Email[]).sort((a, b) => a.id - b.id)
}

/** Runs the outbox until nothing is due (emails to the SMTP sink, webhooks to the receiver). */
async function drain(app: TestApp): Promise<void> {
  while ((await app.services.outbox.runOnce()) > 0);
}

t.test('a contributor drafts and submits, the desk reviews, notes, returns and schedules: each step emails, fires its webhook and is audited', async (t) => {
  const smtp = await startSmtpServer()
  t.teardown(() => smtp.close())
  const receiver = await startReceiver()
  t.teardown(() => receiver.close())
  const clock = createManualClock('2026-06-01T09:00:00.000Z')
  const app = await build(t, { seed: true, clock, env: { SMTP_URL: smtp.url, WEBHOOK_ALLOW_PRIVATE: 'true' } })
  const admin = await createUser(app, 'admin')
  const editor = await createUser(app, 'editor')
  const deskmate = await createUser(app, 'editor')
  const author = await createUser(app, 'author')
  const contributor = await createUser(app, 'contributor')
  const hook = await app.inject({
    method: 'POST',
    url: '/v1/admin/webhooks',
    headers: admin.auth,
    payload: { url: receiver.url, events: ['article.submitted', 'article.changes_requested'] },
  })
  t.equal(hook.statusCode, 201)
  const mailTo = async (since: number) => (await emails(app, admin)).filter((e) => e.id > since)
  const lastId = async () => (await emails(app, admin)).at(-1)?.id ?? 0

  // An author's article submitted first: the queue is oldest submission first, whatever changed since.
  const older = (await app.inject({ method: 'POST', url: '/v1/admin/articles', headers: author.auth, payload: { title: 'Older Submission', section: 'india', status: 'in_review' } })).json().data as Article
  t.equal(older.status, 'in_review', 'created straight into review')
  t.equal(older.submitted_at, '2026-06-01T09:00:00.000Z')

  // 1. The contributor drafts, then submits.
  clock.advance(60_000)
  let article = (await app.inject({ method: 'POST', url: '/v1/admin/articles', headers: contributor.auth, payload: { title: 'Harbour Pilots', section: 'india', body: 'First draft.' } })).json().data as Article
  t.equal(article.status, 'draft')
  t.equal(article.submitted_at, null)
  let since = await lastId()
  clock.advance(60_000)
  let res = await app.inject({ method: 'PATCH', url: `/v1/admin/articles/${article.id}`, headers: { ...contributor.auth, ...ifMatch(article) }, payload: { status: 'in_review' } })
  t.equal(res.statusCode, 200)
  article = res.json().data
  t.match(article, { status: 'in_review', submitted_at: '2026-06-01T09:02:00.000Z', submitted_by: { id: contributor.id, name: String }, assignee: null })
  let sent = await mailTo(since)
  t.same(sent.map((e) => e.to).sort(), [deskmate.email, editor.email].sort(), 'a submission emails the desk (every editor), not the admin nor the submitter')
  t.equal(sent[0]!.subject, 'Submitted for review: Harbour Pilots')

  // The editor edits the older one: the queue order does not move.
  clock.advance(60_000)
  res = await app.inject({ method: 'PATCH', url: `/v1/admin/articles/${older.id}`, headers: { ...editor.auth, ...ifMatch(older) }, payload: { excerpt: 'Copy-edited' } })
  t.equal(res.statusCode, 200)

  // 2. The editor sees the queue, oldest submission first, with who submitted and when.
  res = await app.inject({ method: 'GET', url: '/v1/admin/articles?status=in_review', headers: editor.auth })
  t.equal(res.statusCode, 200)
  const queue = res.json().data as Article[]
  t.same(queue.map((a) => a.id), [older.id, article.id])
  t.match(queue[1], { submitted_by: { id: contributor.id }, submitted_at: '2026-06-01T09:02:00.000Z' })
  since = await lastId()
  res = await app.inject({ method: 'PATCH', url: `/v1/admin/articles/${older.id}`, headers: { ...editor.auth, 'if-match': `"v${queue[0]!.version}"` }, payload: { assignee: admin.id } })
  t.equal(res.statusCode, 200, 'an article in review can be assigned (to an admin too)')
  t.same((await mailTo(since)).map((e) => [e.to, e.subject]), [[admin.email, 'Assigned to you: Older Submission']], 'the assignee is told')

  // In review, the article is read-only to its contributor; publishing is never theirs.
  res = await app.inject({ method: 'PATCH', url: `/v1/admin/articles/${article.id}`, headers: { ...contributor.auth, ...ifMatch(article) }, payload: { title: 'Sneaky edit' } })
  t.match(assertProblem(t, res, 403, 'FORBIDDEN').detail, /in review/)
  res = await app.inject({ method: 'DELETE', url: `/v1/admin/articles/${article.id}`, headers: { ...contributor.auth, ...ifMatch(article) } })
  assertProblem(t, res, 403, 'FORBIDDEN')

  // 3. The editor leaves a note; the contributor answers in the thread (allowed while in review).
  since = await lastId()
  res = await app.inject({ method: 'POST', url: `/v1/admin/articles/${article.id}/notes`, headers: editor.auth, payload: { body: 'Which harbours? Name them.' } })
  t.equal(res.statusCode, 201)
  t.match(res.json().data, { body: 'Which harbours? Name them.', author: { id: editor.id }, article_version: article.version, transition: null })
  sent = await mailTo(since)
  t.same(sent.map((e) => e.to), [contributor.email], 'a note emails the others in the conversation')
  t.match(sent[0]!.text, /Which harbours\? Name them\./)
  since = await lastId()
  res = await app.inject({ method: 'POST', url: `/v1/admin/articles/${article.id}/notes`, headers: contributor.auth, payload: { body: 'Kiel and Gdańsk.' } })
  t.equal(res.statusCode, 201)
  t.same((await mailTo(since)).map((e) => e.to), [editor.email], 'the reply goes to the editor who wrote in the thread')

  // 4. The editor requests changes: a note is required.
  res = await app.inject({ method: 'PATCH', url: `/v1/admin/articles/${article.id}`, headers: { ...editor.auth, ...ifMatch(article) }, payload: { status: 'changes_requested' } })
  t.match(assertProblem(t, res, 422, 'UNPROCESSABLE').invalid_params, [{ name: 'body.note', reason: /needs a note/ }])
  since = await lastId()
  clock.advance(60_000)
  res = await app.inject({
    method: 'PATCH',
    url: `/v1/admin/articles/${article.id}`,
    headers: { ...editor.auth, ...ifMatch(article) },
    payload: { status: 'changes_requested', note: 'Put both harbours in the first paragraph.' },
  })
  t.equal(res.statusCode, 200)
  article = res.json().data
  t.equal(article.status, 'changes_requested')
  sent = await mailTo(since)
  t.same(sent.map((e) => e.to), [contributor.email], 'changes requested: the writer is told')
  t.match(sent[0], { subject: 'Changes requested: Harbour Pilots', text: /Put both harbours in the first paragraph\./ })

  // The editor assigns it to a deskmate; the assignee must be an active editor.
  res = await app.inject({ method: 'PATCH', url: `/v1/admin/articles/${article.id}`, headers: { ...editor.auth, ...ifMatch(article) }, payload: { assignee: author.id } })
  t.match(assertProblem(t, res, 422, 'UNPROCESSABLE').invalid_params, [{ name: 'body.assignee', reason: /assigned to editors/ }])
  res = await app.inject({ method: 'PATCH', url: `/v1/admin/articles/${article.id}`, headers: { ...editor.auth, ...ifMatch(article) }, payload: { assignee: '00000000-0000-4000-8000-000000000000' } })
  assertProblem(t, res, 422, 'UNPROCESSABLE')
  since = await lastId()
  res = await app.inject({ method: 'PATCH', url: `/v1/admin/articles/${article.id}`, headers: { ...editor.auth, ...ifMatch(article) }, payload: { assignee: deskmate.id } })
  t.equal(res.statusCode, 200)
  article = res.json().data
  t.match(article.assignee, { id: deskmate.id, name: String })
  t.same((await mailTo(since)).map((e) => [e.to, e.subject]), [[deskmate.email, 'Assigned to you: Harbour Pilots']], 'the assignee is told')

  // 5. The contributor revises and resubmits: it goes back to the queue, to the assignee only.
  res = await app.inject({ method: 'PATCH', url: `/v1/admin/articles/${article.id}`, headers: { ...contributor.auth, ...ifMatch(article) }, payload: { body: 'Pilots in Kiel and Gdańsk…' } })
  t.equal(res.statusCode, 200, 'returned: the contributor may edit again')
  article = res.json().data
  res = await app.inject({ method: 'PATCH', url: `/v1/admin/articles/${article.id}`, headers: { ...contributor.auth, ...ifMatch(article) }, payload: { assignee: contributor.id } })
  assertProblem(t, res, 403, 'FORBIDDEN')
  since = await lastId()
  clock.advance(60_000)
  res = await app.inject({ method: 'PATCH', url: `/v1/admin/articles/${article.id}`, headers: { ...contributor.auth, ...ifMatch(article) }, payload: { status: 'in_review', note: 'Both harbours named.' } })
  t.equal(res.statusCode, 200)
  article = res.json().data
  t.match(article, { status: 'in_review', submitted_at: '2026-06-01T09:05:00.000Z' })
  sent = await mailTo(since)
  t.same(sent.map((e) => e.to), [deskmate.email], 'a resubmission of an assigned article goes to its assignee')
  t.match(sent[0]!.text, /Both harbours named\./)
  res = await app.inject({ method: 'GET', url: '/v1/admin/articles?assignee=me', headers: deskmate.auth })
  t.same((res.json().data as Article[]).map((a) => a.id), [article.id], 'assignee=me')
  res = await app.inject({ method: 'GET', url: `/v1/admin/articles?assignee=${deskmate.id}&status=in_review`, headers: editor.auth })
  t.same((res.json().data as Article[]).map((a) => a.id), [article.id], 'assignee=<id>')
  res = await app.inject({ method: 'GET', url: '/v1/admin/articles?assignee=me', headers: editor.auth })
  t.same(res.json().data, [])

  // The contributor may not approve it; the assignee schedules it.
  res = await app.inject({ method: 'PATCH', url: `/v1/admin/articles/${article.id}`, headers: { ...contributor.auth, ...ifMatch(article) }, payload: { status: 'published' } })
  assertProblem(t, res, 403, 'FORBIDDEN')
  since = await lastId()
  clock.advance(60_000)
  res = await app.inject({
    method: 'PATCH',
    url: `/v1/admin/articles/${article.id}`,
    headers: { ...deskmate.auth, ...ifMatch(article) },
    payload: { status: 'scheduled', published_at: '2026-06-02T06:00:00.000Z' },
  })
  t.equal(res.statusCode, 200)
  article = res.json().data
  t.equal(article.status, 'scheduled')
  sent = await mailTo(since)
  t.same(sent.map((e) => e.to), [contributor.email], 'approval: the writer is told')
  t.equal(sent[0]!.subject, 'Approved and scheduled: Harbour Pilots')

  // Each user can turn the emails off.
  res = await app.inject({ method: 'PATCH', url: '/v1/auth/me/notifications', headers: contributor.auth, payload: { notify_email: false } })
  t.same(res.json(), { data: { notify_email: false } })
  t.same((await app.inject({ method: 'GET', url: '/v1/auth/me/notifications', headers: contributor.auth })).json(), { data: { notify_email: false } })
  t.equal((await app.inject({ url: '/v1/auth/me', headers: contributor.auth })).json().data.notify_email, false, 'the account shows its choice')
  const listed = (await app.inject({ url: '/v1/admin/users', headers: admin.auth })).json().data as { email: string; notify_email: boolean }[]
  t.same(listed.filter((u) => u.email === contributor.email || u.email === editor.email).map((u) => [u.email, u.notify_email]).sort(), [[contributor.email, false], [editor.email, true]].sort(), 'admins see who receives workflow emails')
  since = await lastId()
  res = await app.inject({ method: 'POST', url: `/v1/admin/articles/${article.id}/notes`, headers: deskmate.auth, payload: { body: 'Scheduled for tomorrow morning.' } })
  t.equal(res.statusCode, 201)
  t.same((await mailTo(since)).map((e) => e.to).sort(), [editor.email], 'the contributor opted out; the other editor in the thread is told')

  // Notes stay internal and read as a thread, each against its version.
  res = await app.inject({ method: 'GET', url: `/v1/admin/articles/${article.id}/notes`, headers: contributor.auth })
  const notes = res.json().data as { body: string; transition: string | null; article_version: number }[]
  t.same(
    notes.map((n) => [n.body, n.transition]),
    [
      ['Which harbours? Name them.', null],
      ['Kiel and Gdańsk.', null],
      ['Put both harbours in the first paragraph.', 'changes_requested'],
      ['Both harbours named.', 'in_review'],
      ['Scheduled for tomorrow morning.', null],
    ],
  )
  t.ok(notes.every((n, i) => i === 0 || n.article_version >= notes[i - 1]!.article_version), 'versions never go back')
  const revision = await app.inject({ method: 'GET', url: `/v1/admin/articles/${article.id}/revisions/${notes[2]!.article_version}`, headers: contributor.auth })
  t.equal(revision.json().data.snapshot.status, 'changes_requested', 'a note reads against the revision it was written on')

  // The audit trail records every transition with its actor.
  res = await app.inject({ method: 'GET', url: `/v1/admin/audit?entity_type=article&entity_id=${article.id}&limit=100`, headers: admin.auth })
  const trail = (res.json().data as { action: string; actor: { email: string }; changes: { from_status?: string; to_status?: string } | null }[]).reverse()
  const transitions = trail.filter((e) => e.changes?.from_status !== e.changes?.to_status || e.action === 'article.create')
  t.same(
    transitions.map((e) => [e.action, e.actor.email, e.changes?.to_status]),
    [
      ['article.create', contributor.email, 'draft'],
      ['article.in_review', contributor.email, 'in_review'],
      ['article.changes_requested', editor.email, 'changes_requested'],
      ['article.in_review', contributor.email, 'in_review'],
      ['article.scheduled', deskmate.email, 'scheduled'],
    ],
  )
  t.same(trail.filter((e) => e.action === 'article.note').map((e) => e.actor.email), [editor.email, contributor.email, deskmate.email])

  // Delivery: every email reaches the SMTP sink, every review event the webhook receiver.
  const queued = await emails(app, admin)
  await drain(app)
  t.equal(smtp.received.length, queued.length, 'every queued email was delivered')
  const approval = smtp.received.find((m) => /^Subject: Approved and scheduled: Harbour Pilots\r?$/m.test(m.raw))
  t.ok(approval, 'the approval reached the SMTP server')
  t.same(approval?.to, [contributor.email])
  const events = receiver.received.map((r) => JSON.parse(r.body) as { type: string; created_at: string; data: { current: Article; previous: { status: string } | null }; purge_keys: string[] })
  events.sort((a, b) => a.created_at.localeCompare(b.created_at))
  t.same(
    events.map((e) => [e.type, e.data.current.id, e.data.previous?.status ?? null]),
    [
      ['article.submitted', older.id, null],
      ['article.submitted', article.id, 'draft'],
      ['article.changes_requested', article.id, 'in_review'],
      ['article.submitted', article.id, 'changes_requested'],
    ],
  )
  t.ok(events.every((e) => e.purge_keys.length === 0), 'nothing public changed: nothing to purge')
})

t.test('bad transitions are problems that say what is wrong', async (t) => {
  const app = await build(t, { seed: true })
  const editor = await createUser(app, 'editor', { author: 'the-defence-times' })
  const contributor = await createUser(app, 'contributor')
  const create = async (user: TestUser, payload: Record<string, unknown>) =>
    (await app.inject({ method: 'POST', url: '/v1/admin/articles', headers: user.auth, payload: { title: 'Story', section: 'india', ...payload } })).json().data as Article

  let res = await app.inject({ method: 'POST', url: '/v1/admin/articles', headers: contributor.auth, payload: { title: 'Story', section: 'india', status: 'published' } })
  assertProblem(t, res, 403, 'FORBIDDEN')
  res = await app.inject({ method: 'POST', url: '/v1/admin/articles', headers: editor.auth, payload: { title: 'Story', section: 'india', status: 'changes_requested', note: 'x' } })
  assertProblem(t, res, 422, 'INVALID_TRANSITION')

  const draft = await create(editor, {})
  res = await app.inject({ method: 'PATCH', url: `/v1/admin/articles/${draft.id}`, headers: { ...editor.auth, ...ifMatch(draft) }, payload: { status: 'changes_requested', note: 'Not yet submitted' } })
  t.match(assertProblem(t, res, 422, 'INVALID_TRANSITION').detail, /only be requested on an article in review/)

  const published = await create(editor, { status: 'published' })
  res = await app.inject({ method: 'PATCH', url: `/v1/admin/articles/${published.id}`, headers: { ...editor.auth, ...ifMatch(published) }, payload: { status: 'in_review' } })
  t.match(assertProblem(t, res, 422, 'INVALID_TRANSITION').detail, /this article is published/)

  res = await app.inject({ method: 'GET', url: '/v1/admin/articles?assignee=someone', headers: editor.auth })
  assertProblem(t, res, 400, 'VALIDATION_FAILED')
  res = await app.inject({ method: 'PATCH', url: '/v1/auth/me/notifications', headers: editor.auth, payload: { notify_email: 'no' } })
  assertProblem(t, res, 400, 'VALIDATION_FAILED')
  res = await app.inject({ method: 'GET', url: '/v1/auth/me/notifications' })
  assertProblem(t, res, 401, 'UNAUTHORIZED')

  // Notes: only for those who may read the draft; never on the public API.
  const other = await createUser(app, 'contributor')
  const mine = await create(contributor, {})
  res = await app.inject({ method: 'POST', url: `/v1/admin/articles/${mine.id}/notes`, headers: other.auth, payload: { body: 'Let me in' } })
  assertProblem(t, res, 403, 'FORBIDDEN')
  res = await app.inject({ method: 'GET', url: `/v1/admin/articles/${mine.id}/notes`, headers: other.auth })
  assertProblem(t, res, 403, 'FORBIDDEN')
  res = await app.inject({ method: 'POST', url: `/v1/admin/articles/${mine.id}/notes`, headers: contributor.auth, payload: { body: '   ' } })
  assertProblem(t, res, 400, 'VALIDATION_FAILED')
  res = await app.inject({ method: 'POST', url: '/v1/admin/articles/00000000-0000-4000-8000-000000000000/notes', headers: editor.auth, payload: { body: 'Hello' } })
  assertProblem(t, res, 404, 'NOT_FOUND')
})
