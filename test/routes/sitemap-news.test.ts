import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import t, { type Test } from 'tap'
import { createManualClock } from '../../src/lib/clock.js'
import { assertProblem } from '../helpers/assertions.js'
import { createUser } from '../helpers/auth.js'
import { build } from '../helpers/build.js'

const XSD_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'sitemap-xsd')
const hasXmllint = spawnSync('xmllint', ['--version']).status === 0
if (!hasXmllint) {
  // CI installs libxml2-utils; a machine without it may skip the schema checks, never CI.
  if (process.env.CI) throw new Error('xmllint is missing (apt-get install -y libxml2-utils): the sitemap schema checks must run in CI')
  console.error('\n*** xmllint is missing (apt-get install -y libxml2-utils): the news sitemap is NOT checked against the XSDs ***\n')
}

/** xmllint's verdict on `xml` against one of the schemas in test/fixtures/sitemap-xsd. */
function validate(xml: string, schema: string): { ok: boolean; output: string } {
  const run = spawnSync('xmllint', ['--noout', '--nonet', '--schema', path.join(XSD_DIR, schema), '-'], { input: xml, encoding: 'utf8' })
  return { ok: run.status === 0, output: run.stderr }
}

const checkSchema = (t: Test, xml: string, schema: string, what: string) => {
  if (!hasXmllint) return void t.skip(`${what} against ${schema}: xmllint is missing`, async () => {})
  const verdict = validate(xml, schema)
  t.ok(verdict.ok, `${what} validates against ${schema}`, { output: verdict.output })
}

t.test('the fixture schemas reject what Google rejects (so a pass means something)', { skip: !hasXmllint && 'xmllint is missing' }, async (t) => {
  const entry = (language: string, date: string) =>
    `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><url><loc>https://example.com/a</loc><news:news><news:publication><news:name>X</news:name><news:language>${language}</news:language></news:publication><news:publication_date>${date}</news:publication_date><news:title>T</news:title></news:news></url></urlset>`
  t.ok(validate(entry('en', '2026-12-02T10:00:00Z'), 'news-urlset.xsd').ok)
  t.notOk(validate(entry('english', '2026-12-02T10:00:00Z'), 'news-urlset.xsd').ok, 'a language name is not a code')
  t.notOk(validate(entry('en', 'yesterday'), 'news-urlset.xsd').ok, 'a date must be W3C')
  t.notOk(validate(entry('en', '2026-12-02T10:00:00Z').replace(/news:title/g, 'news:headline'), 'news-urlset.xsd').ok, 'unknown news: elements are rejected')
})

t.test('/sitemap-news.xml lists the articles of the last 48 hours with the news: namespace', async (t) => {
  const clock = createManualClock('2026-03-10T12:00:00.000Z')
  const app = await build(t, { seed: true, clock })
  const admin = await createUser(app, 'admin')
  const editor = await createUser(app, 'editor', { author: 'the-defence-times' })
  const publish = async (title: string, at: string, status = 'published') => {
    const res = await app.inject({ method: 'POST', url: '/v1/admin/articles', headers: editor.auth, payload: { title, section: 'india', status, published_at: at } })
    t.equal(res.statusCode, 201, res.body)
    return res.json().data as { slug: string; url: string }
  }
  const fresh = await publish('Border Talks & "Resume" <Today>', '2026-03-10T11:00:00.000Z')
  const older = await publish('Yesterday Brief', '2026-03-08T12:30:00.000Z')
  await publish('Three Days Old', '2026-03-07T09:00:00.000Z')
  await publish('Scheduled Later', '2026-03-10T18:00:00.000Z', 'scheduled')
  await app.inject({ method: 'POST', url: '/v1/admin/articles', headers: editor.auth, payload: { title: 'A Draft', section: 'india' } })

  const res = await app.inject({ method: 'GET', url: '/sitemap-news.xml' })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^application\/xml/)
  t.match(res.headers['cache-control'], /public/)
  checkSchema(t, res.body, 'news-urlset.xsd', 'the news sitemap')
  const locs = [...res.body.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1])
  t.same(locs, [fresh.url, older.url], 'within 48 hours, public only, newest first')
  t.match(res.body, /<news:name>The Defence Times<\/news:name><news:language>en<\/news:language>/)
  t.match(res.body, /<news:publication_date>2026-03-10T11:00:00Z<\/news:publication_date><news:title>Border Talks &amp; &quot;Resume&quot; &lt;Today&gt;<\/news:title>/)

  // Publication name and language come from the site settings.
  const settings = await app.inject({ method: 'GET', url: '/v1/admin/settings', headers: admin.auth })
  t.equal(settings.json().data.language, 'en')
  assertProblem(t, await app.inject({ method: 'PATCH', url: '/v1/admin/settings', headers: { ...admin.auth, 'if-match': String(settings.headers.etag) }, payload: { language: 'English' } }), 400, 'VALIDATION_FAILED')
  const changed = await app.inject({ method: 'PATCH', url: '/v1/admin/settings', headers: { ...admin.auth, 'if-match': String(settings.headers.etag) }, payload: { language: 'zh-tw', title: 'Defence Times 國防' } })
  t.equal(changed.statusCode, 200, changed.body)
  t.equal((await app.inject({ method: 'GET', url: '/v1/site' })).json().data.language, 'zh-tw')
  const renamed = await app.inject({ method: 'GET', url: '/sitemap-news.xml' })
  t.equal(renamed.headers['x-cache'], 'MISS', 'a settings change purges it')
  t.match(renamed.body, /<news:name>Defence Times 國防<\/news:name><news:language>zh-tw<\/news:language>/)
  checkSchema(t, renamed.body, 'news-urlset.xsd', 'the renamed news sitemap')

  // By the clock alone, no write: the older article leaves 48 hours after its publication, the
  // scheduled one enters when it is due, and the cached copy never outlives either.
  const locsOf = (body: string) => [...body.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1])
  t.equal((await app.inject({ method: 'GET', url: '/sitemap-news.xml' })).headers['x-cache'], 'HIT')
  clock.set('2026-03-10T12:29:59.999Z')
  t.same(locsOf((await app.inject({ method: 'GET', url: '/sitemap-news.xml' })).body), [fresh.url, older.url], 'still inside its window')
  clock.set('2026-03-10T12:30:00.000Z')
  const aged = await app.inject({ method: 'GET', url: '/sitemap-news.xml' })
  t.equal(aged.headers['x-cache'], 'MISS')
  t.same(locsOf(aged.body), [fresh.url], 'out of the window exactly 48 hours after publication')
  clock.set('2026-03-10T18:00:00.000Z')
  const later = await app.inject({ method: 'GET', url: '/sitemap-news.xml' })
  t.equal(later.headers['x-cache'], 'MISS')
  t.equal(locsOf(later.body).length, 2, 'the scheduled article is in once due')
  checkSchema(t, later.body, 'news-urlset.xsd', 'the later news sitemap')

  // Nothing in the window: an empty urlset — well-formed, though the XSD wants at least one url
  // (listing anything older than 48 hours, or a page without news:news, would be worse).
  clock.set('2026-04-01T00:00:00.000Z')
  const empty = await app.inject({ method: 'GET', url: '/sitemap-news.xml' })
  t.equal(empty.statusCode, 200)
  t.notMatch(empty.body, /<url>/)
  if (hasXmllint) t.equal(spawnSync('xmllint', ['--noout', '-'], { input: empty.body }).status, 0, 'well-formed')
  assertProblem(t, await app.inject({ method: 'GET', url: '/sitemap-news.xml?page=2' }), 400, 'VALIDATION_FAILED')
})

t.test('/sitemap.xml is an index of the pages, article and news sitemaps', async (t) => {
  // The day after the demo's newest articles, so the news sitemap has some.
  const app = await build(t, { seed: true, clock: createManualClock('2025-06-07T00:00:00.000Z') })
  const index = await app.inject({ method: 'GET', url: '/sitemap.xml' })
  t.equal(index.statusCode, 200)
  checkSchema(t, index.body, 'siteindex.xsd', 'the sitemap index')
  const locs = [...index.body.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1])
  t.same(locs, ['http://api.test/sitemaps/pages.xml', 'http://api.test/sitemaps/articles-1.xml', 'http://api.test/sitemap-news.xml'])
  for (const loc of locs) {
    const part = await app.inject({ method: 'GET', url: new URL(loc!).pathname })
    t.equal(part.statusCode, 200, loc!)
    checkSchema(t, part.body, 'news-urlset.xsd', loc!)
  }
  t.ok((await app.inject({ method: 'GET', url: '/sitemap-news.xml' })).body.includes('<news:news>'), 'the demo has news of the last 48 hours')
})
