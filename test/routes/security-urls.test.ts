import t from 'tap'
import fc from 'fast-check'
import { ConfigError, loadConfig } from '../../src/config.js'
import { authors, comments, siteSettings, webhooks } from '../../src/db/schema/index.js'
import { createAjv } from '../../src/plugins/validation.js'
import { assertProblem } from '../helpers/assertions.js'
import { createUser } from '../helpers/auth.js'
import { build } from '../helpers/build.js'
import { commentableArticle, postComment } from '../helpers/comments.js'
import { createSection } from '../helpers/factories.js'

/**
 * URLs that pass RFC 3986 (`format: uri`) but that the WHATWG parser — new URL(), http.request,
 * fetch, browsers — refuses. Stored, they made a 500 for whoever parsed them later.
 */
const UNPARSEABLE = ['http://a%25b.example/', 'http://:80/', 'http://999.1.1.1/', 'http://[1:2:3]/']

t.test('an accepted `format: uri` string is always one new URL() can parse', async (t) => {
  const validate = createAjv(false).compile({ type: 'string', format: 'uri' })
  for (const url of UNPARSEABLE) t.notOk(validate(url), url)
  for (const url of ['https://example.com/a?b=c#d', 'http://127.0.0.1:8080/x', 'http://[::1]/', 'https://xn--bcher-kva.example/']) t.ok(validate(url), url)
  const mangled = fc.tuple(fc.webUrl({ withQueryParameters: true, withFragments: true }), fc.string(), fc.nat(60)).map(([url, insert, at]) => url.slice(0, at) + insert + url.slice(at))
  fc.assert(fc.property(fc.oneof(fc.webUrl(), mangled, fc.constantFrom(...UNPARSEABLE)), (url) => !validate(url) || URL.canParse(url)), { numRuns: 3000 })
})

t.test('every URL field answers 400 naming the field, and nothing is stored', async (t) => {
  const app = await build(t, { env: { WEBHOOK_ALLOW_PRIVATE: 'true' } })
  const db = app.database.db
  const admin = await createUser(app, 'admin')
  const editor = await createUser(app, 'editor')
  const section = await createSection(db)
  const hook = (await app.inject({ method: 'POST', url: '/v1/admin/webhooks', headers: admin.auth, payload: { url: 'http://127.0.0.1:9/ok', events: ['*'] } })).json().data
  const author = (await app.inject({ method: 'POST', url: '/v1/admin/authors', headers: editor.auth, payload: { name: 'Url Tester' } })).json().data
  const article = (await app.inject({ method: 'POST', url: '/v1/admin/articles', headers: editor.auth, payload: { title: 'Url story', section: section.slug, author: author.slug } })).json().data
  const settingsVersion = (await app.inject({ method: 'GET', url: '/v1/admin/settings', headers: admin.auth })).json().data.version
  const before = {
    webhooks: await db.select().from(webhooks),
    authors: await db.select().from(authors),
    settings: await db.select().from(siteSettings),
  }

  const cases: [method: 'POST' | 'PATCH', url: string, headers: Record<string, string>, body: (bad: string) => unknown, field: string][] = [
    ['POST', '/v1/admin/webhooks', admin.auth, (bad) => ({ url: bad, events: ['*'] }), 'body.url'],
    ['PATCH', `/v1/admin/webhooks/${hook.id}`, admin.auth, (bad) => ({ url: bad }), 'body.url'],
    ['PATCH', '/v1/admin/settings', { ...admin.auth, 'if-match': `"v${settingsVersion}"` }, (bad) => ({ url: bad }), 'body.url'],
    ['PATCH', '/v1/admin/settings', { ...admin.auth, 'if-match': `"v${settingsVersion}"` }, (bad) => ({ logo: bad }), 'body.logo'],
    ['PATCH', '/v1/admin/settings', { ...admin.auth, 'if-match': `"v${settingsVersion}"` }, (bad) => ({ social_links: [{ network: 'x', url: bad }] }), 'body.social_links.0.url'],
    ['POST', '/v1/admin/authors', editor.auth, (bad) => ({ name: 'Bad Site', website: bad }), 'body.website'],
    ['POST', '/v1/admin/authors', editor.auth, (bad) => ({ name: 'Bad Avatar', avatar_url: bad }), 'body.avatar_url'],
    ['PATCH', `/v1/admin/authors/${author.slug}`, editor.auth, (bad) => ({ social_links: [{ network: 'x', url: bad }] }), 'body.social_links.0.url'],
    ['PATCH', `/v1/admin/articles/${article.id}`, { ...editor.auth, 'if-match': '"v1"' }, (bad) => ({ seo: { canonical_url: bad } }), 'body.seo.canonical_url'],
    ['PATCH', `/v1/admin/articles/${article.id}`, { ...editor.auth, 'if-match': '"v1"' }, (bad) => ({ seo: { og_image: bad } }), 'body.seo.og_image'],
    ['POST', '/v1/admin/articles', editor.auth, (bad) => ({ title: 'Bad image', section: section.slug, author: author.slug, featured_image: { url: bad, alt: '' } }), 'body.featured_image.url'],
  ]
  for (const [method, url, headers, body, field] of cases) {
    for (const bad of UNPARSEABLE) {
      const res = await app.inject({ method, url, headers, payload: body(bad) as Record<string, unknown> })
      const problem = assertProblem(t, res, 400, 'VALIDATION_FAILED')
      t.ok((problem.invalid_params as { name: string }[]).some((p) => p.name === field), `${method} ${url} ${bad} names ${field}`)
    }
  }
  t.same(await db.select().from(webhooks), before.webhooks, 'webhooks unchanged')
  t.same(await db.select().from(authors), before.authors, 'authors unchanged')
  t.same(await db.select().from(siteSettings), before.settings, 'settings unchanged')
  t.equal((await app.inject({ method: 'GET', url: `/v1/admin/articles/${article.id}`, headers: editor.auth })).json().data.version, 1, 'the article is unchanged')

  const commented = await commentableArticle(app)
  for (const bad of UNPARSEABLE) {
    const problem = assertProblem(t, await postComment(app, commented.slug, { author_website: bad }), 400, 'VALIDATION_FAILED')
    t.ok((problem.invalid_params as { name: string }[]).some((p) => p.name === 'body.author_website'), bad)
  }
  t.equal((await db.select().from(comments)).length, 0, 'no comment stored')
})

t.test('a webhook URL stored before this check fails its deliveries for good instead of a 500', async (t) => {
  const app = await build(t, { env: { WEBHOOK_ALLOW_PRIVATE: 'true' } })
  const admin = await createUser(app, 'admin')
  const [row] = await app.database.db.insert(webhooks).values({ url: 'http://a%25b.example/', events: ['*'], secret: 'whsec_x', createdBy: admin.id }).returning()
  const fired = await app.inject({ method: 'POST', url: `/v1/admin/webhooks/${row!.id}/test`, headers: admin.auth })
  t.equal(fired.statusCode, 200)
  t.match(fired.json().data, { ok: false, status: null, error: 'refused: the target is not a URL this server can parse' })
  await t.rejects(app.services.webhooks.deliver({ webhook_id: row!.id, event_id: 'e1', type: 'tag.created', body: '{}' }), { name: 'PermanentFailure', message: /cannot be parsed/ })
})

t.test('URL settings the WHATWG parser refuses are named at boot, not a crash later', async (t) => {
  const error = t.throws(() => loadConfig({ PUBLIC_URL: 'http://a%25b.example/', S3_ENDPOINT: 'http://:80/', AKISMET_URL: 'https://999.1.1.1/' })) as ConfigError
  t.ok(error instanceof ConfigError)
  for (const name of ['PUBLIC_URL', 'S3_ENDPOINT', 'AKISMET_URL']) t.match(error.message, `${name} must be a URL the WHATWG parser accepts`)
  t.equal(loadConfig({ PUBLIC_URL: 'https://api.example.com/' }).publicUrl, 'https://api.example.com')
})
