import t, { type Test } from 'tap'
import { XMLParser } from 'fast-xml-parser'
import { siteSettings } from '../../src/db/schema/index.js'
import { assertProblem } from '../helpers/assertions.js'
import { createUser, type TestUser } from '../helpers/auth.js'
import { build, type TestApp } from '../helpers/build.js'

const SITE = 'https://thedefencetimes.example'
const STORY = 'chinas-6th-generation-fighter-jet-takes-first-flight'

interface Ref {
  slug: string
  url: string
}
interface Summary extends Ref {
  id: string
  published_at: string
  section: Ref
  author: Ref
  tags: Ref[]
}

const ymd = (iso: string) => [iso.slice(0, 4), iso.slice(5, 7)]

/** Every public representation of every kind, with the URL each resource should carry by `expected`. */
async function everyUrl(t: Test, app: TestApp, expected: { article: (a: Summary) => string; section: (s: string) => string; tag: (s: string) => string; author: (s: string) => string; page: (s: string) => string }) {
  const get = async (url: string) => {
    const res = await app.inject({ method: 'GET', url })
    t.equal(res.statusCode, 200, url)
    return res
  }
  const checkSummary = (a: Summary, where: string) => {
    t.equal(a.url, expected.article(a), `${where}: article ${a.slug}`)
    t.equal(a.section.url, expected.section(a.section.slug), `${where}: its section`)
    t.equal(a.author.url, expected.author(a.author.slug), `${where}: its author`)
    for (const tag of a.tags) t.equal(tag.url, expected.tag(tag.slug), `${where}: its tag ${tag.slug}`)
  }
  const list = (await get('/v1/articles?limit=100')).json().data as Summary[]
  t.equal(list.length, 18)
  for (const a of list) checkSummary(a, 'list')
  checkSummary((await get('/v1/articles?limit=3&cursor=' + (await get('/v1/articles?limit=3')).json().meta.next_cursor)).json().data[0], 'cursor page')
  const full = (await get(`/v1/articles/${STORY}`)).json().data
  checkSummary(full, 'full article')
  t.equal(full.seo.canonical_url, full.url, 'seo.canonical_url falls back to url')
  for (const hit of (await get('/v1/search?q=china')).json().data as Summary[]) checkSummary(hit, 'search hit')
  for (const a of (await get('/v1/articles?q=china')).json().data as Summary[]) checkSummary(a, 'q filter')
  for (const a of (await get(`/v1/articles/${STORY}/related`)).json().data as Summary[]) checkSummary(a, 'related')
  for (const s of (await get('/v1/sections?include=latest')).json().data as (Ref & { latest: Summary[] })[]) {
    t.equal(s.url, expected.section(s.slug), `section ${s.slug}`)
    for (const a of s.latest) checkSummary(a, 'section latest')
  }
  t.equal((await get('/v1/sections/india')).json().data.url, expected.section('india'))
  for (const tag of (await get('/v1/tags?limit=100')).json().data as Ref[]) t.equal(tag.url, expected.tag(tag.slug), `tag ${tag.slug}`)
  t.equal((await get('/v1/tags/china')).json().data.url, expected.tag('china'))
  for (const a of (await get('/v1/authors')).json().data as Ref[]) t.equal(a.url, expected.author(a.slug))
  t.equal((await get('/v1/authors/the-defence-times')).json().data.url, expected.author('the-defence-times'))
  for (const p of (await get('/v1/pages')).json().data as Ref[]) t.equal(p.url, expected.page(p.slug), `page ${p.slug}`)
  t.equal((await get('/v1/pages/about-us')).json().data.url, expected.page('about-us'))

  const bySlug = new Map(list.map((a) => [a.slug, a]))
  const sitemap = (await get('/v1/sitemap')).json().data
  for (const a of sitemap.articles as Ref[]) t.equal(a.url, expected.article(bySlug.get(a.slug)!), `sitemap ${a.slug}`)
  t.same(sitemap.sections.map((s: Ref) => s.url), sitemap.sections.map((s: Ref) => expected.section(s.slug)))
  t.same(sitemap.pages.map((s: Ref) => s.url), sitemap.pages.map((s: Ref) => expected.page(s.slug)))
  t.ok(sitemap.authors.length > 0)
  t.same(sitemap.authors.map((s: Ref) => s.url), sitemap.authors.map((s: Ref) => expected.author(s.slug)), 'sitemap author pages follow the permalink pattern')
  const index = new XMLParser().parse((await get('/sitemap.xml')).body).sitemapindex.sitemap.map((s: { loc: string }) => s.loc) as string[]
  t.same(index, ['http://api.test/sitemaps/pages.xml', 'http://api.test/sitemaps/articles-1.xml', 'http://api.test/sitemap-news.xml'], 'sitemap.xml is an index of API addresses')
  const xml: string[] = []
  for (const part of ['/sitemaps/pages.xml', '/sitemaps/articles-1.xml']) xml.push(...new XMLParser().parse((await get(part)).body).urlset.url.map((u: { loc: string }) => u.loc))
  for (const a of list) t.ok(xml.includes(expected.article(a)), `sitemap.xml has ${a.slug}`)
  t.ok(xml.includes(expected.section('india')) && xml.includes(expected.page('about-us')) && xml.includes(expected.author('the-defence-times')), 'sitemap.xml has sections, author pages and pages')
  const rss = new XMLParser().parse((await get('/v1/feeds/rss.xml')).body).rss.channel.item as { link: string; title: string }[]
  t.same(rss.map((i) => i.link), list.slice(0, 20).map((a) => expected.article(a)), 'RSS item links')
  const feed = (await get('/v1/feeds/sections/india/feed.json')).json()
  t.equal(feed.home_page_url, expected.section('india'))
  t.same(feed.items.map((i: { url: string }) => i.url), list.filter((a) => a.section.slug === 'india').map((a) => expected.article(a)), 'JSON Feed item urls')
  const site = (await get('/v1/site')).json().data
  for (const item of site.navigation.slice(0, -1)) t.same(item, { label: item.label, url: expected.section(item.slug), type: 'section', slug: item.slug, section: item.slug })
  t.same(site.navigation.at(-1), { label: 'About Us', url: expected.page('about-us'), type: 'page', slug: 'about-us', section: null })
  t.same(site.footer_links.map((l: Ref & { type: string }) => [l.type, l.url]), ['about-us', 'contact-us', 'privacy-policy', 'terms-of-use', 'disclaimer'].map((s) => ['page', expected.page(s)]))
  return list
}

const settings = (app: TestApp, admin: TestUser) => app.inject({ method: 'GET', url: '/v1/admin/settings', headers: admin.auth })
const patch = async (app: TestApp, admin: TestUser, payload: Record<string, unknown>) => {
  const version = (await settings(app, admin)).json().data.version
  return app.inject({ method: 'PATCH', url: '/v1/admin/settings', headers: { ...admin.auth, 'if-match': `"v${version}"` }, payload })
}

t.test('permalinks', async (t) => {
  const app = await build(t, { seed: true })
  const admin = await createUser(app, 'admin')

  await t.test('every public representation carries its absolute url on site.url, by the default patterns', async (t) => {
    const s = await settings(app, admin)
    t.same(s.json().data.permalinks, { article: '/{slug}', section: '/section/{slug}', tag: '/tag/{slug}', author: '/author/{slug}', page: '/{slug}' })
    t.same(s.json().data.permalink_history, { article: [], section: [], tag: [], author: [], page: [] })
    await everyUrl(t, app, {
      article: (a) => `${SITE}/${a.slug}`,
      section: (s) => `${SITE}/section/${s}`,
      tag: (s) => `${SITE}/tag/${s}`,
      author: (s) => `${SITE}/author/${s}`,
      page: (s) => `${SITE}/${s}`,
    })
    const editor = await createUser(app, 'editor', { author: 'the-defence-times' })
    const own = (await app.inject({ method: 'GET', url: '/v1/admin/articles?limit=1', headers: editor.auth })).json().data[0]
    t.equal(own.url, `${SITE}/${own.slug}`, 'the editor’s view says where the article lives')
    const page = (await app.inject({ method: 'GET', url: '/v1/admin/pages', headers: editor.auth })).json().data[0]
    t.equal(page.url, `${SITE}/${page.slug}`)
  })

  await t.test('the admin API refuses bad patterns (422 naming each) and writes nothing', async (t) => {
    const before = await app.testDb.database.db.select().from(siteSettings)
    const res = await patch(app, admin, { permalinks: { article: 'news/{slug}', section: '/s/{year}/{slug}', tag: '/t/{name}' } })
    const body = assertProblem(t, res, 422, 'UNPROCESSABLE')
    t.same((body.invalid_params as { name: string }[]).map((p) => p.name).sort(), ['body.permalinks.article', 'body.permalinks.section', 'body.permalinks.tag'])
    t.match(body.detail, /article must be a path starting with \//)
    assertProblem(t, await patch(app, admin, { permalinks: { article: '/{slug}', title: '/x/{slug}' } }), 400, 'VALIDATION_FAILED')
    assertProblem(t, await patch(app, admin, { permalinks: {} }), 400, 'VALIDATION_FAILED')
    assertProblem(t, await patch(app, admin, { permalinks: { page: 42 } }), 400, 'VALIDATION_FAILED')
    assertProblem(t, await patch(app, admin, { permalinks: { author: `/${'a'.repeat(201)}/{slug}` } }), 400, 'VALIDATION_FAILED')
    const editor = await createUser(app, 'editor')
    assertProblem(t, await app.inject({ method: 'PATCH', url: '/v1/admin/settings', headers: { ...editor.auth, 'if-match': '"v1"' }, payload: { permalinks: { article: '/x/{slug}' } } }), 403, 'FORBIDDEN')
    t.same(await app.testDb.database.db.select().from(siteSettings), before, 'the settings row is untouched')
    t.equal((await app.inject({ method: 'GET', url: `/v1/articles/${STORY}` })).json().data.url, `${SITE}/${STORY}`, 'and URLs are unchanged')
  })

  await t.test('a changed pattern changes every url at once; paths of earlier patterns resolve as redirects', async (t) => {
    const res = await patch(app, admin, { permalinks: { article: '/{section}/{year}/{month}/{slug}', section: '/s/{slug}', tag: '/topics/{slug}', author: '/by/{slug}', page: '/info/{slug}' } })
    t.equal(res.statusCode, 200)
    t.same(res.json().data.permalink_history, { article: ['/{slug}'], section: ['/section/{slug}'], tag: ['/tag/{slug}'], author: ['/author/{slug}'], page: ['/{slug}'] })
    const list = await everyUrl(t, app, {
      article: (a) => `${SITE}/${a.section.slug}/${ymd(a.published_at).join('/')}/${a.slug}`,
      section: (s) => `${SITE}/s/${s}`,
      tag: (s) => `${SITE}/topics/${s}`,
      author: (s) => `${SITE}/by/${s}`,
      page: (s) => `${SITE}/info/${s}`,
    })
    const story = list.find((a) => a.slug === STORY)!
    const resolve = async (path: string) => (await app.inject({ method: 'GET', url: `/v1/resolve?path=${encodeURIComponent(path)}` })).json().data
    t.same(await resolve(`/${STORY}`), { type: 'article', slug: STORY, url: story.url, redirect: true, status: 301 }, 'the old article path')
    t.same(await resolve(new URL(story.url).pathname), { type: 'article', slug: STORY, url: story.url, redirect: false, status: 200 }, 'the new one renders')
    t.same(await resolve('/section/india'), { type: 'section', slug: 'india', url: `${SITE}/s/india`, redirect: true, status: 301 })
    t.same(await resolve('/tag/china'), { type: 'tag', slug: 'china', url: `${SITE}/topics/china`, redirect: true, status: 301 })
    t.same(await resolve('/author/the-defence-times'), { type: 'author', slug: 'the-defence-times', url: `${SITE}/by/the-defence-times`, redirect: true, status: 301 })
    t.same(await resolve('/about-us/'), { type: 'page', slug: 'about-us', url: `${SITE}/info/about-us`, redirect: true, status: 301 })
    const [year, month] = ymd(story.published_at)
    t.same(await resolve(`/europe/${year}/${month}/${STORY}`), { type: 'article', slug: STORY, url: story.url, redirect: true, status: 301 }, 'a wrong section in the path redirects to the canonical one')

    // A third pattern: both earlier ones keep redirecting.
    const again = await patch(app, admin, { permalinks: { article: '/news/{id}' } })
    t.same(again.json().data.permalink_history.article, ['/{section}/{year}/{month}/{slug}', '/{slug}'])
    const current = `${SITE}/news/${story.id}`
    t.equal((await app.inject({ method: 'GET', url: `/v1/articles/${STORY}` })).json().data.url, current)
    t.same(await resolve(`/${STORY}`), { type: 'article', slug: STORY, url: current, redirect: true, status: 301 })
    t.same(await resolve(`/${story.section.slug}/${year}/${month}/${STORY}`), { type: 'article', slug: STORY, url: current, redirect: true, status: 301 })
    t.same(await resolve(`/news/${story.id}`), { type: 'article', slug: STORY, url: current, redirect: false, status: 200 })

    // Back to the default: it leaves the history, the others stay there.
    const back = await patch(app, admin, { permalinks: { article: '/{slug}' } })
    t.same(back.json().data.permalink_history.article, ['/news/{id}', '/{section}/{year}/{month}/{slug}'])
    t.same(await resolve(`/news/${story.id}`), { type: 'article', slug: STORY, url: `${SITE}/${STORY}`, redirect: true, status: 301 })
  })

  await t.test('without site.url, URLs fall back to PUBLIC_URL', async (t) => {
    t.equal((await patch(app, admin, { url: null })).statusCode, 200)
    t.equal((await app.inject({ method: 'GET', url: '/v1/tags/china' })).json().data.url, 'http://api.test/topics/china')
    t.equal((await patch(app, admin, { url: 'https://example.com/news/' })).statusCode, 200)
    t.equal((await app.inject({ method: 'GET', url: '/v1/tags/china' })).json().data.url, 'https://example.com/news/topics/china', 'a base path is kept')
  })
})
