import t from 'tap'
import fc from 'fast-check'
import { comments } from '../../src/db/schema/index.js'
import { createUser } from '../helpers/auth.js'
import { build } from '../helpers/build.js'
import { commentableArticle } from '../helpers/comments.js'

/**
 * Nothing a commenter sends can make the API answer 500: arbitrary JSON of every shape, text with
 * NUL bytes, lone surrogates and control characters, hostile headers (a forged X-Forwarded-For is
 * honoured here, so request.ip is attacker-chosen), unknown parents, odd slugs and query strings.
 */
t.test('arbitrary comment submissions and thread reads never answer 5xx', async (t) => {
  const app = await build(t, { env: { COMMENT_RATE_IP: '100000', COMMENT_RATE_EMAIL: '100000', TRUST_PROXY: 'true', COMMENT_BLOCKLIST: 'casino' } })
  const editor = await createUser(app, 'editor')
  const article = await commentableArticle(app)
  await app.inject({ method: 'POST', url: '/v1/admin/comment-blocks', headers: editor.auth, payload: { kind: 'ip', value: '2001:db8::/32' } })
  const seeded = await app.inject({ method: 'POST', url: `/v1/articles/${article.slug}/comments`, payload: { author_name: 'Seed', author_email: 'seed@example.com', body: 'seed' } })
  const parent = seeded.json().data.id as string
  await app.inject({ method: 'PATCH', url: `/v1/admin/comments/${parent}`, headers: { ...editor.auth, 'if-match': '*' }, payload: { status: 'approved' } })

  const anyChar = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c))
  const nastyText = fc.oneof(fc.string({ unit: anyChar, maxLength: 60 }), fc.string({ unit: 'binary', maxLength: 60 }), fc.constantFrom('', ' ', '\u0000', '\ud800', '<script>alert(1)</script>', 'casino', 'http://a http://b http://c'))
  const value = fc.oneof(nastyText, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(nastyText, { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 5 }), nastyText, { maxKeys: 2 }))
  const payload = fc.record(
    {
      author_name: fc.oneof(nastyText, value),
      author_email: fc.oneof(fc.emailAddress(), value),
      author_website: fc.oneof(fc.webUrl(), fc.constant(''), fc.constant(null), value),
      body: fc.oneof(nastyText, fc.string({ unit: 'grapheme', maxLength: 300 }), value),
      parent_id: fc.oneof(fc.constant(parent), fc.uuid(), fc.constant(null), value),
      honeypot: fc.oneof(fc.constant(''), fc.constant(null), nastyText, value),
      [`x`]: value,
    },
    { requiredKeys: [] },
  )
  const headers = fc.record(
    {
      'user-agent': nastyText.map((s) => s.replace(/[^\t\x20-\x7e\x80-\xff]/g, '')),
      referer: nastyText.map((s) => s.replace(/[^\t\x20-\x7e\x80-\xff]/g, '')),
      'x-forwarded-for': fc.oneof(fc.ipV4(), fc.ipV6(), fc.constant('2001:db8::7'), nastyText.map((s) => s.replace(/[^\x20-\x7e]/g, ''))),
    },
    { requiredKeys: [] },
  )

  await fc.assert(
    fc.asyncProperty(payload, headers, fc.boolean(), async (body, hdrs, validBase) => {
      // Half the runs start from a valid comment so the pipeline and the database are reached.
      const sent = validBase ? { author_name: 'Fuzzy', author_email: 'fuzzy@example.com', body: 'ok', ...filterValid(body) } : body
      const res = await app.inject({ method: 'POST', url: `/v1/articles/${article.slug}/comments`, headers: hdrs, payload: sent })
      if (res.statusCode >= 500) t.fail(`${res.statusCode} for ${JSON.stringify(sent)} ${JSON.stringify(hdrs)}: ${res.body}`)
      return res.statusCode < 500
    }),
    { numRuns: 300, seed: 20260301 },
  )

  await fc.assert(
    fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 200 }), fc.constantFrom('application/json', 'application/json; charset=latin1', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data'), async (raw, type) => {
      const res = await app.inject({ method: 'POST', url: `/v1/articles/${article.slug}/comments`, headers: { 'content-type': type }, payload: raw })
      return res.statusCode < 500
    }),
    { numRuns: 100, seed: 7 },
  )

  await fc.assert(
    fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 }), async (slug, query) => {
      const url = `/v1/articles/${encodeURIComponent(slug)}/comments?${query.replace(/[#\s]/g, '')}`
      const [get, post] = await Promise.all([
        app.inject({ method: 'GET', url }),
        app.inject({ method: 'POST', url, payload: { author_name: 'A', author_email: 'a@example.com', body: 'b' } }),
      ])
      return get.statusCode < 500 && post.statusCode < 500
    }),
    { numRuns: 100, seed: 11 },
  )
  const list = await app.inject({ url: `/v1/articles/${article.slug}/comments` })
  t.equal(list.statusCode, 200, 'the thread still reads after all that')
  const stored = await app.testDb.database.db.select({ status: comments.status, ip: comments.ip }).from(comments)
  t.ok(stored.length > 50, `the runs reached the database (${stored.length} comments stored)`)
  t.ok(new Set(stored.map((c) => c.status)).size >= 3, 'and went through the pipeline to different verdicts')
})

/** Keeps only the fields that would pass validation, so the valid base reaches the spam pipeline. */
function filterValid(body: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(body)) {
    if (key === 'x') continue
    if (key === 'author_email' && !(typeof value === 'string' && /^[^\s@]+@[^\s@]+\.[a-z]{2,}$/i.test(value))) continue
    if (typeof value === 'string' || value === null) out[key] = value
  }
  return out
}
