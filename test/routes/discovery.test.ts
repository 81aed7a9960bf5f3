import t from 'tap'
import { XMLValidator } from 'fast-xml-parser'
import { assertProblem } from '../helpers/assertions.js'
import { createUser } from '../helpers/auth.js'
import { build } from '../helpers/build.js'
import { createArticle, createAuthor, createSection, createTag } from '../helpers/factories.js'

type Hit = { slug: string; title: string; section: { slug: string }; score: number; highlight: { title: string; snippet: string } }

t.test('search: "taiwan" finds the China/Taiwan posts, ranked, highlighted, with section facets', async (t) => {
  const app = await build(t, { seed: true })
  const res = await app.inject({ method: 'GET', url: '/v1/search?q=taiwan' })
  t.equal(res.statusCode, 200)
  t.match(res.headers.etag, /^"/)
  const body = res.json() as { data: Hit[]; meta: Record<string, unknown> }
  t.match(body.meta, { query: 'taiwan', match: 'web', total: body.data.length, page: 1, next_cursor: null })
  t.ok(body.data.length >= 3)
  t.equal(body.data[0]!.slug, 'no-one-can-ever-stop-chinas-reunification-with-taiwan-xi-jinping', 'the title match ranks first')
  t.same(body.data.map((h) => h.score), [...body.data.map((h) => h.score)].sort((a, b) => b - a), 'ordered by score')
  t.equal(body.data[0]!.highlight.title, 'No One Can Ever Stop China&#39;s Reunification With <mark>Taiwan</mark>: Xi Jinping')
  for (const hit of body.data) {
    t.match(hit.highlight.snippet, /<mark>Taiwan<\/mark>/i, `${hit.slug} has a highlighted snippet`)
    t.notMatch(hit.highlight.snippet.replace(/<\/?mark>/g, ''), /[<>]/, 'no other tag')
  }
  t.same(body.meta.facets, { sections: [{ slug: 'asia-pacific', name: 'Asia-Pacific', count: body.data.length }] })
})

t.test('search: stemming, phrases, exclusion, or, filters, prefix and typo fallbacks', async (t) => {
  const app = await build(t, { seed: true })
  const search = async (query: string) => {
    const res = await app.inject({ method: 'GET', url: `/v1/search?${query}` })
    t.equal(res.statusCode, 200, query)
    return res.json() as { data: Hit[]; meta: { total: number; match: string; facets: { sections: { slug: string; count: number }[] } } }
  }
  const missiles = await search('q=missiles')
  t.ok(missiles.data.some((h) => h.title.includes('Missile System')), '"missiles" finds "Missile"')
  t.ok(missiles.meta.facets.sections.length >= 2)
  const phrase = await search(`q=${encodeURIComponent('"aircraft carrier"')}`)
  t.ok(phrase.data.length >= 1 && phrase.data.every((h) => /carrier/i.test(h.highlight.snippet + h.highlight.title)))
  const both = await search('q=china')
  const without = await search(`q=${encodeURIComponent('china -taiwan')}`)
  t.ok(without.meta.total < both.meta.total, '-taiwan excludes')
  t.notOk(without.data.some((h) => /taiwan/i.test(h.title)))
  const either = await search(`q=${encodeURIComponent('rafale or gazprom')}`)
  t.equal(either.meta.total, 2)
  const filtered = await search('q=missile&section=india')
  t.ok(filtered.data.every((h) => h.section.slug === 'india'))
  t.ok(filtered.meta.facets.sections.length >= 2, 'facets ignore the section filter')
  const prefix = await search('q=refurbis')
  t.equal(prefix.meta.match, 'prefix')
  t.ok(prefix.data.some((h) => h.title.includes('Refurbishes')))
  const typo = await search('q=taiwn')
  t.equal(typo.meta.match, 'fuzzy')
  t.ok(typo.data.some((h) => h.title.includes('Taiwan')))
  const stop = await search('q=the')
  t.equal(stop.meta.total, 0, 'only stop words: nothing, no fallback')
  const xss = await search(`q=${encodeURIComponent('taiwan or <script>alert(1)</script>')}`)
  t.ok(xss.data.length > 0)
  for (const hit of xss.data) t.notMatch(hit.highlight.title + hit.highlight.snippet, /<script/, 'highlights never carry markup from the query')
})

t.test('search pagination: pages and relevance cursors visit every hit once', async (t) => {
  const app = await build(t)
  const db = app.database.db
  const section = await createSection(db)
  const author = await createAuthor(db)
  for (let i = 0; i < 23; i++) {
    await createArticle(db, { sectionId: section.id, authorId: author.id, title: `Drone report ${i}`, body: `drone ${'drone '.repeat(i % 5)} swarm tests`, publishedAt: new Date(Date.UTC(2025, 0, 1 + i)) })
  }
  const byPage: string[] = []
  for (let page = 1; page <= 3; page++) {
    const body = (await app.inject({ method: 'GET', url: `/v1/search?q=drone&limit=10&page=${page}` })).json()
    t.match(body.meta, { total: 23, pages: 3, page })
    byPage.push(...body.data.map((h: Hit) => h.slug))
  }
  t.equal(new Set(byPage).size, 23)
  const byCursor: string[] = []
  let cursor: string | null = null
  do {
    const res: { json(): { data: Hit[]; meta: { next_cursor: string | null } } } = await app.inject({ method: 'GET', url: `/v1/search?q=drone&limit=7${cursor ? `&cursor=${cursor}` : ''}` })
    const body = res.json()
    byCursor.push(...body.data.map((h: Hit) => h.slug))
    cursor = body.meta.next_cursor
  } while (cursor)
  t.same(byCursor, byPage, 'cursor order = page order')
  const newest = (await app.inject({ method: 'GET', url: '/v1/search?q=drone&sort=-published_at&limit=3' })).json()
  t.equal(newest.data.length, 3)
  t.ok(newest.data[0].published_at > newest.data[1].published_at)
  const relevanceCursor = (await app.inject({ method: 'GET', url: '/v1/search?q=drone&limit=3' })).json().meta.next_cursor
  assertProblem(t, await app.inject({ method: 'GET', url: `/v1/search?q=drone&sort=-published_at&cursor=${relevanceCursor}` }), 400, 'BAD_CURSOR')
  const next = await app.inject({ method: 'GET', url: `/v1/search?q=drone&sort=-published_at&limit=3&cursor=${newest.meta.next_cursor}` })
  t.ok(next.json().data[0].published_at < newest.data[2].published_at, 'newest-first cursor continues')
})

t.test('search: bad input is a 400 naming q', async (t) => {
  const app = await build(t)
  for (const url of ['/v1/search', '/v1/search?q=', `/v1/search?q=${'a'.repeat(201)}`, '/v1/search?q=%20%20', '/v1/search?q=x&cursor=zzz', '/v1/search?q=x&page=2&cursor=abc', '/v1/search?q=x&sort=best']) {
    const res = await app.inject({ method: 'GET', url })
    t.equal(res.statusCode, 400, url)
    t.match(res.headers['content-type'], /problem\+json/)
  }
})

t.test('/v1/articles?q= filters by text; sort=relevance ranks', async (t) => {
  const app = await build(t, { seed: true })
  const newest = (await app.inject({ method: 'GET', url: '/v1/articles?q=taiwan' })).json()
  const ranked = (await app.inject({ method: 'GET', url: '/v1/articles?q=taiwan&sort=relevance' })).json()
  t.equal(newest.meta.total, ranked.meta.total)
  t.ok(newest.data[0].published_at >= newest.data[1].published_at)
  t.equal(ranked.data[0].slug, 'no-one-can-ever-stop-chinas-reunification-with-taiwan-xi-jinping')
  assertProblem(t, await app.inject({ method: 'GET', url: '/v1/articles?sort=relevance' }), 400, 'VALIDATION_FAILED')
})

t.test('related posts: Asia-Pacific China posts first, explained; never itself or unpublished; always limit items', async (t) => {
  const app = await build(t, { seed: true })
  const res = await app.inject({ method: 'GET', url: '/v1/articles/china-working-on-resumption-of-dialogue-with-us-report/related?explain=true' })
  t.equal(res.statusCode, 200)
  const { data, meta } = res.json()
  t.same(meta, { limit: 6, article: 'china-working-on-resumption-of-dialogue-with-us-report' })
  t.equal(data.length, 6)
  t.notOk(data.some((a: { slug: string }) => a.slug === 'china-working-on-resumption-of-dialogue-with-us-report'))
  const firstFive = data.slice(0, 5)
  t.ok(firstFive.every((a: { section: { slug: string }; tags: { slug: string }[] }) => a.section.slug === 'asia-pacific' && a.tags.some((tag) => tag.slug === 'china')), 'Asia-Pacific China posts first')
  t.equal(data[0].slug, 'no-one-can-ever-stop-chinas-reunification-with-taiwan-xi-jinping')
  for (const item of data) {
    t.match(item.explain, { pinned: false, total: Number, tags: Number, text: Number, section: Number, recency: Number, shared_tags: Array })
    t.ok(Math.abs(item.explain.total - (0.45 * item.explain.tags + 0.3 * item.explain.text + 0.15 * item.explain.section + 0.1 * item.explain.recency)) < 0.001)
  }
  t.same(data.map((a: { explain: { total: number } }) => a.explain.total), [...data.map((a: { explain: { total: number } }) => a.explain.total)].sort((a, b) => b - a))
  const plain = (await app.inject({ method: 'GET', url: '/v1/articles/china-working-on-resumption-of-dialogue-with-us-report/related?limit=17' })).json().data
  t.equal(plain.length, 17, 'filled up to limit from section and latest')
  t.notOk('explain' in plain[0])
  const all = (await app.inject({ method: 'GET', url: '/v1/articles/china-working-on-resumption-of-dialogue-with-us-report/related?limit=24' })).json().data
  t.equal(all.length, 17, 'every other public article, no more')
  assertProblem(t, await app.inject({ method: 'GET', url: '/v1/articles/nope/related' }), 404, 'NOT_FOUND')
  assertProblem(t, await app.inject({ method: 'GET', url: '/v1/articles/nope/related?limit=0' }), 400, 'VALIDATION_FAILED')
})

t.test('related posts: editor pins come first; drafts and future posts never appear', async (t) => {
  const app = await build(t, { seed: true })
  const editor = await createUser(app, 'editor', { author: 'the-defence-times' })
  const source = (await app.inject({ method: 'GET', url: '/v1/articles/china-working-on-resumption-of-dialogue-with-us-report' })).json().data
  const gas = (await app.inject({ method: 'GET', url: '/v1/articles/russias-gazprom-halts-gas-transit-through-ukraine-as-transit-deal-expires' })).json().data
  const draft = (await app.inject({ method: 'POST', url: '/v1/admin/articles', headers: editor.auth, payload: { title: 'China US Taiwan Dialogue Draft', section: 'asia-pacific', tags: ['china', 'taiwan', 'united-states', 'diplomacy'] } })).json().data
  const future = (await app.inject({
    method: 'POST',
    url: '/v1/admin/articles',
    headers: editor.auth,
    payload: { title: 'China US Taiwan Dialogue Later', section: 'asia-pacific', tags: ['china', 'taiwan', 'united-states', 'diplomacy'], status: 'scheduled', published_at: '2099-01-01T00:00:00Z' },
  })).json().data
  const pin = await app.inject({ method: 'PATCH', url: `/v1/admin/articles/${source.id}`, headers: { ...editor.auth, 'if-match': '"v1"' }, payload: { related_article_ids: [gas.id, draft.id] } })
  t.equal(pin.statusCode, 200)
  const data = (await app.inject({ method: 'GET', url: `/v1/articles/${source.slug}/related?explain=true&limit=24` })).json().data
  t.equal(data[0].slug, gas.slug, 'the pin comes first')
  t.equal(data[0].explain.pinned, true)
  t.notOk(data.some((a: { id: string }) => a.id === draft.id || a.id === future.id), 'unpublished pins and candidates are left out')
})

t.test('latest: exclude the article being read; sections with their newest articles', async (t) => {
  const app = await build(t, { seed: true })
  const res = await app.inject({ method: 'GET', url: '/v1/sections?include=latest&latest_limit=2' })
  t.equal(res.statusCode, 200)
  const sections = res.json().data
  t.equal(sections.length, 7)
  for (const section of sections) {
    t.ok(section.latest.length <= 2 && section.latest.length === Math.min(2, section.article_count), section.slug)
    t.ok(section.latest.every((a: { section: { slug: string } }) => a.section.slug === section.slug))
  }
  t.same(sections[2].latest.map((a: { published_at: string }) => a.published_at), ['2025-06-06T11:15:00.000Z', '2025-06-06T08:40:00.000Z'])
  t.notOk('latest' in (await app.inject({ method: 'GET', url: '/v1/sections' })).json().data[0])
})

t.test('feeds: RSS 2.0 and JSON Feed, site and section; valid XML with escaped content; conditional GETs', async (t) => {
  const app = await build(t, { seed: true })
  const db = app.database.db
  const section = await createSection(db, { slug: 'tricky', name: 'Tricky <&> "Section"' })
  const author = await createAuthor(db, { name: 'A & B' })
  const tag = await createTag(db, { name: 'R&D <tag>' })
  await createArticle(db, { sectionId: section.id, authorId: author.id, title: 'Ampersands & <angle> "quotes" ]]> and \u0001control', body: 'Body with <b>html</b> & entities ]]>', tagIds: [tag.id], publishedAt: new Date('2026-01-01T00:00:00.000Z') })

  const rss = await app.inject({ method: 'GET', url: '/v1/feeds/rss.xml' })
  t.equal(rss.statusCode, 200)
  t.match(rss.headers['content-type'], /^application\/rss\+xml/)
  t.equal(XMLValidator.validate(rss.body), true, 'well-formed XML')
  t.match(rss.body, /<rss version="2.0"/)
  t.match(rss.body, /<atom:link href="http:\/\/api\.test\/v1\/feeds\/rss\.xml" rel="self"/)
  t.match(rss.body, /<title>Ampersands &amp; &lt;angle&gt; &quot;quotes&quot; \]\]&gt; and control<\/title>/)
  t.match(rss.body, /<link>https:\/\/thedefencetimes\.example\/[a-z0-9-]+<\/link>/)
  t.equal((rss.body.match(/<item>/g) ?? []).length, 19, '18 seeded + 1')
  t.equal(rss.headers['last-modified'], undefined, 'validated by ETag: no one date moves with all a feed shows')
  const byEtag = await app.inject({ method: 'GET', url: '/v1/feeds/rss.xml', headers: { 'if-none-match': String(rss.headers.etag) } })
  t.equal(byEtag.statusCode, 304)

  const sectionRss = await app.inject({ method: 'GET', url: '/v1/feeds/sections/india/rss.xml?limit=2' })
  t.equal(XMLValidator.validate(sectionRss.body), true)
  t.equal((sectionRss.body.match(/<item>/g) ?? []).length, 2)
  t.match(sectionRss.body, /<title>The Defence Times — India<\/title>/)
  assertProblem(t, await app.inject({ method: 'GET', url: '/v1/feeds/sections/atlantis/rss.xml' }), 404, 'NOT_FOUND')

  const json = await app.inject({ method: 'GET', url: '/v1/feeds/sections/india/feed.json' })
  t.match(json.headers['content-type'], /^application\/feed\+json/)
  const feed = json.json()
  t.equal(feed.version, 'https://jsonfeed.org/version/1.1')
  t.equal(feed.feed_url, 'http://api.test/v1/feeds/sections/india/feed.json')
  t.equal(feed.items.length, 3)
  t.match(feed.items[0], { id: String, url: /^https:\/\/thedefencetimes\.example\//, content_html: /^<p>/, date_published: String, authors: [{ name: 'The Defence Times' }] })
})

t.test('sitemaps: every public article exactly once, with sections, author pages and pages', async (t) => {
  const app = await build(t, { seed: true })
  const editor = await createUser(app, 'editor', { author: 'the-defence-times' })
  await createAuthor(app.database.db, { slug: 'no-articles-yet' })
  await app.inject({ method: 'POST', url: '/v1/admin/articles', headers: editor.auth, payload: { title: 'Unpublished Draft', section: 'india' } })
  const index = await app.inject({ method: 'GET', url: '/sitemap.xml' })
  t.equal(index.statusCode, 200)
  t.equal(XMLValidator.validate(index.body), true)
  t.same([...index.body.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1]!), ['http://api.test/sitemaps/pages.xml', 'http://api.test/sitemaps/articles-1.xml', 'http://api.test/sitemap-news.xml'])
  const locs: string[] = []
  for (const part of ['/sitemaps/pages.xml', '/sitemaps/articles-1.xml']) {
    const xml = await app.inject({ method: 'GET', url: part })
    t.equal(XMLValidator.validate(xml.body), true)
    locs.push(...[...xml.body.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1]!))
  }
  t.equal(locs.length, new Set(locs).size, 'no duplicates')
  t.equal(locs.length, 1 + 7 + 2 + 5 + 18, 'home, sections, author pages, pages, articles')
  t.notOk(locs.some((l) => l.includes('unpublished-draft')))
  t.ok(locs.includes('https://thedefencetimes.example/author/the-defence-times'), 'the first author’s page')
  t.ok(locs.includes('https://thedefencetimes.example/author/meera-kapoor'), 'a co-author’s page (her only article is co-authored)')
  t.notOk(locs.some((l) => l.includes('no-articles-yet')), 'an author without a public article is left out')
  t.ok(locs.includes('https://thedefencetimes.example/section/india'))

  const seen: string[] = []
  let cursor: string | null = null
  do {
    const body: { data: { sections: unknown[]; authors: { slug: string }[]; pages: unknown[]; articles: { slug: string }[] }; meta: { next_cursor: string | null } } = (
      await app.inject({ method: 'GET', url: `/v1/sitemap?limit=5${cursor ? `&cursor=${cursor}` : ''}` })
    ).json()
    t.equal(body.data.sections.length, 7)
    t.same(body.data.authors.map((a) => a.slug), ['meera-kapoor', 'the-defence-times'])
    t.equal(body.data.pages.length, 5)
    seen.push(...body.data.articles.map((a: { slug: string }) => a.slug))
    cursor = body.meta.next_cursor
  } while (cursor)
  t.equal(seen.length, 18)
  t.equal(new Set(seen).size, 18, 'each public article exactly once')
  assertProblem(t, await app.inject({ method: 'GET', url: '/sitemaps/articles-2.xml' }), 404, 'NOT_FOUND')
  assertProblem(t, await app.inject({ method: 'GET', url: '/sitemaps/../etc/passwd' }), 404, 'ROUTE_NOT_FOUND')
  t.equal((await app.inject({ method: 'GET', url: '/sitemaps/pages.xml' })).statusCode, 200)
})

t.test('relevance pages: ranked title matches first, then body-only ones newest first — across the page where one gives way to the other, by page and by cursor', async (t) => {
  const app = await build(t)
  const db = app.database.db
  const section = await createSection(db)
  const author = await createAuthor(db)
  // 12 title matches and 15 body-only matches, interleaved in time: with 5 a page, pages 1–2 come
  // from the ranked window alone (the body matches are then not read), page 3 holds the last two
  // ranked hits and the three newest body-only ones, pages 4–6 the rest.
  const titled: string[] = []
  const bodyOnly: string[] = []
  for (let i = 0; i < 27; i++) {
    const inTitle = i % 9 < 3 || i >= 24
    const slug = `${inTitle ? 'titled' : 'body'}-${String(i).padStart(2, '0')}`
    await createArticle(db, {
      sectionId: section.id,
      authorId: author.id,
      slug,
      title: inTitle ? `Frigate trials ${i}` : `Harbour notes ${i}`,
      excerpt: 'Weekly round-up.',
      body: inTitle ? 'Sea trials went well.' : 'A frigate was seen at sea.',
      publishedAt: new Date(Date.UTC(2025, 0, 1 + i)),
    })
    ;(inTitle ? titled : bodyOnly).unshift(slug)
  }
  t.equal(titled.length, 12)
  const expected = [...titled, ...bodyOnly]
  const byPage: Hit[] = []
  for (let page = 1; page <= 6; page++) {
    const body = (await app.inject({ method: 'GET', url: `/v1/search?q=frigate&limit=5&page=${page}` })).json()
    t.match(body.meta, { total: 27, pages: 6, page })
    byPage.push(...body.data)
  }
  t.same(byPage.map((h) => h.slug), expected, 'every title match (equal rank: newest first), then every body-only match newest first')
  t.ok(byPage.slice(0, 12).every((h) => h.score > 0) && byPage.slice(12).every((h) => h.score === 0), 'ranked, then rank 0')
  const byCursor: string[] = []
  let cursor: string | null = null
  do {
    const res: { json(): { data: Hit[]; meta: { next_cursor: string | null } } } = await app.inject({ method: 'GET', url: `/v1/search?q=frigate&limit=4${cursor ? `&cursor=${cursor}` : ''}` })
    const body = res.json()
    byCursor.push(...body.data.map((h) => h.slug))
    cursor = body.meta.next_cursor
  } while (cursor)
  t.same(byCursor, expected, 'cursor pages of another size: the same order, each hit once')
})

t.test('relevance: a title match outranks an excerpt match, which outranks a body-only match (newer first among equals)', async (t) => {
  const app = await build(t)
  const db = app.database.db
  const section = await createSection(db)
  const author = await createAuthor(db)
  const make = (slug: string, title: string, excerpt: string, body: string, day: number) =>
    createArticle(db, { sectionId: section.id, authorId: author.id, slug, title, excerpt, body, publishedAt: new Date(Date.UTC(2025, 0, day)) })
  await make('body-old', 'Harbour report', 'Ships in port.', 'A corvette was seen.', 1)
  await make('body-new', 'Harbour news', 'More ships.', 'Another corvette arrived.', 9)
  await make('excerpt', 'Naval notes', 'The corvette programme advances.', 'Details follow.', 2)
  await make('title', 'Corvette launched', 'A ship.', 'Details follow.', 3)
  const hits = (await app.inject({ method: 'GET', url: '/v1/search?q=corvette' })).json().data as Hit[]
  t.same(hits.map((h) => h.slug), ['title', 'excerpt', 'body-new', 'body-old'])
  t.ok(hits[0]!.score > hits[1]!.score && hits[1]!.score > 0)
  t.equal(hits[2]!.score, 0)
  t.match(hits[1]!.highlight.snippet, /The <mark>corvette<\/mark> programme/, 'the excerpt is the snippet when it holds the match')
  t.match(hits[2]!.highlight.snippet, /<mark>corvette<\/mark>/)
})

t.test('typo correction suggests the searched query', async (t) => {
  const app = await build(t, { seed: true })
  const body = (await app.inject({ method: 'GET', url: '/v1/search?q=missle' })).json()
  t.match(body.meta, { match: 'fuzzy', suggestion: 'missile', query: 'missle' })
  t.ok(body.data.length > 0)
  t.equal((await app.inject({ method: 'GET', url: '/v1/search?q=missile' })).json().meta.suggestion, null)
})

t.test('totals follow writes at once (the count cache is invalidated by the change)', async (t) => {
  const app = await build(t, { seed: true })
  const editor = await createUser(app, 'editor', { author: 'the-defence-times' })
  t.equal((await app.inject({ method: 'GET', url: '/v1/articles?section=india' })).json().meta.total, 3)
  t.equal((await app.inject({ method: 'GET', url: '/v1/search?q=zubrowka' })).json().meta.total, 0)
  const created = await app.inject({ method: 'POST', url: '/v1/admin/articles', headers: editor.auth, payload: { title: 'India Orders Zubrowka Patrol Boats', section: 'india', status: 'published' } })
  t.equal(created.statusCode, 201)
  t.equal((await app.inject({ method: 'GET', url: '/v1/articles?section=india' })).json().meta.total, 4)
  t.equal((await app.inject({ method: 'GET', url: '/v1/search?q=zubrowka' })).json().meta.total, 1)
})
