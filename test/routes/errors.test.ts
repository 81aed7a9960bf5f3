import t from 'tap'
import { sql } from 'drizzle-orm'
import { assertProblem } from '../helpers/assertions.js'
import { build } from '../helpers/build.js'


t.test('unknown routes are 404 problems', async (t) => {
  const app = await build(t)
  assertProblem(t, await app.inject({ method: 'GET', url: '/v1/nope' }), 404, 'ROUTE_NOT_FOUND')
  assertProblem(t, await app.inject({ method: 'DELETE', url: '/v1/articles' }), 404, 'ROUTE_NOT_FOUND')
  assertProblem(t, await app.inject({ method: 'GET', url: '/' }), 404, 'ROUTE_NOT_FOUND')
})

t.test('bad query parameters are 400 problems naming the field', async (t) => {
  const app = await build(t, { seed: true })
  const cases: [string, string, string][] = [
    ['/v1/articles?limit=0', 'querystring.limit', 'VALIDATION_FAILED'],
    ['/v1/articles?limit=101', 'querystring.limit', 'VALIDATION_FAILED'],
    ['/v1/articles?limit=ten', 'querystring.limit', 'VALIDATION_FAILED'],
    ['/v1/articles?page=0', 'querystring.page', 'VALIDATION_FAILED'],
    ['/v1/articles?page=1.5', 'querystring.page', 'VALIDATION_FAILED'],
    ['/v1/articles?sort=random', 'querystring.sort', 'VALIDATION_FAILED'],
    ['/v1/articles?secton=india', 'querystring.secton', 'VALIDATION_FAILED'],
    ['/v1/articles?published_after=yesterday', 'querystring.published_after', 'VALIDATION_FAILED'],
    ['/v1/articles?published_after=2025-02-30', 'querystring.published_after', 'VALIDATION_FAILED'],
    ['/v1/articles?published_before=2025-06-06T25:00:00Z', 'querystring.published_before', 'VALIDATION_FAILED'],
    ['/v1/articles?cursor=not-a-cursor', 'querystring.cursor', 'BAD_CURSOR'],
    [`/v1/articles?cursor=${Buffer.from('["a","2025-01-01T00:00:00.000Z","x"]').toString('base64url')}`, 'querystring.cursor', 'BAD_CURSOR'],
    ['/v1/articles?page=2&cursor=abc', 'querystring.cursor', 'VALIDATION_FAILED'],
    [`/v1/articles?${Array.from({ length: 11 }, (_, i) => `tag=t${i}`).join('&')}`, 'querystring.tag', 'VALIDATION_FAILED'],
    ['/v1/sections?include=everything', 'querystring.include', 'VALIDATION_FAILED'],
    ['/v1/tags?sort=name&limit=-1', 'querystring.limit', 'VALIDATION_FAILED'],
    [`/v1/articles/${'a'.repeat(201)}`, 'params.slug', 'VALIDATION_FAILED'],
  ]
  for (const [url, field, code] of cases) {
    const res = await app.inject({ method: 'GET', url })
    const body = assertProblem(t, res, 400, code)
    t.ok(
      (body.invalid_params as { name: string }[] | undefined)?.some((p) => p.name === field),
      `${url.slice(0, 60)} names ${field}: ${JSON.stringify(body.invalid_params)}`,
    )
  }
})

t.test('an unknown query field says it is unknown', async (t) => {
  const app = await build(t)
  const body = assertProblem(t, await app.inject({ method: 'GET', url: '/v1/articles?foo=1' }), 400, 'VALIDATION_FAILED')
  t.same(body.invalid_params, [{ name: 'querystring.foo', reason: 'is not a known field' }])
})

t.test('request ids: generated, or taken from a well-formed X-Request-Id', async (t) => {
  const app = await build(t)
  const own = await app.inject({ method: 'GET', url: '/health/live', headers: { 'x-request-id': 'lb-abc123456' } })
  t.equal(own.headers['x-request-id'], 'lb-abc123456')
  const hostile = await app.inject({ method: 'GET', url: '/health/live', headers: { 'x-request-id': '<script>alert(1)</script>' } })
  t.match(hostile.headers['x-request-id'], /^[0-9a-f-]{36}$/)
})

t.test('a 500 carries no internals', async (t) => {
  const app = await build(t, { seed: true })
  await app.database.db.execute(sql`alter table sections rename to sections_gone`)
  const res = await app.inject({ method: 'GET', url: '/v1/articles' })
  const body = assertProblem(t, res, 500, 'INTERNAL')
  t.notMatch(res.body, /sections|select|relation|stack|at \//i)
  t.equal(body.detail, 'An unexpected error occurred. It has been logged with the request id.')
})

t.test('security headers are set; no X-Powered-By', async (t) => {
  const app = await build(t)
  const res = await app.inject({ method: 'GET', url: '/health/live' })
  t.equal(res.headers['x-content-type-options'], 'nosniff')
  t.equal(res.headers['content-security-policy'], "default-src 'none';frame-ancestors 'none'")
  t.equal(res.headers['x-powered-by'], undefined)
  t.equal(res.headers['access-control-allow-origin'], undefined, 'no CORS unless configured')
})

t.test('CORS only for configured origins', async (t) => {
  const app = await build(t, { env: { CORS_ORIGINS: 'https://www.example.com' } })
  const allowed = await app.inject({ method: 'GET', url: '/health/live', headers: { origin: 'https://www.example.com' } })
  t.equal(allowed.headers['access-control-allow-origin'], 'https://www.example.com')
  t.match(String(allowed.headers['access-control-expose-headers']), /ETag/)
  const other = await app.inject({ method: 'GET', url: '/health/live', headers: { origin: 'https://evil.example' } })
  t.equal(other.headers['access-control-allow-origin'], undefined)
  const preflight = await app.inject({
    method: 'OPTIONS',
    url: '/v1/articles',
    headers: { origin: 'https://www.example.com', 'access-control-request-method': 'GET' },
  })
  t.equal(preflight.statusCode, 204)
})
