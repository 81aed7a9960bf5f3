import t, { type Test } from 'tap'
import { AkismetError, createAkismetClient, type AkismetComment } from '../../src/services/comments/akismet.js'
import { startFakeAkismet } from '../helpers/akismet-server.js'

const COMMENT: AkismetComment = {
  blog: 'https://news.example/',
  user_ip: '203.0.113.5',
  user_agent: 'Mozilla/5.0',
  referrer: 'https://news.example/story',
  permalink: 'https://news.example/story',
  comment_type: 'reply',
  comment_author: 'Ada',
  comment_author_email: 'ada@example.com',
  comment_author_url: 'https://ada.example',
  comment_content: 'Hello & welcome — ünïcode',
  comment_date_gmt: '2026-01-01T00:00:00.000Z',
}

async function setup(t: Test, options: { key?: string; timeoutMs?: number } = {}) {
  const server = await startFakeAkismet()
  t.teardown(() => server.close())
  const client = createAkismetClient({ key: options.key ?? 'test-akismet-key', baseUrl: server.url, timeoutMs: options.timeoutMs ?? 2000 })
  return { server, client }
}

t.test('comment-check sends the fields Akismet expects, form-encoded', async (t) => {
  const { server, client } = await setup(t)
  t.same(await client.commentCheck(COMMENT), { spam: false, discard: false })
  t.equal(server.calls.length, 1)
  const [call] = server.calls
  t.equal(call!.method, 'POST')
  t.equal(call!.path, '/1.1/comment-check')
  t.match(call!.headers['content-type'], /^application\/x-www-form-urlencoded/)
  t.match(call!.headers['user-agent'], /Akismet\/1\.1/)
  t.same(call!.form, { api_key: 'test-akismet-key', blog_charset: 'UTF-8', ...COMMENT })
})

t.test('"true" is spam; the discard pro-tip is reported', async (t) => {
  const { server, client } = await setup(t)
  server.mode = 'spam'
  t.same(await client.commentCheck(COMMENT), { spam: true, discard: false })
  server.mode = 'discard'
  t.same(await client.commentCheck(COMMENT), { spam: true, discard: true })
})

t.test('failures are AkismetErrors: invalid key or answer (permanent), HTTP errors and timeouts (temporary)', async (t) => {
  const { server, client } = await setup(t, { timeoutMs: 200 })
  server.mode = 'invalid'
  const invalid = await client.commentCheck(COMMENT).catch((e: unknown) => e)
  t.ok(invalid instanceof AkismetError)
  t.match(invalid, { permanent: true, message: /invalid.*unable to parse your blog URI/ })

  server.mode = 'error'
  t.match(await client.commentCheck(COMMENT).catch((e: unknown) => e), { name: 'AkismetError', permanent: false, status: 503 })

  server.mode = 'slow'
  const started = Date.now()
  const slow = await client.commentCheck(COMMENT).catch((e: unknown) => e)
  const took = Date.now() - started
  t.match(slow, { name: 'AkismetError', permanent: false, message: /timed out after 200 ms/ })
  // Not before the timeout; how long after it depends on how busy the machine is, so it is only reported.
  t.ok(took >= 180, `gave up after the timeout (${took} ms)`)

  const { client: wrongKey } = await setup(t, { key: 'wrong' })
  t.match(await wrongKey.commentCheck(COMMENT).catch((e: unknown) => e), { permanent: true, message: /Empty "api_key"/ })

  const closed = createAkismetClient({ key: 'k', baseUrl: 'http://127.0.0.1:1', timeoutMs: 1000 })
  t.match(await closed.commentCheck(COMMENT).catch((e: unknown) => e), { name: 'AkismetError', permanent: false, message: /failed/ })
})

t.test('submit-spam and submit-ham expect Akismet’s thanks', async (t) => {
  const { server, client } = await setup(t)
  await client.submitSpam(COMMENT)
  await client.submitHam(COMMENT)
  t.same(server.calls.map((c) => c.path), ['/1.1/submit-spam', '/1.1/submit-ham'])
  t.same(server.calls[0]!.form, { api_key: 'test-akismet-key', blog_charset: 'UTF-8', ...COMMENT })
  server.submitMode = 'invalid'
  t.match(await client.submitSpam(COMMENT).catch((e: unknown) => e), { name: 'AkismetError', permanent: true })
  server.submitMode = 'error'
  t.match(await client.submitHam(COMMENT).catch((e: unknown) => e), { name: 'AkismetError', permanent: false, status: 500 })
})
