import t, { type Test } from 'tap'
import { eq } from 'drizzle-orm'
import { comments, outbox } from '../../src/db/schema/index.js'
import { createManualClock } from '../../src/lib/clock.js'
import { startFakeAkismet } from '../helpers/akismet-server.js'
import { createUser } from '../helpers/auth.js'
import { build } from '../helpers/build.js'
import { commentableArticle, postComment, thread } from '../helpers/comments.js'

async function setup(t: Test, env: Record<string, string> = {}) {
  const akismet = await startFakeAkismet()
  t.teardown(() => akismet.close())
  const clock = createManualClock('2026-03-01T10:00:00.000Z')
  const app = await build(t, { clock, env: { AKISMET_KEY: 'test-akismet-key', AKISMET_URL: akismet.url, AKISMET_TIMEOUT_MS: '30000', ...env } })
  const editor = await createUser(app, 'editor')
  const article = await commentableArticle(app, { slug: 'navies-test-drones' })
  const db = app.testDb.database.db
  const stored = async (id: string) => (await db.select().from(comments).where(eq(comments.id, id)))[0]
  const moderate = (id: string, status: string) => app.inject({ method: 'PATCH', url: `/v1/admin/comments/${id}`, headers: { ...editor.auth, 'if-match': '*' }, payload: { status } })
  return { akismet, app, clock, editor, article, db, stored, moderate }
}

t.test('Akismet answering "true": the comment is spam; "false": the usual rules decide', async (t) => {
  const { akismet, app, article, stored, moderate } = await setup(t)
  akismet.mode = 'spam'
  const spam = await postComment(app, article.slug, { author_name: 'Viagra', author_email: 'v@spam.example', author_website: 'https://spam.example', body: 'cheap stuff' }, { ip: '203.0.113.50', headers: { 'user-agent': 'SpamBot/1.0', referer: 'https://news.example/navies-test-drones' } })
  t.equal(spam.statusCode, 202)
  t.equal(spam.json().data.status, 'spam')
  t.match(await stored(spam.json().data.id), { status: 'spam', spamReasons: ['akismet'], akismetResult: 'spam' })
  t.same(akismet.calls.at(-1)!.form, {
    api_key: 'test-akismet-key',
    blog_charset: 'UTF-8',
    blog: 'http://api.test/',
    user_ip: '203.0.113.50',
    user_agent: 'SpamBot/1.0',
    referrer: 'https://news.example/navies-test-drones',
    permalink: 'http://api.test/navies-test-drones',
    comment_type: 'comment',
    comment_author: 'Viagra',
    comment_author_email: 'v@spam.example',
    comment_author_url: 'https://spam.example',
    comment_content: 'cheap stuff',
    comment_date_gmt: '2026-03-01T10:00:00.000Z',
  })

  akismet.mode = 'ham'
  const ham = await postComment(app, article.slug, { author_email: 'new@example.com', body: 'A first, honest comment' })
  t.equal(ham.statusCode, 202, 'ham from a first-time commenter still waits')
  t.match(await stored(ham.json().data.id), { status: 'pending', spamReasons: ['first_comment'], akismetResult: 'ham' })
  await moderate(ham.json().data.id, 'approved')
  const reply = await postComment(app, article.slug, { author_email: 'new@example.com', body: 'Replying', parent_id: ham.json().data.id })
  t.equal(reply.statusCode, 201, 'ham from a returning commenter is approved')
  t.equal(akismet.calls.at(-1)!.form.comment_type, 'reply')

  const honey = await postComment(app, article.slug, { honeypot: 'x' })
  t.equal(honey.json().data.status, 'spam')
  t.equal(akismet.calls.length, 3, 'obvious spam costs no Akismet call')
})

t.test('the discard pro-tip: answered like spam, not stored', async (t) => {
  const { akismet, app, article, db } = await setup(t)
  akismet.mode = 'discard'
  const res = await postComment(app, article.slug, { body: 'blatant spam' })
  t.equal(res.statusCode, 202)
  t.match(res.json().data, { status: 'spam', body: 'blatant spam', id: /^[0-9a-f-]{36}$/ })
  t.same(await db.select().from(comments), [], 'dropped')
  t.same((await thread(app, article.slug)).json().data, [])
})

t.test('Akismet timing out, down or confused: the comment is held as pending, never lost, never auto-approved', async (t) => {
  // A server that answers is waited for however busy the machine is (30 s above); one that never answers is given up on.
  const { akismet, app, article, stored, moderate } = await setup(t, { AKISMET_TIMEOUT_MS: '300' })
  const trusted = await postComment(app, article.slug, { author_email: 'regular@example.com', body: 'earlier comment' })
  await moderate(trusted.json().data.id, 'approved')

  for (const mode of ['slow', 'error', 'invalid'] as const) {
    akismet.mode = mode
    const res = await postComment(app, article.slug, { author_email: 'regular@example.com', body: `while Akismet is ${mode}` })
    t.equal(res.statusCode, 202, `${mode}: held`)
    t.equal(res.json().data.status, 'pending')
    if (mode === 'slow') t.equal(akismet.calls.at(-1)?.form.comment_content, `while Akismet is ${mode}`, 'slow: answered without Akismet ever answering (the timeout fired)')
    t.match(await stored(res.json().data.id), { status: 'pending', spamReasons: ['akismet_unavailable'], akismetResult: 'unavailable', body: `while Akismet is ${mode}` })
  }
})

t.test('moderators overruling Akismet send submit-ham / submit-spam through the outbox', async (t) => {
  const { akismet, app, article, stored, moderate, db, clock } = await setup(t)
  akismet.mode = 'spam'
  const caught = (await postComment(app, article.slug, { author_email: 'legit@example.com', body: 'not spam at all' })).json().data
  akismet.mode = 'ham'
  const missed = (await postComment(app, article.slug, { author_email: 'sneaky@example.com', body: 'subtle spam' })).json().data
  const unchecked = (await postComment(app, article.slug, { honeypot: 'bot' })).json().data
  const checks = akismet.calls.length

  t.equal((await moderate(caught.id, 'approved')).json().data.akismet.feedback, 'ham')
  t.equal((await moderate(missed.id, 'spam')).json().data.akismet.feedback, 'spam')
  await moderate(unchecked.id, 'approved') // Akismet never saw it: nothing to correct
  await moderate(caught.id, 'approved') // no change, no second report
  const jobs = await db.select().from(outbox).where(eq(outbox.topic, 'akismet.feedback'))
  t.same(jobs.map((j) => j.payload).sort((a, b) => String(a.kind).localeCompare(String(b.kind))), [
    { kind: 'ham', comment_id: caught.id },
    { kind: 'spam', comment_id: missed.id },
  ])
  t.equal(akismet.calls.length, checks, 'nothing is sent inside the moderation request')

  t.equal(await app.services.outbox.runOnce(), 2)
  const sent = akismet.calls.slice(checks)
  t.same(sent.map((c) => c.path).sort(), ['/1.1/submit-ham', '/1.1/submit-spam'])
  const ham = sent.find((c) => c.path === '/1.1/submit-ham')!
  t.match(ham.form, { api_key: 'test-akismet-key', comment_author_email: 'legit@example.com', comment_content: 'not spam at all', permalink: 'http://api.test/navies-test-drones', user_agent: 'Mozilla/5.0 (TestBrowser)', comment_type: 'comment' })
  t.match(await db.select({ status: outbox.status }).from(outbox), [{ status: 'done' }, { status: 'done' }])

  // Flipping back is a new correction; Akismet being down retries later.
  akismet.submitMode = 'error'
  await moderate(caught.id, 'spam')
  t.equal(await app.services.outbox.runOnce(), 1)
  const [retry] = await db.select().from(outbox).where(eq(outbox.status, 'pending'))
  t.match(retry, { attempts: 1, lastError: /HTTP 500/ })
  akismet.submitMode = 'thanks'
  clock.advance(60_000)
  t.equal(await app.services.outbox.runOnce(), 1)
  t.equal(akismet.calls.at(-1)!.path, '/1.1/submit-spam')
  t.match(await stored(caught.id), { akismetFeedback: 'spam', akismetResult: 'spam' })
})

t.test('without AKISMET_KEY, nothing is sent to Akismet', async (t) => {
  const akismet = await startFakeAkismet()
  t.teardown(() => akismet.close())
  const app = await build(t, { env: { AKISMET_URL: akismet.url } })
  const article = await commentableArticle(app)
  t.equal((await postComment(app, article.slug)).statusCode, 202)
  t.equal(akismet.calls.length, 0)
})
