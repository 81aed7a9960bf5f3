import t, { type Test } from 'tap'
import assert from 'node:assert'
import { XMLValidator } from 'fast-xml-parser'
import { sql } from 'drizzle-orm'
import { createUser } from '../helpers/auth.js'
import { assertProblem } from '../helpers/assertions.js'
import { build, type TestApp } from '../helpers/build.js'
import { loadSpec, operationsOf, XSS } from './openapi-schema.js'

/** No element or attribute that runs code: escaped text mentioning them is fine. */
function assertInertHtml(t: Test, html: string): void {
  t.notMatch(html, /<(script|style|iframe|form|object|embed|svg|math|base|meta|link)\b/i, 'no active elements')
  t.notMatch(html, /<[^>]*\son[a-z]+\s*=/i, 'no event handler attributes')
  t.notMatch(html, /<[^>]*\b(href|src|action|formaction|xlink:href)\s*=\s*["']?\s*(javascript|vbscript|data):/i, 'no script URLs')
}

/** Row counts of every table: a refused request must leave all of them as they were. */
async function tableCounts(app: TestApp): Promise<Record<string, number>> {
  const db = app.testDb.database.db
  const tables = (await db.execute(sql`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`)) as unknown as { rows: { name: string }[] }
  const counts: Record<string, number> = {}
  for (const { name } of tables.rows) {
    const result = (await db.execute(sql`select count(*)::int as n from ${sql.identifier(name)}`)) as unknown as { rows: { n: number }[] }
    counts[name] = Number(result.rows[0]!.n)
  }
  return counts
}

const operations = operationsOf(loadSpec())
const withBody = operations.filter((op) => op.body)
/** A concrete URL for an operation (the handler is never reached: these requests fail before it). */
const urlOf = (path: string) => path.replace(/\{[^}]+\}/g, (m) => (m === '{version}' ? '1' : '00000000-0000-4000-8000-000000000000'))

t.test('an oversize body is 413 problem+json on every operation that takes one', async (t) => {
  const app = await build(t, { env: { BODY_LIMIT: '4096' } })
  const admin = await createUser(app, 'admin')
  const huge = JSON.stringify({ title: 'x'.repeat(5000), email: 'a@example.com', body: 'y'.repeat(5000) })
  const before = await tableCounts(app)
  for (const op of withBody) {
    const res = await app.inject({ method: op.method as 'POST', url: urlOf(op.path), headers: { ...admin.auth, 'content-type': 'application/json' }, payload: huge })
    assertProblem(t, res, 413, 'PAYLOAD_TOO_LARGE')
  }
  t.ok(withBody.length >= 25, `${withBody.length} operations checked`)
  t.same(await tableCounts(app), before, 'no table gained or lost a row')
})

t.test('__proto__ and constructor.prototype payloads are 400 on every operation that takes a body', async (t) => {
  const app = await build(t)
  const admin = await createUser(app, 'admin')
  const payloads = [
    '{"__proto__": {"role": "admin"}}',
    '{"title": "x", "nested": {"__proto__": {"polluted": true}}}',
    '{"constructor": {"prototype": {"polluted": true}}}',
  ]
  const before = await tableCounts(app)
  for (const op of withBody) {
    for (const payload of payloads) {
      const res = await app.inject({ method: op.method as 'POST', url: urlOf(op.path), headers: { ...admin.auth, 'content-type': 'application/json' }, payload })
      t.equal(res.statusCode, 400, `${op.method} ${op.path} ${payload}`)
      t.match(res.headers['content-type'], /^application\/problem\+json/)
    }
  }
  t.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype untouched')
  t.equal(({} as Record<string, unknown>).role, undefined)
  t.same(await tableCounts(app), before, 'no table gained or lost a row')
})

t.test('XSS stored through every writable field comes back inert', async (t) => {
  const app = await build(t, { seed: true })
  const admin = await createUser(app, 'admin')
  const payload = XSS.join(' ')
  const create = await app.inject({
    method: 'POST',
    url: '/v1/admin/articles',
    headers: admin.auth,
    payload: {
      title: `Title ${XSS[0]}`,
      section: 'india',
      author: 'the-defence-times',
      excerpt: `Excerpt ${XSS[1]}`,
      body_format: 'html',
      body: `<p>Body</p>${payload}<p><a href="javascript:alert(2)">link</a><img src="https://img.example/x.jpg" onerror="alert(3)" onload="alert(4)"></p><style>body{display:none}</style><form action="https://evil.example"><input name=x></form><object data="x"></object>`,
      tags: [`tag ${XSS[2]}`],
      status: 'published',
    },
  })
  t.equal(create.statusCode, 201, create.body)
  const { slug, id } = create.json().data as { slug: string; id: string }
  const markdown = await app.inject({
    method: 'POST',
    url: '/v1/admin/articles',
    headers: admin.auth,
    payload: { title: 'Markdown attack', section: 'india', author: 'the-defence-times', body: `# Hi\n\n${payload}\n\n[click](javascript:alert(1))\n\n![x](javascript:alert(1))\n\n<script>alert(5)</script>`, status: 'published' },
  })
  t.equal(markdown.statusCode, 201, markdown.body)

  for (const s of [slug, (markdown.json().data as { slug: string }).slug]) {
    const res = await app.inject({ url: `/v1/articles/${s}` })
    t.equal(res.statusCode, 200)
    t.match(res.headers['content-type'], /^application\/json/)
    t.equal(res.headers['x-content-type-options'], 'nosniff', 'browsers never sniff a JSON answer as HTML')
    const html = String(res.json().data.body_html)
    assertInertHtml(t, html)
  }
  const article = (await app.inject({ url: `/v1/articles/${slug}` })).json().data as { title: string; excerpt: string }
  t.equal(article.title, `Title ${XSS[0]}`, 'plain-text fields are returned as the text that was sent (a JSON string, never markup)')

  // A comment with script is stored and returned as text.
  await app.inject({ method: 'PATCH', url: `/v1/admin/articles/${id}`, headers: { ...admin.auth, 'if-match': String((await app.inject({ url: `/v1/admin/articles/${id}`, headers: admin.auth })).headers.etag) }, payload: { comments_open: true } })
  const comment = await app.inject({ method: 'POST', url: `/v1/articles/${slug}/comments`, payload: { author_name: `<b>${XSS[0]}</b>`, author_email: 'x@example.com', body: payload } })
  t.equal(comment.statusCode, 202, comment.body)
  const commentId = (comment.json().data as { id: string }).id
  await app.inject({ method: 'PATCH', url: `/v1/admin/comments/${commentId}`, headers: { ...admin.auth, 'if-match': '*' }, payload: { status: 'approved' } })
  const thread = (await app.inject({ url: `/v1/articles/${slug}/comments` })).json().data as { body: string; author_name: string }[]
  t.equal(thread[0]?.body, payload, 'comment bodies are plain text, never interpreted')

  // Feeds and the sitemap are XML: the payload must be escaped there.
  for (const url of ['/v1/feeds/rss.xml', '/v1/feeds/sections/india/rss.xml', '/sitemap.xml', '/sitemaps/articles-1.xml', '/sitemap-news.xml']) {
    const res = await app.inject({ url })
    t.equal(res.statusCode, 200, url)
    t.notMatch(res.body, /<(script|img|svg|iframe|style)\b/i, `${url} escapes markup`)
    t.doesNotThrow(() => XMLValidator.validate(res.body) === true || assert.fail(String(JSON.stringify(XMLValidator.validate(res.body)))), `${url} is well-formed XML`)
  }
  const feed = (await app.inject({ url: '/v1/feeds/feed.json' })).json() as { items: { content_html?: string }[] }
  for (const item of feed.items) assertInertHtml(t, String(item.content_html ?? ''))

  // Site settings shown on every page.
  const settings = await app.inject({ method: 'PATCH', url: '/v1/admin/settings', headers: admin.auth, payload: { tagline: XSS[1] } })
  t.ok(settings.statusCode < 500)
  const site = await app.inject({ url: '/v1/site' })
  t.match(site.headers['content-type'], /^application\/json/)
})

t.test('no public answer carries an email, IP, password hash or token', async (t) => {
  const app = await build(t, { seed: true, env: { TRUST_PROXY: 'true' } })
  const admin = await createUser(app, 'admin', { email: 'private-admin@example.com' })
  const list = (await app.inject({ url: '/v1/articles?limit=1' })).json().data as { slug: string }[]
  const slug = list[0]!.slug
  const comment = await app.inject({ method: 'POST', url: `/v1/articles/${slug}/comments`, headers: { 'x-forwarded-for': '203.0.113.77', 'user-agent': 'SecretAgent/1.0' }, payload: { author_name: 'Reader', author_email: 'private-reader@example.com', author_website: 'https://reader.example', body: 'Hello' } })
  t.equal(comment.statusCode, 202, comment.body)
  await app.inject({ method: 'PATCH', url: `/v1/admin/comments/${(comment.json().data as { id: string }).id}`, headers: { ...admin.auth, 'if-match': '*' }, payload: { status: 'approved' } })
  await app.inject({ method: 'POST', url: '/v1/newsletter/subscriptions', headers: { 'x-forwarded-for': '203.0.113.78' }, payload: { email: 'private-subscriber@example.com' } })

  const secrets = ['private-admin@example.com', 'private-reader@example.com', 'private-subscriber@example.com', '203.0.113.77', '203.0.113.78', 'SecretAgent', '$argon2']
  const publicGets = operations.filter((op) => op.method === 'GET' && !op.secured && !op.path.includes('/media/'))
  let checked = 0
  for (const op of publicGets) {
    const url = op.path
      .replace('{slug}', op.path.startsWith('/v1/sections') || op.path.includes('/feeds/sections') ? 'india' : op.path.startsWith('/v1/tags') ? 'china' : op.path.startsWith('/v1/authors') ? 'the-defence-times' : op.path.startsWith('/v1/pages') ? 'about-us' : slug)
      .replace('{file}', 'articles-1.xml')
    const res = await app.inject({ url })
    checked++
    t.ok(res.statusCode < 500, `${url} ${res.statusCode}`)
    for (const secret of secrets) t.notOk(res.body.includes(secret), `${url} does not reveal ${secret}`)
  }
  t.ok(checked >= 20, `${checked} public reads checked`)
})

t.test('security headers on every kind of answer; CORS only for configured origins', async (t) => {
  const app = await build(t, { seed: true, env: { CORS_ORIGINS: 'https://www.example.com' } })
  const admin = await createUser(app, 'admin')
  const answers = [
    await app.inject({ url: '/v1/articles' }),
    await app.inject({ url: '/v1/admin/articles', headers: admin.auth }),
    await app.inject({ url: '/v1/admin/articles' }),
    await app.inject({ url: '/v1/nothing-here' }),
    await app.inject({ url: '/v1/feeds/rss.xml' }),
    await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: 'nobody@example.com', password: 'wrong-password' } }),
  ]
  for (const res of answers) {
    t.equal(res.headers['x-content-type-options'], 'nosniff')
    t.equal(res.headers['x-frame-options'], 'DENY')
    t.equal(res.headers['cross-origin-resource-policy'], 'cross-origin', 'frontends on other origins may read it')
    t.equal(res.headers['x-xss-protection'], undefined, 'no document-only headers on a JSON API')
    t.match(String(res.headers['content-security-policy']), /default-src 'none'/)
    t.match(String(res.headers['strict-transport-security']), /max-age=\d+/)
    t.equal(res.headers['referrer-policy'], 'no-referrer')
    t.equal(res.headers['x-powered-by'], undefined)
    t.equal(res.headers['server'], undefined)
  }
  t.match(String(answers[1]!.headers['cache-control']), /no-store/, 'admin answers are never cached')
  const allowed = await app.inject({ method: 'OPTIONS', url: '/v1/admin/articles', headers: { origin: 'https://www.example.com', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type,idempotency-key' } })
  t.equal(allowed.headers['access-control-allow-origin'], 'https://www.example.com')
  t.match(String(allowed.headers['access-control-allow-headers']).toLowerCase(), /idempotency-key/)
  const denied = await app.inject({ method: 'OPTIONS', url: '/v1/admin/articles', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } })
  t.equal(denied.headers['access-control-allow-origin'], undefined)
  t.equal(denied.headers['access-control-allow-credentials'], undefined)
})
