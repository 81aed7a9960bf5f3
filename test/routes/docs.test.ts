import t from 'tap'
import { assertProblem } from '../helpers/assertions.js'
import { build } from '../helpers/build.js'

// /docs is swagger-ui, served by an app of its own built on the first request (plugins/openapi.ts):
// the answers must be what swagger-ui registered on this app gave — page, document, files with
// their validators and 304s, HEAD — and what it does not serve must be this app's problem+json.
t.test('/docs: the page, the document as JSON and YAML, the static files with ETag, 304 and HEAD', async (t) => {
  const app = await build(t)
  const page = await app.inject({ url: '/docs' })
  t.equal(page.statusCode, 200)
  t.match(page.headers['content-type'], /^text\/html/)
  t.match(page.body, /swagger-ui/i)
  t.match(page.headers['content-security-policy'], /frame-ancestors 'self'/, "swagger-ui's own CSP")
  t.equal(page.headers['x-frame-options'], 'DENY', "this app's security headers too")
  t.ok(page.headers['x-request-id'], 'through this app’s hooks')
  t.equal((await app.inject({ url: '/docs/' })).statusCode, 200, 'a trailing slash as this app treats it')

  const json = await app.inject({ url: '/docs/json' })
  t.equal(json.statusCode, 200)
  t.same(json.json(), (await app.inject({ url: '/openapi.json' })).json(), 'the document /openapi.json serves')
  const yaml = await app.inject({ url: '/docs/yaml' })
  t.equal(yaml.statusCode, 200)
  t.match(yaml.headers['content-type'], /yaml/)
  t.match(yaml.body, /^openapi: 3\.1\.0/m)

  const initializer = await app.inject({ url: '/docs/static/swagger-initializer.js' })
  t.equal(initializer.statusCode, 200)
  t.match(initializer.body, /deepLinking/)
  const css = await app.inject({ url: '/docs/static/swagger-ui.css' })
  t.equal(css.statusCode, 200)
  t.match(css.headers['content-type'], /^text\/css/)
  const etag = css.headers.etag
  t.ok(etag, 'static files carry an ETag')
  const again = await app.inject({ url: '/docs/static/swagger-ui.css', headers: { 'if-none-match': String(etag) } })
  t.equal(again.statusCode, 304)
  t.equal(again.body, '')
  const head = await app.inject({ method: 'HEAD', url: '/docs/static/swagger-ui.css' })
  t.equal(head.statusCode, 200)
  t.equal(head.body, '')
  t.equal(Number(head.headers['content-length']), css.rawPayload.length, 'HEAD: the length of what GET sends')
})

t.test('/docs: what swagger-ui does not serve is a problem+json 404, traversal included', async (t) => {
  const app = await build(t)
  for (const url of ['/docs/static/nothing.js', '/docs/nothing', '/docs/static/../../package.json', '/docs/static/%2e%2e/%2e%2e/package.json', '/docs/static/..%2f..%2fpackage.json']) {
    const res = await app.inject({ url })
    t.equal(res.statusCode, 404, url)
    t.match(res.headers['content-type'], /^application\/problem\+json/, url)
    t.notMatch(res.body, /newsroom-cms/, `${url}: no file outside swagger-ui's`)
  }
  assertProblem(t, await app.inject({ url: '/docs/static/nothing.js' }), 404, 'ROUTE_NOT_FOUND')
})
