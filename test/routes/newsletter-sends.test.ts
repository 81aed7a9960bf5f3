import t from 'tap'
import { and, eq, sql } from 'drizzle-orm'
import { articles, sections, subscribers } from '../../src/db/schema/index.js'
import { createManualClock } from '../../src/lib/clock.js'
import { assertProblem } from '../helpers/assertions.js'
import { createUser } from '../helpers/auth.js'
import { build, type TestApp } from '../helpers/build.js'
import { decoded, startSmtpServer } from '../helpers/smtp.js'

/**
 * Article emails (issue 18 §2, §4–§6): an editor sends a published article to the subscribers who
 * follow its section (instant cadence), through a real SMTP server on 127.0.0.1.
 */
const FAST = { NEWSLETTER_RESPONSE_FLOOR_MS: '0' }

async function subscriber(app: TestApp, email: string, values: Partial<typeof subscribers.$inferInsert> = {}) {
  const [row] = await app.database.db
    .insert(subscribers)
    .values({ email, status: 'confirmed', consentAt: new Date(), privacyPolicyVersion: '1', confirmedAt: new Date(), ...values })
    .returning({ id: subscribers.id })
  return row!.id
}

async function articleIn(app: TestApp, section: string, status: 'published' = 'published') {
  const [row] = await app.database.db
    .select({ id: articles.id, title: articles.title, slug: articles.slug })
    .from(articles)
    .innerJoin(sections, eq(sections.id, articles.sectionId))
    .where(and(eq(sections.slug, section), eq(articles.status, status)))
    .limit(1)
  return row!
}

t.test('a published article goes to the confirmed instant followers of its section, once, with working links', async (t) => {
  const smtp = await startSmtpServer()
  // Teardowns run last-registered first: the app (and its pooled SMTP connections) closes before
  // the server, which would otherwise wait for those connections for its 30 s close timeout.
  t.teardown(() => smtp.close())
  const app = await build(t, { seed: true, env: { ...FAST, SMTP_URL: smtp.url } })
  const editor = await createUser(app, 'editor')
  await subscriber(app, 'india@example.com', { sections: ['india'] })
  await subscriber(app, 'everything@example.com')
  await subscriber(app, 'europe@example.com', { sections: ['europe'] })
  await subscriber(app, 'daily@example.com', { sections: ['india'], cadence: 'daily' })
  await subscriber(app, 'pending@example.com', { status: 'pending', confirmedAt: null })
  await subscriber(app, 'gone@example.com', { status: 'unsubscribed' })
  await subscriber(app, 'bounced@example.com', { status: 'bounced' })
  const india = await articleIn(app, 'india')

  let res = await app.inject({ method: 'POST', url: `/v1/admin/articles/${india.id}/newsletter`, headers: editor.auth })
  t.equal(res.statusCode, 202, res.body)
  const send = res.json().data
  t.match(send, { article_id: india.id, section: 'india', subject: india.title, status: 'queued', recipients: 0 })

  res = await app.inject({ method: 'POST', url: `/v1/admin/articles/${india.id}/newsletter`, headers: editor.auth, payload: {} })
  assertProblem(t, res, 409, 'CONFLICT')

  await app.services.newsletterSends.drain()
  t.same(smtp.received.map((m) => m.to[0]).sort(), ['everything@example.com', 'india@example.com'], 'only confirmed instant followers of india (or of everything)')

  const mail = decoded(smtp.received.find((m) => m.to[0] === 'india@example.com')!)
  t.match(mail, /^List-Unsubscribe:\s+<http:\/\/api\.test\/newsletter\/unsubscribe\?token=/m)
  t.match(mail, /^List-Unsubscribe-Post: List-Unsubscribe=One-Click/m)
  t.match(mail, /Content-Type: text\/plain/)
  t.match(mail, /Content-Type: text\/html/)
  t.match(mail, /newsletter\/preferences\?token=/)
  t.notMatch(mail, /\{\{(unsubscribe|preferences)_url\}\}/, 'every placeholder filled')
  t.match(mail, `Subject: ${india.title.slice(0, 20)}`)
  t.match(mail, 'Read it: https://thedefencetimes.example/')
  t.match(mail, 'India · by ')
  // The preferences link opens this subscriber's preferences; the unsubscribe link unsubscribes them.
  const prefToken = /newsletter\/preferences\?token=([A-Za-z0-9._-]+)/.exec(mail)![1]
  t.equal((await app.inject({ url: `/v1/newsletter/preferences?token=${prefToken}` })).json().data.email, 'india@example.com')
  const unsubToken = /newsletter\/unsubscribe\?token=([A-Za-z0-9._-]+)/.exec(mail)![1]
  res = await app.inject({ method: 'POST', url: '/v1/newsletter/unsubscribe', payload: { token: unsubToken } })
  t.equal(res.statusCode, 200)

  res = await app.inject({ url: `/v1/admin/newsletter/sends/${send.id}`, headers: editor.auth })
  t.match(res.json().data, { status: 'sent', recipients: 2, delivered: 2, queued: 0, failed: 0, bounced: 0, started_at: String, finished_at: String })
  res = await app.inject({ url: '/v1/admin/newsletter/sends?status=sent', headers: editor.auth })
  t.match(res.json(), { data: [{ id: send.id }], meta: { total: 1 } })

  // Sending again on purpose: the unsubscribed reader is left out.
  res = await app.inject({ method: 'POST', url: `/v1/admin/articles/${india.id}/newsletter`, headers: editor.auth, payload: { resend: true } })
  t.equal(res.statusCode, 202)
  await app.services.newsletterSends.drain()
  t.equal(smtp.received.length, 3)
  t.equal(smtp.received[2]!.to[0], 'everything@example.com')

  // The Europe article reaches the Europe follower and not the India one.
  const europe = await articleIn(app, 'europe')
  await app.inject({ method: 'POST', url: `/v1/admin/articles/${europe.id}/newsletter`, headers: editor.auth })
  await app.services.newsletterSends.drain()
  t.same(smtp.received.slice(3).map((m) => m.to[0]).sort(), ['europe@example.com', 'everything@example.com'])
})

t.test('privacy, preview, test send and bad requests', async (t) => {
  const app = await build(t, { seed: true, env: FAST })
  const editor = await createUser(app, 'editor')
  const author = await createUser(app, 'author')
  const india = await articleIn(app, 'india')

  let res = await app.inject({ url: `/v1/admin/articles/${india.id}/newsletter/preview`, headers: editor.auth })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^text\/html/)
  t.match(res.body, india.title.replaceAll('&', '&amp;').replaceAll("'", '&#39;').replaceAll('"', '&quot;'))
  t.match(res.body, '{{unsubscribe_url}}')
  // No tracking: every image is the article's own, every link points at the site or the subscriber's pages.
  for (const [, src] of res.body.matchAll(/<img[^>]+src="([^"]+)"/g)) t.match(src, /^http:\/\/api\.test\/media\//, 'only the featured image')
  for (const [, href] of res.body.matchAll(/href="([^"]+)"/g)) t.match(href, /^(https:\/\/thedefencetimes\.example\/|\{\{)/, `a plain link: ${href}`)

  res = await app.inject({ method: 'POST', url: `/v1/admin/articles/${india.id}/newsletter/test`, headers: editor.auth, payload: { email: ' Desk@Example.COM ' } })
  t.equal(res.statusCode, 202)
  t.match(res.json().data, { to: 'Desk@example.com', subject: `[Test] ${india.title}` })
  const outbox = (await app.inject({ url: '/v1/admin/outbox?topic=email.send', headers: (await createUser(app, 'admin')).auth })).json().data
  t.match(outbox[0], { to: 'Desk@example.com', subject: `[Test] ${india.title}` })

  // An archived article is no longer public: it is not sent.
  const draft = await articleIn(app, 'europe')
  await app.database.db.update(articles).set({ status: 'archived' }).where(eq(articles.id, draft.id))
  assertProblem(t, await app.inject({ method: 'POST', url: `/v1/admin/articles/${draft.id}/newsletter`, headers: editor.auth }), 409, 'CONFLICT')
  assertProblem(t, await app.inject({ url: `/v1/admin/articles/${draft.id}/newsletter/preview`, headers: editor.auth }), 409, 'CONFLICT')
  assertProblem(t, await app.inject({ method: 'POST', url: '/v1/admin/articles/00000000-0000-4000-8000-000000000000/newsletter', headers: editor.auth }), 404, 'NOT_FOUND')
  assertProblem(t, await app.inject({ method: 'POST', url: `/v1/admin/articles/${india.id}/newsletter`, headers: editor.auth, payload: { resend: 'yes' } }), 400, 'VALIDATION_FAILED')
  assertProblem(t, await app.inject({ method: 'POST', url: `/v1/admin/articles/${india.id}/newsletter`, headers: author.auth }), 403, 'FORBIDDEN')
  assertProblem(t, await app.inject({ url: '/v1/admin/newsletter/sends/00000000-0000-4000-8000-000000000000', headers: editor.auth }), 404, 'NOT_FOUND')
  assertProblem(t, await app.inject({ method: 'POST', url: `/v1/admin/articles/${india.id}/newsletter/test`, headers: editor.auth, payload: { email: 'nope' } }), 400, 'VALIDATION_FAILED')
  const [count] = await app.database.db.execute(sql`select count(*)::int as n from newsletter_sends`).then((r) => (r as unknown as { rows: { n: number }[] }).rows)
  t.equal(count!.n, 0, 'no send written by a refused request')
})

t.test('a 5xx bounce marks the address and stops; a 4xx is retried with backoff; suppressions', async (t) => {
  const clock = createManualClock('2026-12-02T10:00:00Z')
  let flaky = 0
  const smtp = await startSmtpServer({
    reply: (mail) => {
      if (mail.to[0] === 'bounce@example.com') return { code: 550, message: 'No such user' }
      if (mail.to[0] === 'flaky@example.com' && flaky++ === 0) return { code: 451, message: 'Try again later' }
      return null
    },
  })
  t.teardown(() => smtp.close())
  const app = await build(t, { seed: true, clock, env: { ...FAST, SMTP_URL: smtp.url } })
  const editor = await createUser(app, 'editor')
  const bounceId = await subscriber(app, 'bounce@example.com')
  await subscriber(app, 'flaky@example.com')
  await subscriber(app, 'ok@example.com')
  await subscriber(app, 'complainer@example.com')
  const india = await articleIn(app, 'india')

  let res = await app.inject({ method: 'POST', url: '/v1/admin/newsletter/suppressions', headers: editor.auth, payload: { emails: ['Complainer@EXAMPLE.com', 'stranger@example.com'], reason: 'complained' } })
  t.same(res.json().data, { suppressed: 1, unknown: 1 })
  assertProblem(t, await app.inject({ method: 'POST', url: '/v1/admin/newsletter/suppressions', headers: editor.auth, payload: { emails: [], reason: 'complained' } }), 400, 'VALIDATION_FAILED')

  const send = (await app.inject({ method: 'POST', url: `/v1/admin/articles/${india.id}/newsletter`, headers: editor.auth })).json().data
  await app.services.newsletterSends.drain()
  t.same(smtp.received.map((m) => m.to[0]), ['ok@example.com'])
  const [bounced] = await app.database.db.select().from(subscribers).where(eq(subscribers.id, bounceId))
  t.equal(bounced!.status, 'bounced')
  res = await app.inject({ url: `/v1/admin/newsletter/sends/${send.id}`, headers: editor.auth })
  t.match(res.json().data, { status: 'sending', recipients: 3, delivered: 1, bounced: 1, queued: 1 }, 'the 451 waits for its retry')

  clock.advance(60_000)
  await app.services.newsletterSends.drain()
  t.same(smtp.received.map((m) => m.to[0]).sort(), ['flaky@example.com', 'ok@example.com'])
  res = await app.inject({ url: `/v1/admin/newsletter/sends/${send.id}`, headers: editor.auth })
  t.match(res.json().data, { status: 'sent', recipients: 3, delivered: 2, bounced: 1, queued: 0, failed: 0 })

  // Nothing more to the bounced or complaining addresses.
  await app.inject({ method: 'POST', url: `/v1/admin/articles/${india.id}/newsletter`, headers: editor.auth, payload: { resend: true } })
  await app.services.newsletterSends.drain()
  t.same(smtp.received.slice(2).map((m) => m.to[0]).sort(), ['flaky@example.com', 'ok@example.com'])
  const listed = (await app.inject({ url: '/v1/admin/subscribers?status=bounced&status=complained', headers: editor.auth })).json()
  t.match(listed.meta.counts, { bounced: 1, complained: 1 })

  // Past OUTBOX_RETENTION_DAYS (30; jobs are stamped by the database's clock), housekeeping deletes
  // both sends' recipients' jobs: each send reads the same, its counts kept on it.
  const read = async (auth: Record<string, string>) => (await app.inject({ url: `/v1/admin/newsletter/sends/${send.id}`, headers: auth })).json().data
  const before = await read(editor.auth)
  clock.set(new Date(Date.now() + 31 * 86_400_000))
  t.match(await app.services.housekeeping.round(), { sends: 2 })
  const later = await createUser(app, 'editor') // a month on, the first editor's token has expired
  const jobs = await app.database.db.execute(sql`select count(*)::int as n from outbox where topic = 'newsletter.deliver'`)
  t.equal((jobs as unknown as { rows: { n: number }[] }).rows[0]!.n, 0, 'no recipient job left')
  t.same(await read(later.auth), before, 'the send reads the same')
  t.match(before, { delivered: 2, bounced: 1, queued: 0, failed: 0 })
})

t.test('cancelling drops the recipients not yet sent to; erasing a subscriber removes them from queued sends', async (t) => {
  const smtp = await startSmtpServer()
  // Teardowns run last-registered first: the app (and its pooled SMTP connections) closes before
  // the server, which would otherwise wait for those connections for its 30 s close timeout.
  t.teardown(() => smtp.close())
  const app = await build(t, { seed: true, env: { ...FAST, SMTP_URL: smtp.url } })
  const editor = await createUser(app, 'editor')
  const erased = await subscriber(app, 'erase-me@example.com')
  await subscriber(app, 'stays@example.com')
  const india = await articleIn(app, 'india')
  const europe = await articleIn(app, 'europe')

  const first = (await app.inject({ method: 'POST', url: `/v1/admin/articles/${india.id}/newsletter`, headers: editor.auth })).json().data
  await app.services.newsletterSends.fanOutOnce()
  t.equal((await app.inject({ url: `/v1/admin/newsletter/sends/${first.id}`, headers: editor.auth })).json().data.queued, 2, 'both listed')
  t.equal((await app.inject({ method: 'DELETE', url: `/v1/admin/subscribers/${erased}`, headers: editor.auth })).statusCode, 204)
  t.match((await app.inject({ url: `/v1/admin/newsletter/sends/${first.id}`, headers: editor.auth })).json().data, { queued: 1 })
  await app.services.newsletterSends.drain()
  t.same(smtp.received.map((m) => m.to[0]), ['stays@example.com'], 'the erased address got nothing')

  const second = (await app.inject({ method: 'POST', url: `/v1/admin/articles/${europe.id}/newsletter`, headers: editor.auth })).json().data
  await app.services.newsletterSends.fanOutOnce()
  const res = await app.inject({ method: 'POST', url: `/v1/admin/newsletter/sends/${second.id}/cancel`, headers: editor.auth })
  t.equal(res.statusCode, 200)
  t.match(res.json().data, { status: 'cancelled', queued: 0, finished_at: String })
  await app.services.newsletterSends.drain()
  t.equal(smtp.received.length, 1, 'nothing sent after the cancel')
  assertProblem(t, await app.inject({ method: 'POST', url: `/v1/admin/newsletter/sends/${second.id}/cancel`, headers: editor.auth }), 409, 'CONFLICT')
  // A cancelled send does not count: the article may be sent again without resend.
  t.equal((await app.inject({ method: 'POST', url: `/v1/admin/articles/${europe.id}/newsletter`, headers: editor.auth })).statusCode, 202)
})
