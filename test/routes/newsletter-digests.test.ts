import t from 'tap'
import { eq } from 'drizzle-orm'
import { createNewsletterDigestRepository } from '../../src/db/repositories/newsletter-digests.js'
import { newsletterSends, outbox, subscribers } from '../../src/db/schema/index.js'
import { createManualClock } from '../../src/lib/clock.js'
import { assertProblem } from '../helpers/assertions.js'
import { createUser, type TestUser } from '../helpers/auth.js'
import { build, type TestApp } from '../helpers/build.js'
import { decoded, startSmtpServer, type ReceivedMail } from '../helpers/smtp.js'

/**
 * Issue 18 §2–§3: automatic sends on publication and daily/weekly digests at the site's hour in
 * its time zone, through a real SMTP server on 127.0.0.1, the clock driven by the test.
 */
const FAST = { NEWSLETTER_RESPONSE_FLOOR_MS: '0' }

async function subscriber(app: TestApp, email: string, at: Date, values: Partial<typeof subscribers.$inferInsert> = {}) {
  const [row] = await app.database.db
    .insert(subscribers)
    .values({ email, status: 'confirmed', consentAt: at, privacyPolicyVersion: '1', confirmedAt: at, createdAt: at, ...values })
    .returning({ id: subscribers.id })
  return row!.id
}

async function settings(app: TestApp, admin: TestUser, newsletter: Record<string, unknown>) {
  const current = await app.inject({ url: '/v1/admin/settings', headers: admin.auth })
  return app.inject({ method: 'PATCH', url: '/v1/admin/settings', headers: { ...admin.auth, 'if-match': current.headers.etag as string }, payload: { newsletter } })
}

async function publish(app: TestApp, editor: TestUser, title: string, section: string, extra: Record<string, unknown> = {}) {
  const res = await app.inject({ method: 'POST', url: '/v1/admin/articles', headers: editor.auth, payload: { title, section, excerpt: `About ${title}`, status: 'published', ...extra } })
  if (res.statusCode !== 201) throw new Error(res.body)
  return res.json().data as { id: string; version: number }
}

const recipients = (mails: ReceivedMail[]) => mails.map((m) => m.to[0]).sort()

t.test('digests: one per daily subscriber at the hour of the site time zone, weekly on its day, never an article twice', async (t) => {
  const smtp = await startSmtpServer()
  t.teardown(() => smtp.close())
  // Tuesday 10 March 2026, 05:30 in Kolkata (UTC+5:30, no daylight saving).
  const clock = createManualClock('2026-03-10T00:00:00.000Z')
  const app = await build(t, { seed: true, clock, env: { ...FAST, SMTP_URL: smtp.url } })
  const admin = await createUser(app, 'admin')
  const editor = await createUser(app, 'editor', { author: 'the-defence-times' })
  const res = await settings(app, admin, { digest_hour: 9, digest_time_zone: 'Asia/Kolkata', digest_weekday: 'wednesday' })
  t.equal(res.statusCode, 200, res.body)
  t.same(res.json().data.newsletter, { autosend: false, digest_hour: 9, digest_time_zone: 'Asia/Kolkata', digest_weekday: 'wednesday' })

  const start = clock.now()
  await subscriber(app, 'daily-india@example.com', start, { cadence: 'daily', sections: ['india'] })
  await subscriber(app, 'daily-all@example.com', start, { cadence: 'daily' })
  await subscriber(app, 'weekly@example.com', start, { cadence: 'weekly' })
  const switcher = await subscriber(app, 'switcher@example.com', start, { cadence: 'instant', sections: ['india'] })
  await subscriber(app, 'pending@example.com', start, { cadence: 'daily', status: 'pending', confirmedAt: null })
  await subscriber(app, 'bounced@example.com', start, { cadence: 'daily', status: 'bounced' })
  await subscriber(app, 'gone@example.com', start, { cadence: 'daily', status: 'unsubscribed' })

  clock.set('2026-03-10T01:00:00.000Z')
  await publish(app, editor, 'India Story One', 'india')
  await publish(app, editor, 'Europe Story One', 'europe')
  // The switcher, still on instant, gets the India flash as an article email, then moves to daily.
  const flash = await publish(app, editor, 'India Flash', 'india')
  t.equal((await app.inject({ method: 'POST', url: `/v1/admin/articles/${flash.id}/newsletter`, headers: editor.auth })).statusCode, 202)
  await app.services.newsletterSends.drain()
  t.same(recipients(smtp.received), ['switcher@example.com'])
  await app.database.db.update(subscribers).set({ cadence: 'daily' }).where(eq(subscribers.id, switcher))

  // 08:30 in Kolkata: before the hour, nothing.
  clock.set('2026-03-10T03:00:00.000Z')
  t.same(await app.services.scheduler.runOnce(), { published: 0, digests: 0 })
  await app.services.newsletterSends.drain()
  t.equal(smtp.received.length, 1, 'nothing before the hour')

  // 09:05 in Kolkata: one job per confirmed daily subscriber (Tuesday: no weekly ones).
  clock.set('2026-03-10T03:35:00.000Z')
  t.same(await app.services.scheduler.runOnce(), { published: 0, digests: 3 })
  clock.set('2026-03-10T03:50:00.000Z')
  t.same(await app.services.scheduler.runOnce(), { published: 0, digests: 0 }, 'a second tick in the hour queues nothing')
  // Another process queueing the same period: the dedupe keys make it a no-op.
  const again = await createNewsletterDigestRepository(app.database.db).queueChunk('daily', '2026-03-10', new Date('2026-03-10T03:30:00.000Z'), clock.now(), null, 100)
  t.match(again, { seen: 3, inserted: 0 })
  await app.services.newsletterSends.drain()
  const first = smtp.received.slice(1)
  t.same(recipients(first), ['daily-all@example.com', 'daily-india@example.com', 'switcher@example.com'], 'one digest each')

  const india = decoded(first.find((m) => m.to[0] === 'daily-india@example.com')!)
  t.match(india, /^Subject: .*your daily digest \(2 articles\)/m)
  t.match(india, 'India Story One')
  t.match(india, 'India Flash')
  t.notMatch(india, 'Europe Story One', 'only the sections followed')
  t.match(india, /^List-Unsubscribe:\s+<http:\/\/api\.test\/newsletter\/unsubscribe\?token=/m)
  t.match(india, /^List-Unsubscribe-Post: List-Unsubscribe=One-Click/m)
  t.match(india, /Content-Type: text\/plain/)
  t.match(india, /Content-Type: text\/html/)
  t.notMatch(india, /\{\{(unsubscribe|preferences)_url\}\}/)
  const prefToken = /newsletter\/preferences\?token=([A-Za-z0-9._-]+)/.exec(india)![1]
  t.equal((await app.inject({ url: `/v1/newsletter/preferences?token=${prefToken}` })).json().data.email, 'daily-india@example.com')
  t.match(decoded(first.find((m) => m.to[0] === 'daily-all@example.com')!), /3 articles[\s\S]*Europe Story One/)
  const switched = decoded(first.find((m) => m.to[0] === 'switcher@example.com')!)
  t.match(switched, 'India Story One')
  t.notMatch(switched, 'India Flash', 'the article email already carried it')

  // Wednesday 09:05 in Kolkata: nothing new for the daily ones (no email); the weekly one gets its digest.
  clock.set('2026-03-11T03:35:00.000Z')
  t.same(await app.services.scheduler.runOnce(), { published: 0, digests: 4 })
  await app.services.newsletterSends.drain()
  const wednesday = smtp.received.slice(4)
  t.same(recipients(wednesday), ['weekly@example.com'])
  t.match(decoded(wednesday[0]!), /your weekly digest \(3 articles\)/)

  // Thursday: a new article reaches the daily subscribers following it, and no weekly digest goes out.
  clock.set('2026-03-12T01:00:00.000Z')
  await publish(app, editor, 'India Story Two', 'india')
  clock.set('2026-03-12T03:35:00.000Z')
  t.same(await app.services.scheduler.runOnce(), { published: 0, digests: 3 })
  await app.services.newsletterSends.drain()
  const thursday = smtp.received.slice(5)
  t.same(recipients(thursday), ['daily-all@example.com', 'daily-india@example.com', 'switcher@example.com'])
  for (const mail of thursday) {
    const text = decoded(mail)
    t.match(text, /\(1 article\)/)
    t.match(text, 'India Story Two')
    t.notMatch(text, 'India Story One', 'never the same article twice')
  }
})

t.test('digests missed because no process ran at the hour go out when one runs again; later confirmations wait for the next', async (t) => {
  const smtp = await startSmtpServer()
  t.teardown(() => smtp.close())
  // Tuesday 10 March 2026; the defaults: 08:00 UTC, weekly on Mondays.
  const clock = createManualClock('2026-03-10T00:00:00.000Z')
  const app = await build(t, { seed: true, clock, env: { ...FAST, SMTP_URL: smtp.url } })
  const editor = await createUser(app, 'editor', { author: 'the-defence-times' })
  await subscriber(app, 'daily@example.com', clock.now(), { cadence: 'daily' })
  await subscriber(app, 'weekly@example.com', clock.now(), { cadence: 'weekly' })
  clock.set('2026-03-10T01:00:00.000Z')
  await publish(app, editor, 'Overnight Story', 'india')

  // Nothing ran at 08:00; the first tick is at 15:00: today's daily digest goes out late, not never.
  clock.set('2026-03-10T15:00:00.000Z')
  t.same(await app.services.scheduler.runOnce(), { published: 0, digests: 1 }, 'the daily one, not the weekly one of last Monday (confirmed since)')
  await app.services.newsletterSends.drain()
  t.same(recipients(smtp.received), ['daily@example.com'])
  t.match(decoded(smtp.received[0]!), /your daily digest \(1 article\)[\s\S]*Overnight Story/)

  // Someone confirming after today's digest fell due is not part of it, even for a process that starts now.
  await subscriber(app, 'late@example.com', clock.now(), { cadence: 'daily' })
  t.match(await createNewsletterDigestRepository(app.database.db).queueChunk('daily', '2026-03-10', new Date('2026-03-10T08:00:00.000Z'), clock.now(), null, 100), { seen: 1, inserted: 0 })
  clock.set('2026-03-11T07:59:00.000Z')
  t.same(await app.services.scheduler.runOnce(), { published: 0, digests: 0 }, 'before the hour: the digest due is still the one queued')

  // Wednesday at the hour: both daily readers (nothing new: no email). Next Tuesday noon, after a
  // Monday with no process running: the weekly digest is caught up.
  clock.set('2026-03-11T08:00:00.000Z')
  t.same(await app.services.scheduler.runOnce(), { published: 0, digests: 2 })
  clock.set('2026-03-17T12:00:00.000Z')
  t.same(await app.services.scheduler.runOnce(), { published: 0, digests: 3 }, 'the two daily ones of the day and the weekly one of Monday')
  await app.services.newsletterSends.drain()
  t.same(recipients(smtp.received.slice(1)), ['weekly@example.com'])
  t.match(decoded(smtp.received[1]!), /your weekly digest \(1 article\)[\s\S]*Overnight Story/)
})

t.test('automatic sends on publication: once per article, the article flag over the site default', async (t) => {
  const smtp = await startSmtpServer()
  t.teardown(() => smtp.close())
  const clock = createManualClock('2026-03-10T00:00:00.000Z')
  const app = await build(t, { seed: true, clock, env: { ...FAST, SMTP_URL: smtp.url } })
  const admin = await createUser(app, 'admin')
  const editor = await createUser(app, 'editor', { author: 'the-defence-times' })
  await subscriber(app, 'india@example.com', clock.now(), { sections: ['india'] })
  await subscriber(app, 'europe@example.com', clock.now(), { sections: ['europe'] })
  await subscriber(app, 'daily@example.com', clock.now(), { cadence: 'daily' })
  const deliver = async () => {
    await app.services.outbox.runOnce()
    await app.services.newsletterSends.drain()
  }
  const sendsOf = async (articleId: string) => app.database.db.select().from(newsletterSends).where(eq(newsletterSends.articleId, articleId))

  // The site default is off: an article with no flag is not sent; one flagged true is, to its followers.
  const quiet = await publish(app, editor, 'Quiet Story', 'india')
  const flagged = await publish(app, editor, 'Flagged Story', 'india', { newsletter: true })
  t.equal((await app.inject({ url: `/v1/admin/articles/${flagged.id}`, headers: editor.auth })).json().data.newsletter, true)
  await deliver()
  t.same(recipients(smtp.received), ['india@example.com'])
  t.match(decoded(smtp.received[0]!), 'Subject: Flagged Story')
  t.equal((await sendsOf(quiet.id)).length, 0)
  const [send] = await sendsOf(flagged.id)
  t.match(send, { status: 'sent', createdBy: null })
  // The send is the article's one send: a manual one is the usual 409.
  assertProblem(t, await app.inject({ method: 'POST', url: `/v1/admin/articles/${flagged.id}/newsletter`, headers: editor.auth }), 409, 'CONFLICT')

  // Unpublished and published again: not sent again.
  let res = await app.inject({ method: 'PATCH', url: `/v1/admin/articles/${flagged.id}`, headers: editor.auth, payload: { status: 'archived', version: flagged.version } })
  t.equal(res.statusCode, 200, res.body)
  res = await app.inject({ method: 'PATCH', url: `/v1/admin/articles/${flagged.id}`, headers: editor.auth, payload: { status: 'published', version: res.json().data.version } })
  t.equal(res.statusCode, 200, res.body)
  t.equal(res.json().data.is_public, true)
  await deliver()
  t.equal(smtp.received.length, 1, 'a republished article is not sent again')
  t.equal((await sendsOf(flagged.id)).length, 1)

  // The site default on: an article flagged false stays out; one with no flag goes.
  t.equal((await settings(app, admin, { autosend: true })).statusCode, 200)
  const optedOut = await publish(app, editor, 'Opted Out Story', 'europe', { newsletter: false })
  const byDefault = await publish(app, editor, 'Default Story', 'europe')
  await deliver()
  t.same(recipients(smtp.received.slice(1)), ['europe@example.com'])
  t.match(decoded(smtp.received[1]!), 'Subject: Default Story')
  t.equal((await sendsOf(optedOut.id)).length, 0)
  t.equal((await sendsOf(byDefault.id)).length, 1)

  // A scheduled article is sent when the scheduler publishes it.
  res = await app.inject({ method: 'POST', url: '/v1/admin/articles', headers: editor.auth, payload: { title: 'Later Story', section: 'india', status: 'scheduled', published_at: '2026-03-10T02:00:00.000Z' } })
  t.equal(res.statusCode, 201, res.body)
  await deliver()
  t.equal(smtp.received.length, 2, 'not before its time')
  clock.set('2026-03-10T02:00:00.000Z')
  t.match(await app.services.scheduler.runOnce(), { published: 1 })
  await deliver()
  t.same(recipients(smtp.received.slice(2)), ['india@example.com'])
  t.match(decoded(smtp.received[2]!), 'Subject: Later Story')
})

t.test('newsletter settings and the article flag: validation', async (t) => {
  const app = await build(t, { seed: true, env: FAST })
  const admin = await createUser(app, 'admin')
  const editor = await createUser(app, 'editor', { author: 'the-defence-times' })
  let res = await app.inject({ url: '/v1/admin/settings', headers: admin.auth })
  t.same(res.json().data.newsletter, { autosend: false, digest_hour: 8, digest_time_zone: 'UTC', digest_weekday: 'monday' })

  const body = assertProblem(t, await settings(app, admin, { digest_time_zone: 'Mars/Olympus_Mons' }), 400, 'VALIDATION_FAILED')
  t.match(body, { invalid_params: [{ name: 'body.newsletter.digest_time_zone' }] })
  assertProblem(t, await settings(app, admin, { digest_hour: 24 }), 400, 'VALIDATION_FAILED')
  assertProblem(t, await settings(app, admin, { digest_hour: -1 }), 400, 'VALIDATION_FAILED')
  assertProblem(t, await settings(app, admin, { digest_weekday: 'someday' }), 400, 'VALIDATION_FAILED')
  assertProblem(t, await settings(app, admin, { autosend: 'yes' }), 400, 'VALIDATION_FAILED')
  assertProblem(t, await settings(app, admin, { unknown: 1 }), 400, 'VALIDATION_FAILED')
  assertProblem(t, await settings(app, admin, {}), 400, 'VALIDATION_FAILED')
  res = await app.inject({ url: '/v1/admin/settings', headers: admin.auth })
  t.same(res.json().data.newsletter.digest_time_zone, 'UTC', 'nothing was written')

  res = await settings(app, admin, { digest_time_zone: 'America/New_York', digest_weekday: 'sunday' })
  t.equal(res.statusCode, 200)
  t.same(res.json().data.newsletter, { autosend: false, digest_hour: 8, digest_time_zone: 'America/New_York', digest_weekday: 'sunday' })
  // Only admins change site settings.
  res = await app.inject({ method: 'PATCH', url: '/v1/admin/settings', headers: { ...editor.auth, 'if-match': '"v1"' }, payload: { newsletter: { autosend: true } } })
  assertProblem(t, res, 403, 'FORBIDDEN')

  res = await app.inject({ method: 'POST', url: '/v1/admin/articles', headers: editor.auth, payload: { title: 'Flag', section: 'india', newsletter: 'yes' } })
  assertProblem(t, res, 400, 'VALIDATION_FAILED')
  res = await app.inject({ method: 'POST', url: '/v1/admin/articles', headers: editor.auth, payload: { title: 'Flag', section: 'india' } })
  t.equal(res.json().data.newsletter, null, 'unset: the site default')
  const { id, version } = res.json().data
  res = await app.inject({ method: 'PATCH', url: `/v1/admin/articles/${id}`, headers: editor.auth, payload: { newsletter: false, version } })
  t.equal(res.json().data.newsletter, false)
  res = await app.inject({ method: 'PATCH', url: `/v1/admin/articles/${id}`, headers: editor.auth, payload: { newsletter: null, version: res.json().data.version } })
  t.equal(res.json().data.newsletter, null)
})

t.test('an article email and a digest racing for one reader: whichever claims the article first carries it', async (t) => {
  const smtp = await startSmtpServer()
  t.teardown(() => smtp.close())
  const clock = createManualClock('2026-03-10T00:00:00.000Z')
  const app = await build(t, { seed: true, clock, env: { ...FAST, SMTP_URL: smtp.url } })
  const editor = await createUser(app, 'editor', { author: 'the-defence-times' })
  const mover = await subscriber(app, 'mover@example.com', clock.now(), { sections: ['india'] })
  clock.set('2026-03-10T01:00:00.000Z')
  const article = await publish(app, editor, 'India Race Story', 'india')
  const send = (await app.inject({ method: 'POST', url: `/v1/admin/articles/${article.id}/newsletter`, headers: editor.auth })).json().data
  // The reader is listed for the article email, whose first attempt then fails (due again at 09:00);
  // meanwhile they move to a daily digest.
  await app.services.newsletterSends.fanOutOnce()
  await app.database.db.update(outbox).set({ runAt: new Date('2026-03-10T09:00:00.000Z') }).where(eq(outbox.topic, 'newsletter.deliver'))
  await app.database.db.update(subscribers).set({ cadence: 'daily' }).where(eq(subscribers.id, mover))

  // 08:00 UTC, the default digest hour: the digest claims the article and carries it.
  clock.set('2026-03-10T08:10:00.000Z')
  t.same(await app.services.scheduler.runOnce(), { published: 0, digests: 1 })
  await app.services.newsletterSends.drain()
  t.same(recipients(smtp.received), ['mover@example.com'])
  t.match(decoded(smtp.received[0]!), /your daily digest \(1 article\)[\s\S]*India Race Story/)

  // The article email's retry finds the article carried already: skipped, not sent twice.
  clock.set('2026-03-10T09:00:00.000Z')
  await app.services.newsletterSends.drain()
  t.equal(smtp.received.length, 1, 'never the same article twice')
  const res = await app.inject({ url: `/v1/admin/newsletter/sends/${send.id}`, headers: editor.auth })
  t.match(res.json().data, { status: 'sent', recipients: 1, delivered: 0, skipped: 1 })
})
