import t from 'tap'
import { eq, sql } from 'drizzle-orm'
import { outbox, subscriberErasures, subscribers } from '../../src/db/schema/index.js'
import { createManualClock } from '../../src/lib/clock.js'
import { assertProblem } from '../helpers/assertions.js'
import { createUser } from '../helpers/auth.js'
import { build, type TestApp } from '../helpers/build.js'

const FAST = { NEWSLETTER_RESPONSE_FLOOR_MS: '0' }

async function emails(app: TestApp) {
  const admin = await createUser(app, 'admin')
  const res = await app.inject({ method: 'GET', url: '/v1/admin/outbox?topic=email.send&limit=100', headers: admin.auth })
  return res.json().data as { to: string; subject: string; text: string; status: string }[]
}

const tokenIn = (text: string, page: 'confirm' | 'unsubscribe') => new RegExp(`/newsletter/${page}\\?token=([A-Za-z0-9._-]+)`).exec(text)?.[1]

t.test('signup → confirmation email in the outbox → confirm once (again: 410) → one-click unsubscribe (idempotent)', async (t) => {
  const app = await build(t, { seed: true, env: FAST })
  const res = await app.inject({
    method: 'POST',
    url: '/v1/newsletter/subscriptions',
    headers: { 'user-agent': 'test-browser/1.0' },
    payload: { email: ' Reader@Example.COM ', name: 'Reader', sections: ['india', 'europe'], source: 'footer' },
  })
  t.equal(res.statusCode, 202)
  t.same(res.json(), { data: { status: 'accepted', message: 'Thanks. If this address can receive our emails, a confirmation link is on its way.' } })
  t.equal(res.headers['cache-control'], 'private, no-store')

  const [row] = await app.database.db.select().from(subscribers)
  t.match(row, { email: 'Reader@example.com', status: 'pending', name: 'Reader', sections: ['india', 'europe'], consentSource: 'footer', consentUserAgent: 'test-browser/1.0', privacyPolicyVersion: '1', consentIp: '127.0.0.1' })
  t.ok(row!.confirmTokenHash && row!.confirmTokenHash.length === 64, 'only a hash of the token is stored')

  const [mail] = await emails(app)
  t.match(mail, { to: 'Reader@example.com', subject: 'Confirm your subscription to The Defence Times', status: 'pending' })
  const token = tokenIn(mail!.text, 'confirm')
  t.ok(token, 'the confirmation link carries token=<token>')
  t.match(mail!.text, `http://api.test/newsletter/confirm?token=${token}`)
  const [job] = await app.database.db.select().from(outbox)
  t.match((job!.payload as { headers: Record<string, string> }).headers, {
    'List-Unsubscribe': /^<http:\/\/api\.test\/newsletter\/unsubscribe\?token=[0-9a-f]{32}\.[A-Za-z0-9_-]{24}>$/,
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
  })
  await app.services.outbox.runOnce()
  t.equal((await emails(app))[0]!.status, 'done', 'without SMTP_URL the email is logged and kept')

  t.equal((await app.inject({ method: 'GET', url: `/newsletter/confirm?token=${token}` })).statusCode, 200, 'opening the link changes nothing')
  t.equal((await app.database.db.select().from(subscribers))[0]!.status, 'pending')
  const confirmed = await app.inject({ method: 'POST', url: '/v1/newsletter/confirm', payload: { token } })
  t.equal(confirmed.statusCode, 200)
  t.same(confirmed.json(), { data: { status: 'confirmed' } })
  t.match((await app.database.db.select().from(subscribers))[0], { status: 'confirmed', confirmTokenHash: null })
  assertProblem(t, await app.inject({ method: 'POST', url: '/v1/newsletter/confirm', payload: { token } }), 410, 'GONE')

  const unsubscribeToken = tokenIn(mail!.text, 'unsubscribe')!
  for (let i = 0; i < 2; i++) {
    const out = await app.inject({ method: 'POST', url: '/v1/newsletter/unsubscribe', payload: { token: unsubscribeToken } })
    t.equal(out.statusCode, 200, `unsubscribe ${i + 1}`)
    t.same(out.json(), { data: { status: 'unsubscribed' } })
  }
  t.equal((await app.database.db.select().from(subscribers))[0]!.status, 'unsubscribed')
  // RFC 8058: the mail client POSTs List-Unsubscribe=One-Click to the header's URL.
  const oneClick = await app.inject({
    method: 'POST',
    url: `/newsletter/unsubscribe?token=${unsubscribeToken}`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: 'List-Unsubscribe=One-Click',
  })
  t.equal(oneClick.statusCode, 200)
  const apiOneClick = await app.inject({
    method: 'POST',
    url: `/v1/newsletter/unsubscribe?token=${unsubscribeToken}`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: 'List-Unsubscribe=One-Click',
  })
  t.equal(apiOneClick.statusCode, 200)
  assertProblem(t, await app.inject({ method: 'POST', url: '/v1/newsletter/unsubscribe', payload: { token: `${unsubscribeToken.slice(0, -2)}xx` } }), 400, 'VALIDATION_FAILED')
})

t.test('no enumeration: new, pending, confirmed and unsubscribed addresses get byte-identical answers', async (t) => {
  const clock = createManualClock('2026-05-01T10:00:00.000Z')
  const app = await build(t, { seed: true, clock, env: FAST })
  const signup = (email: string) => app.inject({ method: 'POST', url: '/v1/newsletter/subscriptions', payload: { email } })
  await signup('confirmed@example.com')
  const token = tokenIn((await emails(app))[0]!.text, 'confirm')!
  await app.inject({ method: 'POST', url: '/v1/newsletter/confirm', payload: { token } })
  await signup('pending@example.com')
  const answers = [await signup('new@example.com'), await signup('pending@example.com'), await signup('confirmed@example.com')]
  for (const answer of answers) {
    t.equal(answer.statusCode, 202)
    t.equal(answer.body, answers[0]!.body, 'same bytes')
    t.equal(answer.headers['content-length'], answers[0]!.headers['content-length'])
  }
  const sent = (await emails(app)).map((e) => e.to)
  t.same(sent.filter((to) => to === 'pending@example.com').length, 1, 'a repeated signup within the resend interval sends nothing new')
  t.same(sent.filter((to) => to === 'confirmed@example.com').length, 1, 'a confirmed address gets no new email')
  clock.advance(11 * 60 * 1000)
  await signup('pending@example.com')
  t.equal((await emails(app)).filter((e) => e.to === 'pending@example.com').length, 2, 'after the interval it is resent once')
})

t.test('100 concurrent signups of one address (case and whitespace variants) → one subscriber, one email', async (t) => {
  const app = await build(t, { seed: true, env: { ...FAST, NEWSLETTER_RATE_IP: '1000', NEWSLETTER_RATE_EMAIL: '1000' } })
  const variants = Array.from({ length: 100 }, (_, i) => `${' '.repeat(i % 3)}${i % 2 ? 'Same.Person' : 'same.person'}@${i % 4 ? 'Example.COM' : 'example.com'}${' '.repeat(i % 2)}`)
  const answers = await Promise.all(variants.map((email) => app.inject({ method: 'POST', url: '/v1/newsletter/subscriptions', payload: { email } })))
  t.ok(answers.every((a) => a.statusCode === 202), 'all accepted')
  const rows = await app.database.db.select().from(subscribers)
  t.equal(rows.length, 1, 'one subscriber')
  t.equal((await emails(app)).length, 1, 'one confirmation email')
})

t.test('confirmation tokens expire; bad input and blocked domains are refused without writing', async (t) => {
  const clock = createManualClock('2026-05-01T10:00:00.000Z')
  const app = await build(t, { seed: true, clock, env: FAST })
  await app.inject({ method: 'POST', url: '/v1/newsletter/subscriptions', payload: { email: 'late@example.com' } })
  const token = tokenIn((await emails(app))[0]!.text, 'confirm')!
  clock.advance(24 * 3600 * 1000 + 1)
  assertProblem(t, await app.inject({ method: 'POST', url: '/v1/newsletter/confirm', payload: { token } }), 410, 'GONE')
  assertProblem(t, await app.inject({ method: 'POST', url: '/v1/newsletter/confirm', payload: { token: 'x'.repeat(43) } }), 410, 'GONE')
  assertProblem(t, await app.inject({ method: 'POST', url: '/v1/newsletter/confirm', payload: {} }), 400, 'VALIDATION_FAILED')
  const before = (await app.database.db.select().from(subscribers)).length
  for (const [payload, status, code] of [
    [{ email: 'not-an-email' }, 400, 'VALIDATION_FAILED'],
    [{ email: 'a@example.com', admin: true }, 400, 'VALIDATION_FAILED'],
    [{ email: 'a@example.com', sections: ['atlantis'] }, 422, 'UNPROCESSABLE'],
    [{ email: 'spam@mailinator.com' }, 422, 'UNPROCESSABLE'],
    [{ email: 'spam@eu.mailinator.com' }, 422, 'UNPROCESSABLE'],
    [{ email: 42 }, 400, 'VALIDATION_FAILED'],
  ] as const) {
    assertProblem(t, await app.inject({ method: 'POST', url: '/v1/newsletter/subscriptions', payload }), status, code)
  }
  assertProblem(t, await app.inject({ method: 'POST', url: '/v1/newsletter/subscriptions', headers: { 'content-type': 'text/plain' }, payload: 'email=a@example.com' }), 415, 'UNSUPPORTED_MEDIA_TYPE')
  t.equal((await app.database.db.select().from(subscribers)).length, before, 'nothing written')
})

t.test('signups are rate-limited per address and per IP', async (t) => {
  const app = await build(t, { env: { ...FAST, NEWSLETTER_RATE_EMAIL: '3', NEWSLETTER_RATE_IP: '5' } })
  await app.services.siteAdmin.getSettings()
  const signup = (email: string, ip: string) => app.inject({ method: 'POST', url: '/v1/newsletter/subscriptions', payload: { email }, remoteAddress: ip })
  for (let i = 0; i < 3; i++) t.equal((await signup('bomb@example.com', `10.0.0.${i}`)).statusCode, 202)
  const perAddress = await signup('bomb@example.com', '10.0.0.9')
  assertProblem(t, perAddress, 429, 'RATE_LIMITED')
  t.ok(Number(perAddress.headers['retry-after']) > 0)
  for (let i = 0; i < 5; i++) t.equal((await signup(`person${i}@example.com`, '192.0.2.1')).statusCode, 202)
  assertProblem(t, await signup('person9@example.com', '192.0.2.1'), 429, 'RATE_LIMITED')
})

t.test('admin: list, search, counts, CSV export, resend, GDPR erasure; roles', async (t) => {
  const clock = createManualClock('2026-05-01T10:00:00.000Z')
  const app = await build(t, { seed: true, clock, env: FAST })
  for (const email of ['ann@example.com', 'bob@example.com', '=cmd@example.com']) {
    await app.inject({ method: 'POST', url: '/v1/newsletter/subscriptions', payload: { email, name: email.startsWith('=') ? '=HYPERLINK("x")' : 'A "quoted" name' } })
  }
  const token = tokenIn((await emails(app)).find((e) => e.to === 'ann@example.com')!.text, 'confirm')!
  await app.inject({ method: 'POST', url: '/v1/newsletter/confirm', payload: { token } })
  const editor = await createUser(app, 'editor')
  const author = await createUser(app, 'author')

  const list = await app.inject({ method: 'GET', url: '/v1/admin/subscribers?status=pending', headers: editor.auth })
  t.equal(list.statusCode, 200)
  t.match(list.json().meta, { total: 2, counts: { pending: 2, confirmed: 1, unsubscribed: 0 } })
  const search = await app.inject({ method: 'GET', url: '/v1/admin/subscribers?q=bob', headers: editor.auth })
  t.same(search.json().data.map((s: { email: string }) => s.email), ['bob@example.com'])
  t.match(search.json().data[0].consent, { ip: '127.0.0.1', source: 'api', privacy_policy_version: '1' })

  const csv = await app.inject({ method: 'GET', url: '/v1/admin/subscribers/export.csv', headers: editor.auth })
  t.equal(csv.statusCode, 200)
  t.match(csv.headers['content-type'], /^text\/csv/)
  t.match(csv.headers['content-disposition'], /attachment; filename="subscribers-2026-05-01\.csv"/)
  const lines = csv.body.trim().split('\r\n')
  t.equal(lines.length, 4)
  t.match(lines[0], /^id,email,name,status/)
  t.ok(lines.some((l) => l.includes('"A ""quoted"" name"')), 'quotes escaped')
  t.ok(lines.some((l) => l.includes(`"'=HYPERLINK(""x"")"`)), 'formulas neutralised')

  const bob = search.json().data[0]
  t.same((await app.inject({ method: 'POST', url: `/v1/admin/subscribers/${bob.id}/resend`, headers: editor.auth })).json(), { data: { sent: false } }, 'too soon')
  clock.advance(3_600_000)
  t.same((await app.inject({ method: 'POST', url: `/v1/admin/subscribers/${bob.id}/resend`, headers: editor.auth })).json(), { data: { sent: true } })
  const annId = list.json().data.length ? (await app.database.db.select().from(subscribers).where(eq(subscribers.email, 'ann@example.com')))[0]!.id : ''
  assertProblem(t, await app.inject({ method: 'POST', url: `/v1/admin/subscribers/${annId}/resend`, headers: editor.auth }), 409, 'CONFLICT')

  assertProblem(t, await app.inject({ method: 'GET', url: '/v1/admin/subscribers', headers: author.auth }), 403, 'FORBIDDEN')
  assertProblem(t, await app.inject({ method: 'GET', url: '/v1/admin/outbox', headers: editor.auth }), 403, 'FORBIDDEN')
  assertProblem(t, await app.inject({ method: 'DELETE', url: `/v1/admin/subscribers/${bob.id}`, headers: author.auth }), 403, 'FORBIDDEN')

  const erased = await app.inject({ method: 'DELETE', url: `/v1/admin/subscribers/${bob.id}?reason=request%20by%20email`, headers: editor.auth })
  t.equal(erased.statusCode, 204)
  t.equal((await app.database.db.select().from(subscribers).where(eq(subscribers.id, bob.id))).length, 0)
  const leftovers = await app.database.db.execute(sql`select count(*)::int as n from outbox where payload::text ilike '%bob@example.com%'`)
  t.equal((leftovers as unknown as { rows: { n: number }[] }).rows[0]!.n, 0, 'no queued mail keeps the address')
  const [erasure] = await app.database.db.select().from(subscriberErasures)
  t.match(erasure, { subscriberId: bob.id, reason: 'request by email', erasedBy: editor.id })
  t.notMatch(JSON.stringify(erasure), /bob/)
  assertProblem(t, await app.inject({ method: 'DELETE', url: `/v1/admin/subscribers/${bob.id}`, headers: editor.auth }), 404, 'NOT_FOUND')
})

t.test('the confirm and unsubscribe pages', async (t) => {
  const app = await build(t, { seed: true, env: FAST })
  await app.inject({ method: 'POST', url: '/v1/newsletter/subscriptions', payload: { email: 'page@example.com' } })
  const text = (await emails(app))[0]!.text
  const token = tokenIn(text, 'confirm')!
  const form = await app.inject({ method: 'GET', url: `/newsletter/confirm?token=${token}` })
  t.match(form.headers['content-type'], /^text\/html/)
  t.match(form.body, new RegExp(`<form method="post" action="/newsletter/confirm\\?token=${token}">`))
  t.match(form.headers['content-security-policy'], /default-src 'none'/)
  const done = await app.inject({ method: 'POST', url: `/newsletter/confirm?token=${token}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: '' })
  t.equal(done.statusCode, 200)
  t.match(done.body, /You are subscribed/)
  const again = await app.inject({ method: 'POST', url: `/newsletter/confirm?token=${token}` })
  t.equal(again.statusCode, 410)
  t.match(again.body, /expired/)
  t.equal((await app.inject({ method: 'GET', url: '/newsletter/confirm?token=<script>' })).statusCode, 400)
})
