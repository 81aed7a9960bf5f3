import t from 'tap'
import { eq } from 'drizzle-orm'
import { articles, articleSlugRedirects } from '../../src/db/schema/index.js'
import { createManualClock } from '../../src/lib/clock.js'
import { build } from '../helpers/build.js'
import { createArticle, createAuthor, createSection, createTag } from '../helpers/factories.js'

type Summary = { id: string; slug: string; title: string; published_at: string; section: { slug: string }; tags: { slug: string }[] }
type ListBody = { data: Summary[]; meta: { limit: number; page?: number; pages?: number; total?: number; next_cursor?: string | null; prev_cursor?: string | null } }

t.test('the seeded list: newest first, summaries only, page mode by default', async (t) => {
  const app = await build(t, { seed: true })
  const res = await app.inject({ method: 'GET', url: '/v1/articles' })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^application\/json/)
  const body = res.json() as ListBody
  t.equal(body.data.length, 18)
  t.match(body.meta, { limit: 20, page: 1, pages: 1, total: 18, next_cursor: null })
  const dates = body.data.map((a) => a.published_at)
  t.same(dates, [...dates].sort().reverse(), 'newest first')
  const first = body.data.find((a) => a.title === 'China working on resumption of dialogue with US: Report')
  t.ok(first)
  t.same(Object.keys(first!).sort(), [
    'author', 'authors', 'comment_count', 'excerpt', 'featured_image', 'id', 'published_at', 'reading_time_minutes', 'section', 'slug', 'tags', 'title', 'updated_at', 'url',
  ])
  t.match(first, {
    slug: 'china-working-on-resumption-of-dialogue-with-us-report',
    section: { slug: 'asia-pacific', name: 'Asia-Pacific' },
    author: { slug: 'the-defence-times', name: 'The Defence Times' },
    published_at: '2022-12-16T09:30:00.000Z',
    featured_image: { url: /^http:\/\/api\.test\/media\/[0-9a-f]{16}-[a-z0-9-]+\.webp$/, caption: 'US China Relations' },
    comment_count: 0,
  })
  t.ok((first as unknown as { reading_time_minutes: number }).reading_time_minutes >= 2)
  t.ok(first!.tags.some((tag) => tag.slug === 'china'))
})

t.test('the full article carries body, SEO, author box; the image is served', async (t) => {
  const app = await build(t, { seed: true })
  const res = await app.inject({ method: 'GET', url: '/v1/articles/chinas-6th-generation-fighter-jet-takes-first-flight' })
  t.equal(res.statusCode, 200)
  const { data } = res.json()
  t.equal(data.title, "China's 6th Generation Fighter Jet Takes First Flight")
  t.match(data.body_html, /^<p>/)
  t.notMatch(data.body_html, /<script/)
  t.ok(data.word_count >= 250)
  t.equal(data.reading_time_minutes, Math.ceil(data.word_count / 225))
  t.equal(data.comments_open, true)
  t.match(data.seo, { meta_title: data.title, meta_description: data.excerpt, canonical_url: data.url, og_image: data.featured_image.url })
  t.match(data.author, { slug: 'the-defence-times', website: 'https://thedefencetimes.example' })
  t.ok(Array.isArray(data.author.social_links))
  const image = await app.inject({ method: 'GET', url: new URL(data.featured_image.url).pathname })
  t.equal(image.statusCode, 200)
  t.equal(image.headers['content-type'], 'image/webp')
  t.equal(image.headers['cache-control'], 'public, max-age=31536000, immutable')
  t.equal(image.rawPayload.subarray(8, 12).toString('latin1'), 'WEBP')
})

t.test('filters: section, tag (any of), author, dates, exclude', async (t) => {
  const app = await build(t, { seed: true })
  const get = async (query: string) => {
    const res = await app.inject({ method: 'GET', url: `/v1/articles?${query}` })
    t.equal(res.statusCode, 200, query)
    return res.json() as ListBody
  }
  const asia = await get('section=asia-pacific')
  t.equal(asia.meta.total, 7)
  t.ok(asia.data.every((a) => a.section.slug === 'asia-pacific'))

  const taiwan = await get('tag=taiwan')
  t.ok(taiwan.data.length >= 2)
  t.ok(taiwan.data.every((a) => a.tags.some((tag) => tag.slug === 'taiwan')))
  const either = await get('tag=taiwan&tag=energy')
  t.ok(either.data.length > taiwan.data.length, 'repeated tag means any of them')
  t.ok(either.data.every((a) => a.tags.some((tag) => tag.slug === 'taiwan' || tag.slug === 'energy')))

  t.equal((await get('author=the-defence-times')).meta.total, 18)
  t.equal((await get('author=nobody')).meta.total, 0)
  t.equal((await get('section=no-such-section')).meta.total, 0)

  const june = await get('published_after=2025-06-01&published_before=2025-07-01')
  t.ok(june.data.length >= 3)
  t.ok(june.data.every((a) => a.published_at >= '2025-06-01' && a.published_at < '2025-07-01'))
  const exact = await get('published_after=2025-06-06T11:15:00Z&published_before=2025-06-06T14:20:00.000Z')
  t.same(exact.data.map((a) => a.published_at), ['2025-06-06T11:15:00.000Z'], 'after is inclusive, before exclusive')

  const latest = await get('limit=3')
  const skipped = await get(`limit=3&exclude=${latest.data[0]!.slug}`)
  t.same(skipped.data.map((a) => a.slug), [...latest.data.slice(1).map((a) => a.slug), skipped.data[2]!.slug])
  t.notOk(skipped.data.some((a) => a.slug === latest.data[0]!.slug))

  const oldest = await get('sort=published_at&limit=1')
  t.equal(oldest.data[0]!.published_at, '2022-12-16T09:30:00.000Z')
})

t.test('only published articles whose time has come are public', async (t) => {
  const clock = createManualClock('2025-03-01T12:00:00.000Z')
  const app = await build(t, { clock })
  const db = app.database.db
  const section = await createSection(db)
  const author = await createAuthor(db)
  const base = { sectionId: section.id, authorId: author.id }
  await createArticle(db, { ...base, slug: 'live', publishedAt: new Date('2025-02-01T00:00:00.000Z') })
  await createArticle(db, { ...base, slug: 'draft', status: 'draft', publishedAt: null })
  await createArticle(db, { ...base, slug: 'archived', status: 'archived', publishedAt: new Date('2025-01-01T00:00:00.000Z') })
  await createArticle(db, { ...base, slug: 'scheduled', status: 'scheduled', publishedAt: new Date('2025-03-01T12:30:00.000Z') })
  await createArticle(db, { ...base, slug: 'future-dated', status: 'published', publishedAt: new Date('2025-04-01T00:00:00.000Z') })

  const slugs = async () => ((await app.inject({ method: 'GET', url: '/v1/articles' })).json() as ListBody).data.map((a) => a.slug)
  t.same(await slugs(), ['live'])
  for (const slug of ['draft', 'archived', 'scheduled', 'future-dated']) {
    const res = await app.inject({ method: 'GET', url: `/v1/articles/${slug}` })
    t.equal(res.statusCode, 404, `${slug} is not public`)
    t.equal(res.json().code, 'NOT_FOUND')
  }
  const count = async () => (await app.inject({ method: 'GET', url: `/v1/sections/${section.slug}` })).json().data.article_count
  t.equal(await count(), 1)

  clock.set('2025-03-01T12:30:00.000Z')
  t.same(await slugs(), ['scheduled', 'live'], 'a scheduled article is public at its time, with no job run')
  t.equal((await app.inject({ method: 'GET', url: '/v1/articles/scheduled' })).statusCode, 200)
  t.equal(await count(), 2)
})

t.test('an old slug answers 301 to the new one', async (t) => {
  const app = await build(t, { seed: true })
  const db = app.database.db
  const [article] = await db.select().from(articles).where(eq(articles.slug, 'chinas-6th-generation-fighter-jet-takes-first-flight'))
  await db.update(articles).set({ slug: 'china-sixth-generation-fighter-first-flight' }).where(eq(articles.id, article!.id))
  await db.insert(articleSlugRedirects).values({ slug: 'chinas-6th-generation-fighter-jet-takes-first-flight', articleId: article!.id })

  const res = await app.inject({ method: 'GET', url: '/v1/articles/chinas-6th-generation-fighter-jet-takes-first-flight' })
  t.equal(res.statusCode, 301)
  t.equal(res.headers.location, 'http://api.test/v1/articles/china-sixth-generation-fighter-first-flight')
  t.match(res.headers['cache-control'], /^public/)
  const moved = await app.inject({ method: 'GET', url: '/v1/articles/china-sixth-generation-fighter-first-flight' })
  t.equal(moved.statusCode, 200)
  t.equal(moved.json().data.id, article!.id)
})

t.test('pagination walks visit every article exactly once (page, cursor, backwards, ties)', async (t) => {
  const app = await build(t)
  const db = app.database.db
  const section = await createSection(db, { slug: 'world' })
  const other = await createSection(db, { slug: 'other' })
  const author = await createAuthor(db)
  const tag = await createTag(db, { slug: 'walk' })
  const expected: string[] = []
  for (let i = 0; i < 47; i++) {
    // Groups of three share a timestamp: the id breaks the tie, and the cursor must too.
    const publishedAt = new Date(Date.UTC(2025, 0, 1 + Math.floor(i / 3)))
    const row = await createArticle(db, { sectionId: i % 5 === 0 ? other.id : section.id, authorId: author.id, publishedAt, tagIds: [tag.id] })
    expected.push(row.id)
  }
  expected.sort()

  const fetchJson = async (url: string) => {
    const res = await app.inject({ method: 'GET', url })
    t.equal(res.statusCode, 200, url)
    return { body: res.json() as ListBody, link: String(res.headers.link ?? '') }
  }

  // Page mode.
  const seenByPage: string[] = []
  const first = await fetchJson('/v1/articles?limit=10')
  t.match(first.body.meta, { limit: 10, page: 1, pages: 5, total: 47 })
  t.match(first.link, /<http:\/\/api\.test\/v1\/articles\?limit=10&page=2>; rel="next"/)
  t.match(first.link, /<http:\/\/api\.test\/v1\/articles\?limit=10&page=5>; rel="last"/)
  t.notMatch(first.link, /rel="prev"/)
  for (let page = 1; page <= 5; page++) seenByPage.push(...(await fetchJson(`/v1/articles?limit=10&page=${page}`)).body.data.map((a) => a.id))
  t.same([...seenByPage].sort(), expected, 'page mode: each exactly once')
  t.same((await fetchJson('/v1/articles?limit=10&page=9')).body.data, [], 'a page past the end is empty, not an error')

  // Cursor mode, forwards from the first page's next_cursor, following Link rel="next".
  const seenByCursor: string[] = [...first.body.data.map((a) => a.id)]
  let next = first.body.meta.next_cursor
  const cursors: string[] = []
  while (next) {
    cursors.push(next)
    const page = await fetchJson(`/v1/articles?limit=10&cursor=${next}`)
    t.notOk('total' in page.body.meta, 'no totals in cursor mode')
    seenByCursor.push(...page.body.data.map((a) => a.id))
    if (page.body.meta.next_cursor) t.match(page.link, /rel="next"/)
    next = page.body.meta.next_cursor ?? null
  }
  t.same(seenByCursor, seenByPage, 'cursor mode: same order as page mode')

  // Backwards from the last page via prev_cursor.
  const last = await fetchJson(`/v1/articles?limit=10&cursor=${cursors[cursors.length - 1]}`)
  const backwards: string[][] = [last.body.data.map((a) => a.id)]
  let prev = last.body.meta.prev_cursor
  while (prev) {
    const page = await fetchJson(`/v1/articles?limit=10&cursor=${prev}`)
    backwards.unshift(page.body.data.map((a) => a.id))
    prev = page.body.meta.prev_cursor ?? null
  }
  t.same(backwards.flat(), seenByPage, 'prev cursors walk back to the start')

  // Ascending order and filters walk too.
  const ascending: string[] = []
  let cursor: string | null | undefined
  let firstAsc = true
  while (firstAsc || cursor) {
    const page = await fetchJson(`/v1/articles?limit=7&sort=published_at&section=world${cursor ? `&cursor=${cursor}` : ''}`)
    ascending.push(...page.body.data.map((a) => a.id))
    cursor = page.body.meta.next_cursor
    firstAsc = false
  }
  t.equal(ascending.length, 47 - 10)
  t.equal(new Set(ascending).size, ascending.length)
  const byPageAsc = (await fetchJson('/v1/articles?limit=100&sort=published_at&section=world')).body.data.map((a) => a.id)
  t.same(ascending, byPageAsc)
})

t.test('ETag and 304 on public reads', async (t) => {
  const app = await build(t, { seed: true })
  const res = await app.inject({ method: 'GET', url: '/v1/articles?limit=5' })
  t.match(res.headers.etag, /^"[A-Za-z0-9_-]{27}"$/)
  t.equal(res.headers['cache-control'], 'public, max-age=0, must-revalidate, s-maxage=300')
  const again = await app.inject({ method: 'GET', url: '/v1/articles?limit=5', headers: { 'if-none-match': String(res.headers.etag) } })
  t.equal(again.statusCode, 304)
  t.equal(again.body, '')
  t.equal(again.headers.etag, res.headers.etag)
  const weak = await app.inject({ method: 'GET', url: '/v1/articles?limit=5', headers: { 'if-none-match': `"other", W/${res.headers.etag}` } })
  t.equal(weak.statusCode, 304, 'weak comparison, list of tags')
  const changed = await app.inject({ method: 'GET', url: '/v1/articles?limit=4', headers: { 'if-none-match': String(res.headers.etag) } })
  t.equal(changed.statusCode, 200)
  const head = await app.inject({ method: 'HEAD', url: '/v1/articles?limit=5' })
  t.equal(head.statusCode, 200)
  t.equal(head.headers.etag, res.headers.etag)
})
