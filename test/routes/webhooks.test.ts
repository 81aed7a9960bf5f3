import t from 'tap'
import { createHmac } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { articles, webhooks } from '../../src/db/schema/index.js'
import { createManualClock } from '../../src/lib/clock.js'
import { assertProblem } from '../helpers/assertions.js'
import { createUser } from '../helpers/auth.js'
import { build, type TestApp } from '../helpers/build.js'
import { commentableArticle, postComment } from '../helpers/comments.js'
import { startReceiver, type ReceivedRequest } from '../helpers/receiver.js'

const ALLOW = { WEBHOOK_ALLOW_PRIVATE: 'true' }

/** The verification recipe from docs/webhooks.md, as a receiver would run it. */
function verify(request: ReceivedRequest, secret: string, now = Date.now()): boolean {
  const header = String(request.headers['x-signature'] ?? '')
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header)
  if (!match) return false
  const expected = createHmac('sha256', secret).update(`${match[1]}.${request.body}`).digest('hex')
  return expected === match[2] && Math.abs(now / 1000 - Number(match[1])) < 300
}

async function register(app: TestApp, url: string, events: string[]) {
  const admin = await createUser(app, 'admin')
  const res = await app.inject({ method: 'POST', url: '/v1/admin/webhooks', headers: admin.auth, payload: { url, events } })
  return { res, admin, hook: res.json().data as { id: string; secret: string } }
}

/** Deliveries run concurrently and may arrive in any order; events carry created_at to sort by. */
const byCreation = (requests: ReceivedRequest[]) =>
  requests.map((r) => JSON.parse(r.body) as { type: string; created_at: string; id: string; data: { current: unknown; previous: unknown }; purge_keys: string[] }).sort((a, b) => a.created_at.localeCompare(b.created_at))

t.test('article transitions are delivered signed, once each, with state and purge keys', async (t) => {
  const receiver = await startReceiver()
  t.teardown(() => receiver.close())
  const clock = createManualClock('2026-06-01T12:00:00.000Z')
  const app = await build(t, { seed: true, env: ALLOW, clock })
  const { res, hook } = await register(app, receiver.url, ['article.published', 'article.updated', 'article.unpublished', 'article.deleted'])
  t.equal(res.statusCode, 201)
  t.match(hook.secret, /^whsec_/)
  const editor = await createUser(app, 'editor', { author: 'the-defence-times' })
  const h = editor.auth

  const draft = (await app.inject({ method: 'POST', url: '/v1/admin/articles', headers: h, payload: { title: 'Webhook Story', section: 'india', tags: ['radar'] } })).json().data
  await app.inject({ method: 'PATCH', url: `/v1/admin/articles/${draft.id}`, headers: { ...h, 'if-match': '"v1"' }, payload: { excerpt: 'Private edit' } })
  await app.services.outbox.runOnce()
  t.equal(receiver.received.length, 0, 'draft edits notify nobody')

  const steps: [string, Record<string, unknown> | null][] = [
    ['"v2"', { status: 'published' }],
    ['"v3"', { title: 'Webhook Story, Updated', slug: 'webhook-story-updated' }],
    ['"v4"', { status: 'draft' }],
    ['"v5"', { status: 'published' }],
    ['"v6"', null],
  ]
  for (const [version, payload] of steps) {
    clock.advance(1000)
    const res = payload
      ? await app.inject({ method: 'PATCH', url: `/v1/admin/articles/${draft.id}`, headers: { ...h, 'if-match': version }, payload })
      : await app.inject({ method: 'DELETE', url: `/v1/admin/articles/${draft.id}`, headers: { ...h, 'if-match': version } })
    t.ok(res.statusCode < 300, `step ${version}`)
  }
  await app.services.outbox.runOnce()
  await app.services.outbox.runOnce()
  const events = byCreation(receiver.received)
  t.same(events.map((e) => e.type), ['article.published', 'article.updated', 'article.unpublished', 'article.published', 'article.deleted'])
  for (const request of receiver.received) {
    t.ok(verify(request, hook.secret, clock.now().getTime()), 'signature verifies with the secret')
    t.equal(request.headers['content-type'], 'application/json')
    t.equal(request.headers['x-webhook-event'], JSON.parse(request.body).type)
    t.equal(request.headers['x-webhook-id'], JSON.parse(request.body).id)
  }
  t.notOk(verify({ ...receiver.received[0]!, body: receiver.received[0]!.body.replace('Webhook', 'Tampered') }, hook.secret, clock.now().getTime()), 'a tampered body does not verify')
  const updated = events[1]!
  t.match(updated.data.current, { id: draft.id, slug: 'webhook-story-updated', title: 'Webhook Story, Updated', is_public: true })
  t.match(updated.data.previous, { slug: 'webhook-story', title: 'Webhook Story', status: 'published' })
  t.same(updated.purge_keys.sort(), ['article:' + draft.id, 'articles', 'author:the-defence-times', 'section:india', 'tag:radar'].sort())
  t.equal(events[4]!.data.current, null, 'deleted: no current state')
  await app.services.outbox.runOnce()
  t.equal(receiver.received.length, 5, 'nothing is delivered twice')
})

t.test('a failing receiver is retried with backoff; the delivery log shows each attempt; repeated failures disable', async (t) => {
  const clock = createManualClock('2026-06-01T12:00:00.000Z')
  let failing = true
  const receiver = await startReceiver(() => (failing ? 503 : 204))
  t.teardown(() => receiver.close())
  const app = await build(t, { seed: true, clock, env: { ...ALLOW, WEBHOOK_DISABLE_AFTER: '4' } })
  const { hook, admin } = await register(app, receiver.url, ['section.updated'])
  const editor = await createUser(app, 'editor')
  await app.inject({ method: 'PATCH', url: '/v1/admin/sections/india', headers: { ...editor.auth, 'if-match': '*' }, payload: { description: 'New words' } })
  await app.services.outbox.runOnce()
  t.equal(receiver.received.length, 1)
  let log = (await app.inject({ method: 'GET', url: `/v1/admin/webhooks/${hook.id}/deliveries`, headers: admin.auth })).json().data
  t.match(log[0], { type: 'section.updated', status: 'pending', attempts: [{ attempt: 1, ok: false, response_status: 503, error: 'receiver answered 503' }] })
  t.ok(log[0].next_attempt_at > clock.now().toISOString())
  await app.services.outbox.runOnce()
  t.equal(receiver.received.length, 1, 'not before the backoff')
  clock.advance(15_000)
  failing = false
  await app.services.outbox.runOnce()
  t.equal(receiver.received.length, 2)
  t.equal(JSON.parse(receiver.received[1]!.body).id, JSON.parse(receiver.received[0]!.body).id, 'a retry is the same event')
  log = (await app.inject({ method: 'GET', url: `/v1/admin/webhooks/${hook.id}/deliveries`, headers: admin.auth })).json().data
  t.match(log[0], { status: 'done', attempts: [{ ok: false }, { ok: true, response_status: 204 }] })
  t.ok(log[0].attempts.every((a: { duration_ms: number }) => a.duration_ms >= 0))

  failing = true
  for (let i = 0; i < 4; i++) {
    await app.inject({ method: 'PATCH', url: '/v1/admin/sections/india', headers: { ...editor.auth, 'if-match': '*' }, payload: { description: `Edit ${i}` } })
    await app.services.outbox.runOnce()
  }
  const [row] = await app.database.db.select().from(webhooks).where(eq(webhooks.id, hook.id))
  t.match(row, { active: false, consecutiveFailures: 4, disabledReason: /disabled after 4 failed deliveries/ })
  clock.advance(3_600_000)
  const before = receiver.received.length
  await app.services.outbox.runOnce()
  t.equal(receiver.received.length, before, 'a disabled webhook receives nothing')
  const enabled = await app.inject({ method: 'PATCH', url: `/v1/admin/webhooks/${hook.id}`, headers: admin.auth, payload: { active: true } })
  t.match(enabled.json().data, { active: true, consecutive_failures: 0, disabled_at: null })
})

t.test('scheduled articles: published by the scheduler at their time, notified once', async (t) => {
  const clock = createManualClock('2026-06-01T12:00:00.000Z')
  const receiver = await startReceiver()
  t.teardown(() => receiver.close())
  const app = await build(t, { seed: true, clock, env: ALLOW })
  await register(app, receiver.url, ['*'])
  const editor = await createUser(app, 'editor', { author: 'the-defence-times' })
  const article = (await app.inject({ method: 'POST', url: '/v1/admin/articles', headers: editor.auth, payload: { title: 'Later Story', section: 'india', status: 'scheduled', published_at: '2026-06-01T13:00:00.000Z' } })).json().data
  t.equal(await app.services.scheduler.publishDue(), 0)
  await app.services.outbox.runOnce()
  t.equal(receiver.received.length, 0, 'scheduling tells no one yet')
  clock.set('2026-06-01T13:00:00.000Z')
  t.equal(await app.services.scheduler.publishDue(), 1)
  t.equal(await app.services.scheduler.publishDue(), 0, 'once')
  await app.services.outbox.runOnce()
  t.same(receiver.received.map((r) => JSON.parse(r.body).type), ['article.published'])
  t.match(JSON.parse(receiver.received[0]!.body).data.previous, { status: 'scheduled' })
  const [row] = await app.database.db.select().from(articles).where(eq(articles.id, article.id))
  t.equal(row!.status, 'published')
})

t.test('taxonomy, pages, settings and subscribers notify too', async (t) => {
  const receiver = await startReceiver()
  t.teardown(() => receiver.close())
  const clock = createManualClock('2026-06-01T12:00:00.000Z')
  const app = await build(t, { seed: true, clock, env: { ...ALLOW, NEWSLETTER_RESPONSE_FLOOR_MS: '0' } })
  const { admin } = await register(app, receiver.url, ['*'])
  await app.inject({ method: 'POST', url: '/v1/admin/tags', headers: admin.auth, payload: { name: 'Hypersonics' } })
  clock.advance(1000)
  await app.inject({ method: 'POST', url: '/v1/admin/sections', headers: admin.auth, payload: { name: 'Africa' } })
  clock.advance(1000)
  await app.inject({ method: 'PATCH', url: '/v1/admin/settings', headers: { ...admin.auth, 'if-match': '"v1"' }, payload: { tagline: 'New tagline' } })
  clock.advance(1000)
  await app.inject({ method: 'POST', url: '/v1/newsletter/subscriptions', payload: { email: 'hook@example.com' } })
  const mail = (await app.inject({ method: 'GET', url: '/v1/admin/outbox?topic=email.send', headers: admin.auth })).json().data[0]
  const token = /confirm\?token=([A-Za-z0-9_-]+)/.exec(mail.text)![1]
  await app.inject({ method: 'POST', url: '/v1/newsletter/confirm', payload: { token } })
  await app.services.outbox.runOnce()
  const bodies = byCreation(receiver.received) as { type: string; data: { current: Record<string, unknown> }; purge_keys: string[] }[]
  t.same(bodies.map((b) => b.type), ['tag.created', 'section.created', 'settings.updated', 'subscriber.confirmed'])
  t.match(bodies[1]!.data.current, { slug: 'africa', name: 'Africa' })
  t.ok(bodies[1]!.purge_keys.includes('section:africa'))
  t.match(bodies[3]!.data.current, { email: 'hook@example.com' })
})

t.test('comment.created: every stored comment, with its status; only a visible one names keys to purge', async (t) => {
  const receiver = await startReceiver()
  t.teardown(() => receiver.close())
  const clock = createManualClock('2026-06-01T12:00:00.000Z')
  const app = await build(t, { seed: true, clock, env: ALLOW })
  const { admin, hook } = await register(app, receiver.url, ['comment.created'])
  const article = await commentableArticle(app)
  const held = await postComment(app, article.slug, { author_name: 'First Timer', author_email: 'first@example.com', body: 'A first comment, held.' })
  t.equal(held.statusCode, 202, 'a first-time commenter waits for moderation')
  clock.advance(1000)
  const staff = await app.inject({ method: 'POST', url: `/v1/admin/comments/${held.json().data.id}/replies`, headers: admin.auth, payload: { body: 'Thanks, approved.' } })
  t.equal(staff.statusCode, 201)
  await app.services.outbox.runOnce()
  const bodies = byCreation(receiver.received) as { type: string; data: { current: Record<string, unknown> }; purge_keys: string[] }[]
  t.same(bodies.map((b) => b.type), ['comment.created', 'comment.created'])
  t.match(bodies[0]!.data.current, { id: held.json().data.id, status: 'pending', author_name: 'First Timer', body: 'A first comment, held.', article: { id: article.id, slug: article.slug } })
  t.notOk('author_email' in bodies[0]!.data.current, 'no email in the event')
  t.same(bodies[0]!.purge_keys, [], 'nothing public changed')
  t.match(bodies[1]!.data.current, { status: 'approved', is_staff: true, parent_id: held.json().data.id })
  t.same(bodies[1]!.purge_keys.sort(), [`article:${article.id}`, 'comment-counts', `comments:${article.id}`].sort())
  for (const request of receiver.received) t.ok(verify(request, hook.secret, clock.now().getTime()))
})

t.test('registration: SSRF guard, validation, test-fire, roles', async (t) => {
  const app = await build(t, { seed: true })
  const admin = await createUser(app, 'admin')
  const editor = await createUser(app, 'editor')
  for (const url of ['http://127.0.0.1:9/x', 'http://localhost:9/x', 'http://10.1.2.3/x', 'http://169.254.169.254/latest/meta-data', 'http://[::1]/x', 'http://192.168.1.1/x']) {
    assertProblem(t, await app.inject({ method: 'POST', url: '/v1/admin/webhooks', headers: admin.auth, payload: { url, events: ['*'] } }), 422, 'UNPROCESSABLE')
  }
  assertProblem(t, await app.inject({ method: 'POST', url: '/v1/admin/webhooks', headers: admin.auth, payload: { url: 'javascript:alert(1)', events: ['*'] } }), 400, 'VALIDATION_FAILED')
  assertProblem(t, await app.inject({ method: 'POST', url: '/v1/admin/webhooks', headers: admin.auth, payload: { url: 'https://hooks.example.com/x', events: ['article.exploded'] } }), 400, 'VALIDATION_FAILED')
  assertProblem(t, await app.inject({ method: 'POST', url: '/v1/admin/webhooks', headers: editor.auth, payload: { url: 'https://hooks.example.com/x', events: ['*'] } }), 403, 'FORBIDDEN')
  t.equal((await app.database.db.select().from(webhooks)).length, 0, 'nothing registered')

  const receiver = await startReceiver()
  t.teardown(() => receiver.close())
  const open = await build(t, { seed: true, env: ALLOW })
  const { hook, admin: openAdmin } = await register(open, receiver.url, ['article.published'])
  const test = await open.inject({ method: 'POST', url: `/v1/admin/webhooks/${hook.id}/test`, headers: openAdmin.auth })
  t.match(test.json().data, { ok: true, status: 200, error: null, duration_ms: Number })
  t.same(Object.keys(test.json().data).sort(), ['duration_ms', 'error', 'event_id', 'ok', 'status'], 'snake_case like every other field')
  t.equal(JSON.parse(receiver.received[0]!.body).type, 'webhook.test')
  t.ok(verify(receiver.received[0]!, hook.secret))
  const rotated = (await open.inject({ method: 'POST', url: `/v1/admin/webhooks/${hook.id}/rotate-secret`, headers: openAdmin.auth })).json().data
  t.not(rotated.secret, hook.secret)
  const listed = (await open.inject({ method: 'GET', url: '/v1/admin/webhooks', headers: openAdmin.auth })).json().data
  t.notOk('secret' in listed[0], 'the secret is not listed')
  t.equal(listed[0].secret_hint, `…${rotated.secret.slice(-4)}`)
})
