import t, { type Test } from 'tap'
import { createHash } from 'node:crypto'
import { eq, sql } from 'drizzle-orm'
import { articles, comments } from '../../src/db/schema/index.js'
import { createManualClock } from '../../src/lib/clock.js'
import { assertProblem } from '../helpers/assertions.js'
import { createUser } from '../helpers/auth.js'
import { build } from '../helpers/build.js'
import { commentableArticle, postComment, thread } from '../helpers/comments.js'

const START = '2026-03-01T10:00:00.000Z'

async function setup(t: Test, env: Record<string, string> = {}) {
  const clock = createManualClock(START)
  const app = await build(t, { clock, env })
  const editor = await createUser(app, 'editor')
  const article = await commentableArticle(app)
  const db = app.testDb.database.db
  const moderate = (id: string, status: string) =>
    app.inject({ method: 'PATCH', url: `/v1/admin/comments/${id}`, headers: { ...editor.auth, 'if-match': '*' }, payload: { status } })
  const commentCount = async (id = article.id) => (await db.select({ n: articles.commentCount }).from(articles).where(eq(articles.id, id)))[0]!.n
  const rows = async () => db.select().from(comments)
  return { app, clock, editor, article, db, moderate, commentCount, rows }
}

t.test('a first comment waits in pending, invisible; once approved it and its replies show as a thread; the commenter is then trusted', async (t) => {
  const { app, clock, article, moderate, commentCount } = await setup(t)
  const first = await postComment(app, article.slug, { author_name: 'Asha', author_email: 'Asha@Example.COM', author_website: 'https://asha.example', body: 'First!' })
  t.equal(first.statusCode, 202, 'held: 202')
  const held = first.json().data
  t.match(held, { status: 'pending', author_name: 'Asha', author_website: 'https://asha.example', body: 'First!', parent_id: null, is_staff: false, deleted: false })
  t.notOk('author_email' in held, 'no email in the answer')

  let res = await thread(app, article.slug)
  t.equal(res.statusCode, 200)
  t.same(res.json().data, [], 'pending is invisible')
  t.match(res.json().meta, { total: 0, comment_count: 0, comments_open: true, max_depth: 5, page: 1, limit: 20 })
  t.equal(await commentCount(), 0)

  t.equal((await moderate(held.id, 'approved')).statusCode, 200)
  t.equal(await commentCount(), 1, 'comment_count counts approved comments')

  clock.advance(60_000)
  const reply = await postComment(app, article.slug, { author_name: 'Ben', parent_id: held.id, body: 'Welcome' })
  t.equal(reply.statusCode, 202, 'a first-time replier waits too')
  t.equal((await moderate(reply.json().data.id, 'approved')).statusCode, 200)

  clock.advance(60_000)
  const again = await postComment(app, article.slug, { author_name: 'Asha', author_email: ' ASHA@Example.com \n', body: 'Thanks Ben' , parent_id: reply.json().data.id })
  t.equal(again.statusCode, 201, 'the same commenter (email trimmed and lower-cased, as newsletter signups are) is approved at once')
  t.equal(again.json().data.status, 'approved')

  res = await thread(app, article.slug)
  const body = res.json()
  t.equal(body.data.length, 1)
  const [top] = body.data
  t.match(top, { id: held.id, author_name: 'Asha', body: 'First!', parent_id: null, deleted: false })
  t.equal(top.avatar_hash, createHash('sha256').update('asha@example.com').digest('hex'), 'SHA-256 of the trimmed, lower-cased email')
  t.equal(top.replies.length, 1)
  t.match(top.replies[0], { author_name: 'Ben', parent_id: held.id, body: 'Welcome' })
  t.match(top.replies[0].replies[0], { author_name: 'Asha', body: 'Thanks Ben', replies: [] })
  t.match(body.meta, { total: 1, comment_count: 3 })
  t.equal(await commentCount(), 3)
  t.match(res.headers['cache-control'], /public/)
  t.ok(res.headers.etag, 'cacheable with an ETag')

  const articleRes = await app.inject({ url: `/v1/articles/${article.slug}` })
  t.equal(articleRes.json().data.comment_count, 3, 'the article shows the exact count')
})

t.test('honeypot, too many links and blocklisted words land in spam; blocked emails and IPs too', async (t) => {
  const { app, article, rows, editor } = await setup(t, { COMMENT_BLOCKLIST: 'casino, cheap pills' })
  const honey = await postComment(app, article.slug, { honeypot: 'http://bot.example' })
  t.equal(honey.statusCode, 202)
  t.equal(honey.json().data.status, 'spam')
  t.notOk(JSON.stringify(honey.json()).includes('honeypot'), 'the answer does not say why')

  const emptyTrap = await postComment(app, article.slug, { honeypot: '' })
  t.equal(emptyTrap.json().data.status, 'pending', 'an empty trap field is a person')

  const links = await postComment(app, article.slug, { body: 'see http://a.example and www.b.example and <a href="x">c</a>' })
  t.equal(links.json().data.status, 'spam', '3 links > COMMENT_MAX_LINKS (2)')
  const twoLinks = await postComment(app, article.slug, { body: 'sources: https://a.example https://b.example' })
  t.equal(twoLinks.json().data.status, 'pending', '2 links are fine')

  const word = await postComment(app, article.slug, { body: 'Best CASINO bonuses here' })
  t.equal(word.json().data.status, 'spam')
  const inName = await postComment(app, article.slug, { author_name: 'Cheap Pills Shop' })
  t.equal(inName.json().data.status, 'spam', 'the name is checked too')

  const block = await app.inject({ method: 'POST', url: '/v1/admin/comment-blocks', headers: editor.auth, payload: { kind: 'email', value: '@spammy.example' } })
  t.equal(block.statusCode, 201)
  await app.inject({ method: 'POST', url: '/v1/admin/comment-blocks', headers: editor.auth, payload: { kind: 'ip', value: '198.51.100.0/24', reason: 'botnet' } })
  const byEmail = await postComment(app, article.slug, { author_email: 'Someone@SPAMMY.example' })
  t.equal(byEmail.json().data.status, 'spam')
  const byIp = await postComment(app, article.slug, {}, { ip: '198.51.100.77' })
  t.equal(byIp.json().data.status, 'spam')

  const stored = await rows()
  const reasons = Object.fromEntries(stored.map((r) => [r.id, r.spamReasons]))
  t.same(reasons[honey.json().data.id], ['honeypot'])
  t.same(reasons[links.json().data.id], ['too_many_links'])
  t.same(reasons[word.json().data.id], ['blocklist'])
  t.same(reasons[byEmail.json().data.id], ['blocked_email'])
  t.same(reasons[byIp.json().data.id], ['blocked_ip'])
  t.same(reasons[emptyTrap.json().data.id], ['first_comment'])
  t.same((await thread(app, article.slug)).json().data, [], 'nothing of it is public')
})

t.test('the 11th comment in a minute from one IP gets 429 with Retry-After; per email too', async (t) => {
  const { app, article, rows } = await setup(t)
  for (let i = 1; i <= 10; i++) {
    const res = await postComment(app, article.slug, { body: `Comment ${i}` }, { ip: '203.0.113.9' })
    t.equal(res.statusCode, 202, `comment ${i} accepted`)
  }
  const eleventh = await postComment(app, article.slug, { body: 'Comment 11' }, { ip: '203.0.113.9' })
  const problem = assertProblem(t, eleventh, 429, 'RATE_LIMITED')
  t.match(eleventh.headers['retry-after'], /^\d+$/)
  t.ok(Number(eleventh.headers['retry-after']) >= 1 && Number(eleventh.headers['retry-after']) <= 60)
  t.equal(problem.retry_after, Number(eleventh.headers['retry-after']))
  t.equal((await rows()).length, 10, 'the refused comment is not stored')
  t.equal((await postComment(app, article.slug, {}, { ip: '203.0.113.10' })).statusCode, 202, 'another IP may comment')

  for (let i = 1; i <= 5; i++) t.equal((await postComment(app, article.slug, { author_email: 'busy@example.com', body: `Mail ${i}` })).statusCode, 202)
  assertProblem(t, await postComment(app, article.slug, { author_email: 'BUSY@example.com', body: 'Mail 6' }), 429, 'RATE_LIMITED')
})

t.test('<script>alert(1)</script> comes back as inert text', async (t) => {
  const { app, article, moderate } = await setup(t)
  const payload = '<script>alert(1)</script> <img src=x onerror=alert(2)> & "quotes"'
  const res = await postComment(app, article.slug, { body: payload, author_name: '<b>Mallory</b>' })
  t.equal(res.statusCode, 202)
  t.equal(res.json().data.body, payload, 'the text as sent, not sanitised into something else')
  await moderate(res.json().data.id, 'approved')
  const list = await thread(app, article.slug)
  t.match(list.headers['content-type'], /^application\/json/)
  t.equal(list.headers['x-content-type-options'], 'nosniff')
  const [comment] = list.json().data
  t.equal(comment.body, payload)
  t.equal(comment.author_name, '<b>Mallory</b>')
  t.notOk('body_html' in comment, 'no HTML field to render')
  t.notOk(list.body.includes('<script>') && !list.body.includes('"body":"<script>'), 'only inside a JSON string')
})

t.test('validation: unknown fields, wrong types, oversize and malformed input are 400s and store nothing', async (t) => {
  const { app, article, rows } = await setup(t)
  const cases: [string, Record<string, unknown>, string][] = [
    ['unknown field', { extra: 1 }, 'body.extra'],
    ['email as status', { status: 'approved' }, 'body.status'],
    ['number body', { body: 42 }, 'body.body'],
    ['array name', { author_name: ['x'] }, 'body.author_name'],
    ['bad email', { author_email: 'not-an-email' }, 'body.author_email'],
    ['javascript: website', { author_website: 'javascript:alert(1)' }, 'body.author_website'],
    ['empty body', { body: '' }, 'body.body'],
    ['blank body', { body: '   \n ' }, 'body.body'],
    ['oversize body', { body: 'x'.repeat(5001) }, 'body.body'],
    ['long name', { author_name: 'n'.repeat(101) }, 'body.author_name'],
    ['bad parent', { parent_id: 'not-a-uuid' }, 'body.parent_id'],
    ['numeric honeypot', { honeypot: 1 }, 'body.honeypot'],
    ['control characters only', { body: '\u0000\u0001\u0002' }, 'body.body'],
  ]
  for (const [label, payload, field] of cases) {
    const res = await postComment(app, article.slug, payload)
    const problem = assertProblem(t, res, 400, 'VALIDATION_FAILED')
    t.ok((problem.invalid_params as { name: string }[]).some((p) => p.name === field), `${label}: names ${field}`)
  }
  const missing = await postComment(app, article.slug, { author_email: undefined })
  assertProblem(t, missing, 400, 'VALIDATION_FAILED')
  const malformed = await app.inject({ method: 'POST', url: `/v1/articles/${article.slug}/comments`, headers: { 'content-type': 'application/json' }, payload: '{"body": "x",' })
  assertProblem(t, malformed, 400, 'MALFORMED_JSON')
  const text = await app.inject({ method: 'POST', url: `/v1/articles/${article.slug}/comments`, headers: { 'content-type': 'text/plain' }, payload: 'hello' })
  assertProblem(t, text, 415, 'UNSUPPORTED_MEDIA_TYPE')
  const huge = await postComment(app, article.slug, { body: 'y'.repeat(2 * 1024 * 1024) })
  assertProblem(t, huge, 413, 'PAYLOAD_TOO_LARGE')
  t.equal((await rows()).length, 0, 'nothing stored')

  const nul = await postComment(app, article.slug, { body: 'a\u0000b\r\nc \ud800', author_name: 'Nul\u0000 Name\n', author_website: '' })
  t.equal(nul.statusCode, 202, 'NUL bytes and lone surrogates are cleaned, not a 500')
  t.match(nul.json().data, { body: 'ab\nc \ufffd', author_name: 'Nul Name', author_website: null })
})

t.test('404 for unknown or unpublished articles and for a parent from another article; 403 when closed', async (t) => {
  const { app, article, rows, moderate } = await setup(t)
  assertProblem(t, await postComment(app, 'no-such-article'), 404, 'NOT_FOUND')
  assertProblem(t, await thread(app, 'no-such-article'), 404, 'NOT_FOUND')
  const draft = await commentableArticle(app, { status: 'draft', publishedAt: null })
  assertProblem(t, await postComment(app, draft.slug), 404, 'NOT_FOUND')
  assertProblem(t, await thread(app, draft.slug), 404, 'NOT_FOUND')
  const future = await commentableArticle(app, { status: 'scheduled', publishedAt: new Date('2030-01-01T00:00:00.000Z') })
  assertProblem(t, await postComment(app, future.slug), 404, 'NOT_FOUND')

  const other = await commentableArticle(app)
  const foreign = (await postComment(app, other.slug, { body: 'elsewhere' })).json().data
  await moderate(foreign.id, 'approved')
  const cross = await postComment(app, article.slug, { parent_id: foreign.id })
  const problem = assertProblem(t, cross, 404, 'NOT_FOUND')
  t.same(problem.invalid_params, [{ name: 'body.parent_id', reason: 'unknown comment' }])
  const held = (await postComment(app, article.slug, { body: 'pending one' })).json().data
  assertProblem(t, await postComment(app, article.slug, { parent_id: held.id }), 404, 'NOT_FOUND')
  assertProblem(t, await postComment(app, article.slug, { parent_id: '00000000-0000-4000-8000-000000000000' }), 404, 'NOT_FOUND')
  t.equal((await rows()).length, 2, 'refused comments are not stored')

  const closed = await commentableArticle(app, { commentsOpen: false })
  assertProblem(t, await postComment(app, closed.slug), 403, 'COMMENTS_CLOSED')
  t.equal((await thread(app, closed.slug)).json().meta.comments_open, false)
  t.equal((await rows()).length, 2)
})

t.test('comments close automatically COMMENTS_CLOSE_AFTER_DAYS after publication', async (t) => {
  const { app, clock, article, rows } = await setup(t, { COMMENTS_CLOSE_AFTER_DAYS: '30' })
  clock.set('2025-01-30T23:59:00.000Z')
  t.equal((await postComment(app, article.slug)).statusCode, 202, 'day 30: open')
  t.equal((await app.inject({ url: `/v1/articles/${article.slug}` })).json().data.comments_open, true)
  clock.set('2025-01-31T00:00:00.000Z')
  assertProblem(t, await postComment(app, article.slug), 403, 'COMMENTS_CLOSED')
  t.equal((await app.inject({ url: `/v1/articles/${article.slug}` })).json().data.comments_open, false, 'the article says so')
  t.equal((await thread(app, article.slug)).json().meta.comments_open, false)
  t.equal((await rows()).length, 1)
})

t.test('an exact duplicate from the same commenter is refused with 409', async (t) => {
  const { app, article, rows } = await setup(t)
  const payload = { author_email: 'dup@example.com', body: 'Same words' }
  t.equal((await postComment(app, article.slug, payload)).statusCode, 202)
  assertProblem(t, await postComment(app, article.slug, { ...payload, author_email: 'DUP@example.com' }), 409, 'CONFLICT')
  t.equal((await postComment(app, article.slug, { ...payload, body: 'Other words' })).statusCode, 202)
  t.equal((await postComment(app, article.slug, { ...payload, author_email: 'other@example.com' })).statusCode, 202)
  t.equal((await rows()).length, 3)
})

t.test('threads: replies nest oldest first up to the depth cap, top level paginates with Link headers', async (t) => {
  const { app, clock, article, moderate } = await setup(t, { COMMENT_RATE_EMAIL: '100' })
  // A trusted commenter: one approved comment, then everything is approved at once.
  const seed = (await postComment(app, article.slug, { author_email: 'regular@example.com', body: 'Top 1' })).json().data
  await moderate(seed.id, 'approved')
  const say = async (body: string, parent?: string) => {
    clock.advance(1000)
    const res = await postComment(app, article.slug, { author_email: 'regular@example.com', body, ...(parent ? { parent_id: parent } : {}) })
    t.equal(res.statusCode, 201, body)
    return res.json().data
  }
  let parent = seed.id
  const chain: { id: string; parent_id: string | null }[] = []
  for (let level = 2; level <= 7; level++) {
    const c = await say(`Level ${level}`, parent)
    chain.push(c)
    parent = c.id
  }
  t.equal(chain[3]!.parent_id, chain[2]!.id, 'level 5 is under level 4')
  t.equal(chain[4]!.parent_id, chain[2]!.id, 'level 6 goes beside level 5: the thread is 5 deep at most')
  t.equal(chain[5]!.parent_id, chain[2]!.id)
  await say('Top 2')
  await say('Top 3')

  const page1 = await thread(app, article.slug, '?limit=2')
  const body = page1.json()
  t.same(body.data.map((c: { body: string }) => c.body), ['Top 1', 'Top 2'], 'oldest first')
  t.match(body.meta, { limit: 2, page: 1, pages: 2, total: 3, comment_count: 9 })
  t.match(page1.headers.link, /page=2>; rel="next"/)
  let depth = 0
  for (let node = body.data[0]; node; node = node.replies[0]) depth++
  t.equal(depth, 5, 'five levels')
  const level4 = body.data[0].replies[0].replies[0].replies[0]
  t.same(level4.replies.map((r: { body: string }) => r.body), ['Level 5', 'Level 6', 'Level 7'], 'siblings oldest first')
  const page2 = await thread(app, article.slug, '?limit=2&page=2')
  t.same(page2.json().data.map((c: { body: string }) => c.body), ['Top 3'])
  assertProblem(t, await thread(app, article.slug, '?cursor=abc'), 400, 'VALIDATION_FAILED')
  assertProblem(t, await thread(app, article.slug, '?limit=0'), 400, 'VALIDATION_FAILED')
})

t.test('a deleted comment with replies stays as a [deleted] tombstone; without visible replies it disappears', async (t) => {
  const { app, article, moderate, editor, commentCount } = await setup(t)
  const top = (await postComment(app, article.slug, { author_name: 'Gone Soon', author_email: 'gone@example.com', body: 'Original' })).json().data
  await moderate(top.id, 'approved')
  const reply = (await postComment(app, article.slug, { parent_id: top.id, body: 'A reply' })).json().data
  await moderate(reply.id, 'approved')
  const lonely = (await postComment(app, article.slug, { author_email: 'gone@example.com', body: 'No replies' })).json().data
  t.equal(await commentCount(), 3)

  await moderate(top.id, 'trash')
  await moderate(lonely.id, 'trash')
  let data = (await thread(app, article.slug)).json().data
  t.equal(data.length, 1)
  t.same(data[0], {
    id: top.id,
    parent_id: null,
    author_name: null,
    author_website: null,
    avatar_hash: null,
    body: '[deleted]',
    created_at: top.created_at,
    is_staff: false,
    deleted: true,
    replies: [data[0].replies[0]],
  })
  t.match(data[0].replies[0], { id: reply.id, body: 'A reply', deleted: false })
  t.equal(await commentCount(), 1)

  await moderate(top.id, 'restore')
  t.equal((await thread(app, article.slug)).json().data[0].body, 'Original', 'restored to approved')

  const del = await app.inject({ method: 'DELETE', url: `/v1/admin/comments/${top.id}`, headers: { ...editor.auth, 'if-match': '*' } })
  t.equal(del.statusCode, 204)
  data = (await thread(app, article.slug)).json().data
  t.match(data[0], { id: top.id, deleted: true, body: '[deleted]' })
  const [stored] = await app.testDb.database.db.select().from(comments).where(eq(comments.id, top.id))
  t.match(stored, { authorName: '', authorEmail: '', body: '', ip: null, userAgent: null })
  t.ok(stored!.deletedAt, 'erased, kept as a tombstone')
  t.equal(await commentCount(), 1)

  await moderate(reply.id, 'spam')
  t.same((await thread(app, article.slug)).json().data, [], 'a tombstone without visible replies is not shown')
  t.equal((await app.inject({ method: 'DELETE', url: `/v1/admin/comments/${reply.id}`, headers: { ...editor.auth, 'if-match': '*' } })).statusCode, 204)
  const left = await app.testDb.database.db.select({ id: comments.id }).from(comments).where(sql`${comments.id} in (${top.id}, ${reply.id})`)
  t.same(left, [], 'deleting the last reply removes the tombstone too')
  t.equal(await commentCount(), 0)
})

t.test('an old slug redirects the thread; POST follows it', async (t) => {
  const { app, article, editor } = await setup(t)
  const patch = await app.inject({ method: 'PATCH', url: `/v1/admin/articles/${article.id}`, headers: { ...editor.auth, 'if-match': '"v1"' }, payload: { slug: 'renamed-article' } })
  t.equal(patch.statusCode, 200)
  const res = await thread(app, article.slug)
  t.equal(res.statusCode, 301)
  t.equal(res.headers.location, 'http://api.test/v1/articles/renamed-article/comments')
  const posted = await postComment(app, article.slug, { body: 'via the old link' })
  t.equal(posted.statusCode, 202)
})

t.test('email, IP and user agent never appear in a public response', async (t) => {
  const { app, article, moderate } = await setup(t)
  const email = 'secret.person@private.example'
  const ua = 'SecretAgent/7.0'
  const ip = '192.0.2.123'
  const responses: string[] = []
  const first = await postComment(app, article.slug, { author_email: email, body: 'hello' }, { ip, headers: { 'user-agent': ua } })
  responses.push(first.body)
  await moderate(first.json().data.id, 'approved')
  const second = await postComment(app, article.slug, { author_email: email, body: 'again', parent_id: first.json().data.id }, { ip: '192.0.2.124', headers: { 'user-agent': ua } })
  t.equal(second.statusCode, 201)
  responses.push(second.body)
  responses.push((await postComment(app, article.slug, { author_email: email, honeypot: 'x' }, { ip: '192.0.2.125', headers: { 'user-agent': ua } })).body)
  responses.push((await thread(app, article.slug)).body)
  responses.push((await app.inject({ url: `/v1/articles/${article.slug}` })).body)
  responses.push((await app.inject({ url: '/v1/articles' })).body)
  for (const body of responses) {
    t.notOk(body.toLowerCase().includes(email), 'no email')
    t.notOk(body.includes(ip) || body.includes('192.0.2.12'), 'no IP')
    t.notOk(body.includes(ua), 'no user agent')
    t.notOk(body.includes('spam_reasons') || body.includes('first_comment'), 'no moderation internals')
  }
})
