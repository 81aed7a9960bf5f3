import t from 'tap'
import { eq } from 'drizzle-orm'
import { createRedirectRepository } from '../../src/db/repositories/redirects.js'
import { articles, pages, pathAliases, sectionSlugRedirects } from '../../src/db/schema/index.js'
import { assertProblem } from '../helpers/assertions.js'
import { createUser } from '../helpers/auth.js'
import { build, type TestApp } from '../helpers/build.js'

const SITE = 'https://thedefencetimes.example'
const STORY = 'chinas-6th-generation-fighter-jet-takes-first-flight'

const resolve = (app: TestApp, path: string, headers: Record<string, string> = {}) => app.inject({ method: 'GET', url: `/v1/resolve?path=${encodeURIComponent(path)}`, headers })
const data = async (app: TestApp, path: string) => {
  const res = await resolve(app, path)
  return res.statusCode === 200 ? res.json().data : { status: res.statusCode }
}
const render = (type: string, slug: string, url: string) => ({ type, slug, url, redirect: false, status: 200 })
const moved = (type: string, slug: string, url: string) => ({ type, slug, url, redirect: true, status: 301 })

t.test('resolve', async (t) => {
  const app = await build(t, { seed: true })
  const editor = await createUser(app, 'editor', { author: 'the-defence-times' })

  await t.test('a path of each kind renders; query strings, trailing slashes, percent-encoding and own-origin URLs are fine', async (t) => {
    t.same(await data(app, `/${STORY}`), render('article', STORY, `${SITE}/${STORY}`))
    t.same(await data(app, '/section/india'), render('section', 'india', `${SITE}/section/india`))
    t.same(await data(app, '/tag/china'), render('tag', 'china', `${SITE}/tag/china`))
    t.same(await data(app, '/author/the-defence-times'), render('author', 'the-defence-times', `${SITE}/author/the-defence-times`))
    t.same(await data(app, '/about-us'), render('page', 'about-us', `${SITE}/about-us`))
    t.same(await data(app, `/${STORY}/?utm_source=newsletter#comments`), render('article', STORY, `${SITE}/${STORY}`))
    t.same(await data(app, `/%63hinas-6th-generation-fighter-jet-takes-first-flight`), render('article', STORY, `${SITE}/${STORY}`))
    t.same(await data(app, `${SITE}/tag/china?x=1`), render('tag', 'china', `${SITE}/tag/china`))
  })

  await t.test('a page wins over an article with the same path (the defaults share /{slug})', async (t) => {
    const res = await app.inject({ method: 'POST', url: '/v1/admin/articles', headers: editor.auth, payload: { title: 'About Us', slug: 'about-us', section: 'india', status: 'published' } })
    t.equal(res.statusCode, 201)
    t.same(await data(app, '/about-us'), render('page', 'about-us', `${SITE}/about-us`))
    await app.testDb.database.db.update(pages).set({ status: 'draft' }).where(eq(pages.slug, 'about-us'))
    app.services.invalidateCaches()
    t.same(await data(app, '/about-us'), render('article', 'about-us', `${SITE}/about-us`), 'with the page unpublished, the article answers')
    await app.testDb.database.db.update(pages).set({ status: 'published' }).where(eq(pages.slug, 'about-us'))
    app.services.invalidateCaches()
  })

  await t.test('unknown, unpublished and future paths are 404 problems; malformed paths 400', async (t) => {
    for (const path of ['/nothing-here', '/', '/section/atlantis', '/tag/china/extra', '/author']) assertProblem(t, await resolve(app, path), 404, 'NOT_FOUND')
    const draft = (await app.inject({ method: 'POST', url: '/v1/admin/articles', headers: editor.auth, payload: { title: 'Still A Draft', section: 'india' } })).json().data
    assertProblem(t, await resolve(app, `/${draft.slug}`), 404, 'NOT_FOUND')
    await app.testDb.database.db.update(articles).set({ status: 'published', publishedAt: new Date('2099-01-01T00:00:00.000Z') }).where(eq(articles.id, draft.id))
    app.services.invalidateCaches()
    assertProblem(t, await resolve(app, `/${draft.slug}`), 404, 'NOT_FOUND')
    const bad = ['no-slash', '//evil.example/x', 'https://evil.example/tag/china', 'javascript:alert(1)', '/a/../tag/china', '/a/%2e%2E/b', '/tag%2Fchina', '/a%00b', '/a\u0001b', '/%E2%80%AEabc', '/a%zz', '/a//b', '/a\\b', `/${'a'.repeat(2000)}`]
    for (const path of bad) {
      const body = assertProblem(t, await resolve(app, path), 400, 'VALIDATION_FAILED')
      t.match(body.invalid_params, [{ name: 'querystring.path' }], path.slice(0, 30))
    }
    assertProblem(t, await app.inject({ method: 'GET', url: '/v1/resolve' }), 400, 'VALIDATION_FAILED')
    assertProblem(t, await app.inject({ method: 'GET', url: '/v1/resolve?path=/x&extra=1' }), 400, 'VALIDATION_FAILED')
  })

  await t.test('answers are cacheable like other public reads', async (t) => {
    const first = await resolve(app, '/tag/china')
    t.match(first.headers['cache-control'], /^public, /)
    t.match(first.headers['surrogate-key'], /\bresolve\b/)
    t.ok(first.headers.etag)
    const again = await resolve(app, '/tag/china', { 'if-none-match': String(first.headers.etag) })
    t.equal(again.statusCode, 304)
    t.equal(again.headers['x-cache'], 'HIT')
    t.equal((await resolve(app, '/nothing-here')).headers['cache-control'], 'private, no-store', 'a 404 is not kept')
  })

  await t.test('old slugs of every kind redirect: their public GET answers 301, resolve says where', async (t) => {
    const h = editor.auth
    const story = (await app.inject({ method: 'GET', url: `/v1/articles/${STORY}` })).json().data
    const version = (await app.inject({ method: 'GET', url: `/v1/admin/articles/${story.id}`, headers: h })).json().data.version
    t.equal((await app.inject({ method: 'PATCH', url: `/v1/admin/articles/${story.id}`, headers: { ...h, 'if-match': `"v${version}"` }, payload: { slug: 'sixth-gen-jet' } })).statusCode, 200)
    t.same(await data(app, `/${STORY}`), moved('article', 'sixth-gen-jet', `${SITE}/sixth-gen-jet`))

    const renames: [string, string, string, string][] = [
      ['sections', 'india', 'india-news', '/section'],
      ['tags', 'china', 'prc', '/tag'],
      ['authors', 'the-defence-times', 'tdt-desk', '/author'],
    ]
    for (const [collection, from, to, prefix] of renames) {
      const res = await app.inject({ method: 'PATCH', url: `/v1/admin/${collection}/${from}`, headers: { ...h, 'if-match': '*' }, payload: { slug: to } })
      t.equal(res.statusCode, 200, `rename ${collection}`)
      t.equal(res.json().data.url, `${SITE}${prefix}/${to}`)
      const old = await app.inject({ method: 'GET', url: `/v1/${collection}/${from}` })
      t.equal(old.statusCode, 301, `GET /v1/${collection}/${from}`)
      t.equal(old.headers.location, `http://api.test/v1/${collection}/${to}`)
      t.match(old.headers['cache-control'], /^public/)
      t.equal((await app.inject({ method: 'GET', url: `/v1/${collection}/${to}` })).statusCode, 200)
      t.same(await data(app, `${prefix}/${from}`), moved(collection.slice(0, -1), to, `${SITE}${prefix}/${to}`))
      t.same(await data(app, `${prefix}/${to}`), render(collection.slice(0, -1), to, `${SITE}${prefix}/${to}`))
    }
    for (const file of ['rss.xml', 'feed.json']) {
      const feed = await app.inject({ method: 'GET', url: `/v1/feeds/sections/india/${file}` })
      t.equal(feed.statusCode, 301, `the section's ${file} by its old slug`)
      t.equal(feed.headers.location, `http://api.test/v1/feeds/sections/india-news/${file}`)
    }
    const page = (await app.inject({ method: 'GET', url: '/v1/admin/pages', headers: h })).json().data.find((p: { slug: string }) => p.slug === 'contact-us')
    const renamed = await app.inject({ method: 'PATCH', url: `/v1/admin/pages/${page.id}`, headers: { ...h, 'if-match': `"v${page.version}"` }, payload: { slug: 'contact' } })
    t.equal(renamed.statusCode, 200)
    t.equal(renamed.json().data.url, `${SITE}/contact`)
    const old = await app.inject({ method: 'GET', url: '/v1/pages/contact-us' })
    t.equal(old.statusCode, 301)
    t.equal(old.headers.location, 'http://api.test/v1/pages/contact')
    t.same(await data(app, '/contact-us'), moved('page', 'contact', `${SITE}/contact`))
    const site = (await app.inject({ method: 'GET', url: '/v1/site' })).json().data
    t.same(site.footer_links.find((l: { label: string }) => l.label === 'Contact Us'), { label: 'Contact Us', url: `${SITE}/contact`, type: 'page', slug: 'contact' }, 'a footer link follows the page to its new slug')

    // Renamed back: the slug answers again, and the one in between redirects.
    t.equal((await app.inject({ method: 'PATCH', url: '/v1/admin/sections/india-news', headers: { ...h, 'if-match': '*' }, payload: { slug: 'india' } })).statusCode, 200)
    t.equal((await app.inject({ method: 'GET', url: '/v1/sections/india' })).statusCode, 200)
    t.equal((await app.inject({ method: 'GET', url: '/v1/sections/india-news' })).headers.location, 'http://api.test/v1/sections/india')
    const rows = await app.testDb.database.db.select({ slug: sectionSlugRedirects.slug }).from(sectionSlugRedirects)
    t.same(rows.map((r) => r.slug), ['india-news'], 'the current slug is no redirect')
    assertProblem(t, await app.inject({ method: 'GET', url: '/v1/tags/never-existed' }), 404, 'NOT_FOUND')
    assertProblem(t, await app.inject({ method: 'PATCH', url: '/v1/admin/sections/india', headers: { ...h, 'if-match': '*' }, payload: { slug: 'europe' } }), 409, 'SLUG_TAKEN')
    t.same((await app.testDb.database.db.select({ slug: sectionSlugRedirects.slug }).from(sectionSlugRedirects)).map((r) => r.slug), ['india-news'], 'a refused rename leaves no redirect')
    t.equal((await app.inject({ method: 'GET', url: '/v1/sections/india' })).statusCode, 200)
  })

  await t.test('any old path can stand for a resource (path_aliases, as an importer writes them)', async (t) => {
    const db = app.testDb.database.db
    const redirects = createRedirectRepository(db)
    const [article] = await db.select({ id: articles.id }).from(articles).where(eq(articles.slug, 'sixth-gen-jet'))
    await redirects.setAlias('/2022/12/16/chinas-6th-gen-fighter', 'article', article!.id)
    app.services.invalidateCaches()
    t.same(await data(app, '/2022/12/16/chinas-6th-gen-fighter/?p=123'), moved('article', 'sixth-gen-jet', `${SITE}/sixth-gen-jet`))
    t.equal((await db.select().from(pathAliases)).length, 1)
    await t.rejects(db.insert(pathAliases).values({ path: '/no-target' }), 'an alias names exactly one resource')
    await t.rejects(db.insert(pathAliases).values({ path: 'relative', articleId: article!.id }), 'an alias is a path')
    await app.inject({ method: 'DELETE', url: `/v1/admin/articles/${article!.id}`, headers: { ...editor.auth, 'if-match': '*' } })
    t.same(await db.select().from(pathAliases), [], 'deleting the resource deletes its aliases')
    assertProblem(t, await resolve(app, '/2022/12/16/chinas-6th-gen-fighter'), 404, 'NOT_FOUND')
  })
})
