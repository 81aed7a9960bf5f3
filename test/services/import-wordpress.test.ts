import t from 'tap'
import { count, eq } from 'drizzle-orm'
import path from 'node:path'
import { articles, authors, comments, importItems, media, pages, sections, tags, users } from '../../src/db/schema/index.js'
import { XmlFileError } from '../../src/lib/xml-records.js'
import { createUser } from '../helpers/auth.js'
import { build, type TestApp } from '../helpers/build.js'
import { actorOf, FIXTURES, fixtureFile, opener, startUploadsServer } from '../helpers/wordpress.js'

/** Rows per table the import writes: a dry run and a re-run must leave every one as it was. */
async function rowCounts(app: TestApp) {
  const db = app.database.db
  const n = async (table: typeof articles | typeof comments | typeof media | typeof tags | typeof sections | typeof authors | typeof pages | typeof importItems | typeof users) => (await db.select({ n: count() }).from(table))[0]!.n
  return { articles: await n(articles), comments: await n(comments), media: await n(media), tags: await n(tags), sections: await n(sections), authors: await n(authors), pages: await n(pages), importItems: await n(importItems) }
}

t.test('WordPress import', async (t) => {
  const uploads = await startUploadsServer()
  t.teardown(uploads.close)
  const app = await build(t, { env: { MEDIA_FETCH_ALLOW_PRIVATE: 'true', PUBLIC_URL: 'https://news.example' } })
  const admin = await createUser(app, 'admin')
  const file = fixtureFile('newsroom.wxr.xml', uploads.origin)
  const run = (options: { dryRun?: boolean; file?: string } = {}) =>
    app.services.imports.run({ source: 'wordpress', open: opener(options.file ?? file), actor: actorOf(admin), dryRun: options.dryRun ?? false })
  const empty = await rowCounts(app)

  await t.test('a dry run reports what would be created and writes nothing', async (t) => {
    const report = await run({ dryRun: true })
    t.match(report.counts, {
      author: { created: 2 },
      section: { created: 3 },
      article: { created: 4, skipped: 0 },
      page: { created: 1 },
      comment: { created: 4 },
      media: { created: 3 },
    })
    t.same(await rowCounts(app), empty, 'no row written')
    t.same(uploads.requests, [], 'no image fetched')
  })

  const report = await run()
  await t.test('the first run creates every item and reports what it could not bring', async (t) => {
    t.match(report.counts, {
      author: { created: 2, failed: 0 },
      section: { created: 3 },
      tag: { created: 3 },
      article: { created: 4, failed: 0 },
      page: { created: 1 },
      comment: { created: 4, skipped: 1 },
      media: { created: 2, failed: 1 },
    })
    const messages = report.warnings.map((w) => `${w.item}: ${w.message}`)
    t.ok(messages.some((m) => m.startsWith('post:30: the shortcode [pullquote]')), 'unknown shortcode reported')
    t.ok(messages.some((m) => m.startsWith('post:30: image') && m.includes('/missing/gone.png') && m.includes('404')), 'unreachable image reported')
    t.ok(messages.some((m) => m.startsWith('post:40') || m.includes('nav_menu_item')) === false, 'a menu item is skipped silently')
  })

  await t.test('the imported article reads in the public API like a native one', async (t) => {
    const res = await app.inject({ method: 'GET', url: '/v1/articles/pacific-freight-rates' })
    t.equal(res.statusCode, 200)
    const article = res.json().data
    t.match(article, {
      slug: 'pacific-freight-rates',
      title: 'Pacific freight rates fall for a third month',
      excerpt: 'Spot rates fell again as new ships arrive.',
      published_at: '2026-04-30T06:30:00.000Z',
      section: { slug: 'asia-pacific', name: 'Asia-Pacific' },
      author: { slug: 'mei-tanaka', name: 'Mei Tanaka' },
      comment_count: 2,
      featured_image: { alt: 'Three container cranes against a pink sky' },
    })
    t.same(article.tags.map((tag: { slug: string }) => tag.slug).sort(), ['ports', 'shipping'], 'the second category became a tag')
    const body: string = article.body_html ?? article.body
    t.match(body, /<figure><img[^>]+srcset="[^"]+"[^>]*><figcaption>A pilot boat meets the Ocean Grace off the heads\.<\/figcaption><\/figure>/, '[caption] → figure + figcaption, the image from the media library')
    t.match(body, /\[pullquote\]Capacity is back\[\/pullquote\]/, 'unknown shortcode kept as text')
    t.notMatch(body, /<!--|wp:paragraph/, 'block comments stripped')
    t.notMatch(body, /<script|onclick|javascript:|document\.cookie/, 'scripts and handlers sanitised away')
    t.notMatch(body, new RegExp(uploads.origin.replace(/[.:/]/g, '\\$&') + '/wp-content'), 'no body image left on the old site')
    t.match(body, /\/missing\/gone\.png/, 'an image that could not be fetched keeps its old URL')
  })

  await t.test('an imported article has the shape of one written here', async (t) => {
    const native = await app.services.articles.create(actorOf(admin), { title: 'Written here', section: 'asia-pacific', author: 'mei-tanaka', body: 'Body **text**.', tags: ['ports'], status: 'published' })
    const shape = (value: unknown): unknown =>
      Array.isArray(value) ? value.slice(0, 1).map(shape) : value && typeof value === 'object' ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shape(v)]).sort()) : value === null ? null : typeof value
    const imported = (await app.inject({ method: 'GET', url: '/v1/articles/pacific-freight-rates' })).json().data
    const written = (await app.inject({ method: 'GET', url: `/v1/articles/${native.slug}` })).json().data
    // Only the featured image (and the og:image and JSON-LD images made from it) differ: the native one has none.
    const { featured_image: _a, seo: seoA, ...importedRest } = imported
    const { featured_image: _b, seo: seoB, ...writtenRest } = written
    const withoutImages = (rest: { structured_data: Record<string, unknown> }) => ({ ...rest, structured_data: { ...rest.structured_data, image: [] } })
    t.same(shape(withoutImages(importedRest)), shape(withoutImages(writtenRest)))
    t.same(Object.keys(seoA).sort(), Object.keys(seoB).sort())
    const list = (await app.inject({ method: 'GET', url: '/v1/articles?section=asia-pacific' })).json().data.map((a: { slug: string }) => a.slug)
    t.same(list, [native.slug, 'pacific-freight-rates'], 'both listed in the section, newest first')
    await app.services.articles.delete(actorOf(admin), native.id, { version: '*', via: 'if-match' })
  })

  await t.test('statuses, dates, pages and authors are mapped', async (t) => {
    const db = app.database.db
    const bySlug = async (slug: string) => (await db.select().from(articles).where(eq(articles.slug, slug)))[0]!
    t.match(await bySlug('storm-season-outlook'), { status: 'scheduled', commentsOpen: false })
    t.equal((await bySlug('storm-season-outlook')).publishedAt?.toISOString(), '2030-01-10T09:00:00.000Z')
    t.match(await bySlug('notes-for-the-ferry-timetable-story'), { status: 'draft', publishedAt: null }, 'a draft without a slug takes one from its title')
    t.match(await bySlug('dredging-contract'), { status: 'in_review' }, 'pending → in_review')
    const storm = await bySlug('storm-season-outlook')
    t.match(storm.bodyHtml, /^<p>Forecasters expect an active season\.<\/p>\n<p>Ports are preparing<br \/>\s*their moorings\.<\/p>/, 'classic text gets paragraphs and line breaks')
    t.match(storm.bodyHtml, /<a href="https:\/\/www\.youtube\.com\/watch\?v=dQw4w9WgXcQ">/, 'a bare URL stays a link')
    t.match(storm.bodyHtml, /<a href="https:\/\/bom\.example\/outlook">/, '[embed] becomes a link')
    const page = await app.inject({ method: 'GET', url: '/v1/pages/about' })
    t.equal(page.statusCode, 200)
    t.match(page.json().data, { slug: 'about', title: 'About the Ledger' })
    const names = (await db.select({ slug: authors.slug, name: authors.name }).from(authors)).map((a) => `${a.slug}=${a.name}`).sort()
    t.same(names, ['mei-tanaka=Mei Tanaka', 'owen=Owen Pryce'])
    t.equal((await rowCounts(app)).importItems > 0, true)
    t.equal((await db.select({ n: count() }).from(users))[0]!.n, 1, 'authors get no login accounts')
  })

  await t.test('comments keep their thread, status, author details and dates', async (t) => {
    const rows = await app.database.db.select().from(comments).orderBy(comments.createdAt)
    t.same(
      rows.map((c) => [c.authorName, c.status, c.depth]),
      [
        ['Ruth Ng', 'approved', 0],
        ['Mei Tanaka', 'approved', 1],
        ['Cheap Pills', 'spam', 0],
        ['First Timer', 'pending', 1],
      ],
    )
    const [ruth, mei, , held] = rows
    t.equal(mei!.parentId, ruth!.id)
    t.equal(held!.parentId, ruth!.id)
    t.match(ruth, { authorEmail: 'ruth.ng@example.com', authorWebsite: 'https://ruth.example', ip: '203.0.113.7', body: 'Good news for importers, bad for the shipping lines.\nWill it last?' })
    t.equal(ruth!.createdAt.toISOString(), '2026-04-30T09:00:00.000Z')
    const thread = await app.inject({ method: 'GET', url: '/v1/articles/pacific-freight-rates/comments' })
    t.equal(thread.statusCode, 200)
    t.equal(JSON.stringify(thread.json()).includes('Cheap Pills'), false, 'spam is not public')
  })

  await t.test('the old permalink resolves to the new URL with a 301', async (t) => {
    const res = await app.inject({ method: 'GET', url: `/v1/resolve?path=${encodeURIComponent('/2026/04/30/pacific-freight-rates/')}` })
    t.equal(res.statusCode, 200)
    t.match(res.json().data, { type: 'article', slug: 'pacific-freight-rates', redirect: true, status: 301, url: 'https://news.example/pacific-freight-rates' })
    const category = await app.inject({ method: 'GET', url: `/v1/resolve?path=${encodeURIComponent('/category/asia-pacific/')}` })
    t.match(category.json().data, { type: 'section', slug: 'asia-pacific', status: 301 })
    const hidden = await app.inject({ method: 'GET', url: `/v1/resolve?path=${encodeURIComponent('/2026/05/storm-season-outlook/')}` })
    t.equal(hidden.statusCode, 404, 'a scheduled article is not revealed before its time')
  })

  await t.test('running the same import again changes nothing', async (t) => {
    const before = await rowCounts(app)
    const fetched = uploads.requests.length
    const again = await run()
    t.same(await rowCounts(app), before)
    for (const [kind, c] of Object.entries(again.counts)) {
      t.equal(c.created + c.updated, 0, `${kind}: nothing created or updated`)
    }
    t.match(again.counts, { article: { skipped: 4 }, comment: { skipped: 5 } })
    t.equal(uploads.requests.length - fetched, 1, 'only the image that failed is tried again')
  })

  await t.test('an item changed in the source is updated, with a revision; a new comment is added', async (t) => {
    const { readFileSync, writeFileSync } = await import('node:fs')
    const changed = path.join(path.dirname(file), 'changed.xml')
    const reply = `<wp:comment><wp:comment_id>106</wp:comment_id><wp:comment_author>Late Reader</wp:comment_author><wp:comment_author_email>late@example.com</wp:comment_author_email><wp:comment_date_gmt>2026-05-03 08:00:00</wp:comment_date_gmt><wp:comment_content>Still true a week later.</wp:comment_content><wp:comment_approved>1</wp:comment_approved><wp:comment_parent>102</wp:comment_parent></wp:comment>`
    writeFileSync(
      changed,
      readFileSync(file, 'utf8')
        .replace('<title><![CDATA[Storm season outlook]]></title>', '<title><![CDATA[Storm season outlook, revised]]></title>')
        .replace('<wp:comment_parent>101</wp:comment_parent>\n\t\t</wp:comment>\n\t\t<wp:comment>\n\t\t\t<wp:comment_id>105</wp:comment_id>', `<wp:comment_parent>101</wp:comment_parent>\n\t\t</wp:comment>${reply}\n\t\t<wp:comment>\n\t\t\t<wp:comment_id>105</wp:comment_id>`),
    )
    const report = await run({ file: changed })
    t.match(report.counts, { article: { updated: 1, skipped: 3, created: 0 }, comment: { created: 1, skipped: 5 } })
    const [storm] = await app.database.db.select().from(articles).where(eq(articles.slug, 'storm-season-outlook'))
    t.match(storm, { title: 'Storm season outlook, revised', version: 2 })
    const [late] = await app.database.db.select().from(comments).where(eq(comments.authorName, 'Late Reader'))
    t.match(late, { depth: 2, status: 'approved' }, 'threaded under the comment it answers, imported the first time')
    const thread = await app.inject({ method: 'GET', url: '/v1/articles/pacific-freight-rates' })
    t.equal(thread.json().data.comment_count, 3)
  })

  await t.test('hostile files are refused with a clear message, and nothing is written', async (t) => {
    const before = await rowCounts(app)
    const cases: [string, RegExp][] = [
      ['billion-laughs.xml', /document type declaration/],
      ['xxe.xml', /document type declaration/],
      ['undeclared-entity.xml', /not well-formed XML.*entity/i],
      ['invalid-utf8.xml', /not valid UTF-8/],
    ]
    for (const [name, message] of cases) {
      const error = await run({ file: path.join(FIXTURES, name) }).then(
        () => null,
        (e: unknown) => e,
      )
      t.ok(error instanceof XmlFileError, `${name} refused`)
      t.match((error as Error).message, message, name)
    }
    t.same(await rowCounts(app), before)
  })
})
