import t from 'tap'
import { eq, sql } from 'drizzle-orm'
import { articleAuthors, authors, users } from '../../src/db/schema/index.js'
import { createUser } from '../helpers/auth.js'
import { build } from '../helpers/build.js'

type Ref = { slug: string; name: string; url: string }

/** Co-bylines: an article's ordered authors, in every representation, filter, feed and permission. */
t.test('a two-author byline: written by an editor, read everywhere, matched by either author', async (t) => {
  const app = await build(t, { seed: true })
  const editor = await createUser(app, 'editor', { author: 'the-defence-times' })
  const db = app.testDb.database.db
  const second = await app.inject({ method: 'POST', url: '/v1/admin/authors', headers: editor.auth, payload: { name: 'Second Writer', slug: 'second-writer', website: 'https://second.example' } })
  t.equal(second.statusCode, 201, second.body)

  const created = await app.inject({
    method: 'POST',
    url: '/v1/admin/articles',
    headers: editor.auth,
    payload: { title: 'Two Bylines', section: 'india', body: 'Shared reporting.', status: 'published', authors: ['second-writer', 'the-defence-times'] },
  })
  t.equal(created.statusCode, 201, created.body)
  const admin = created.json().data
  t.same(admin.authors.map((a: Ref) => a.slug), ['second-writer', 'the-defence-times'], 'the admin representation names the byline in order')
  t.equal(admin.author.slug, 'second-writer', '`author` is the first')

  const article = (await app.inject({ method: 'GET', url: `/v1/articles/${admin.slug}` })).json().data
  t.same(article.authors.map((a: Ref) => a.slug), ['second-writer', 'the-defence-times'])
  t.same(article.authors[0], article.author, 'the first author is `author`, with the same author box')
  t.equal(article.authors[1].bio.length > 0, true, 'each author carries its author box')
  t.match(article.authors[1].url, /\/author\/the-defence-times$/)

  for (const slug of ['second-writer', 'the-defence-times']) {
    const list = (await app.inject({ method: 'GET', url: `/v1/articles?author=${slug}&limit=100` })).json().data as { slug: string; authors: Ref[] }[]
    t.ok(list.some((a) => a.slug === admin.slug), `?author=${slug} lists it`)
    t.same(list.find((a) => a.slug === admin.slug)!.authors.map((a) => a.slug), ['second-writer', 'the-defence-times'], 'summaries carry the byline')
  }
  const search = await app.inject({ method: 'GET', url: `/v1/search?q=shared&author=the-defence-times` })
  t.equal(search.statusCode, 200)
  t.ok((search.json().data as { slug: string }[]).some((a) => a.slug === admin.slug), 'search with an author filter matches a co-author')

  const page = (await app.inject({ method: 'GET', url: '/v1/authors/second-writer' })).json().data
  t.equal(page.article_count, 1, 'the author page counts it')
  const desk = (await app.inject({ method: 'GET', url: '/v1/authors/the-defence-times' })).json().data
  t.equal(desk.article_count, 19, 'so does the co-author’s (18 seeded + this one)')

  const rss = (await app.inject({ method: 'GET', url: '/v1/feeds/rss.xml' })).body
  const item = rss.split('<item>').find((chunk) => chunk.includes('Two Bylines'))!
  t.same([...item.matchAll(/<dc:creator>([^<]*)<\/dc:creator>/g)].map((m) => m[1]), ['Second Writer', 'The Defence Times'], 'RSS: one dc:creator per author, in order')
  const feed = (await app.inject({ method: 'GET', url: '/v1/feeds/feed.json' })).json() as { items: { title: string; authors: { name: string; url?: string }[] }[] }
  t.same(feed.items.find((i) => i.title === 'Two Bylines')!.authors, [{ name: 'Second Writer', url: 'https://second.example' }, { name: 'The Defence Times', url: 'https://thedefencetimes.example' }], 'JSON Feed: authors in order')

  // `author` alone replaces the first author and keeps the co-author.
  const swapped = await app.inject({ method: 'PATCH', url: `/v1/admin/articles/${admin.id}`, headers: { ...editor.auth, 'if-match': '"v1"' }, payload: { author: 'the-defence-times' } })
  t.equal(swapped.statusCode, 200, swapped.body)
  t.same(swapped.json().data.authors.map((a: Ref) => a.slug), ['the-defence-times', 'second-writer'], 'author: the named author first, the other kept')
  const [row] = await db.execute(sql`select a.author_id = au.id as first from articles a join authors au on au.slug = 'the-defence-times' where a.id = ${admin.id}`).then((r) => (r as unknown as { rows: { first: boolean }[] }).rows)
  t.equal(row!.first, true, 'articles.author_id follows the first author')

  // A renamed author shows renamed in the byline copy lists read.
  const renamed = await app.inject({ method: 'PATCH', url: '/v1/admin/authors/second-writer', headers: { ...editor.auth, 'if-match': '*' }, payload: { name: 'Second Writer Renamed' } })
  t.equal(renamed.statusCode, 200, renamed.body)
  const listed = (await app.inject({ method: 'GET', url: '/v1/articles?author=second-writer' })).json().data[0]
  t.equal(listed.authors[1].name, 'Second Writer Renamed')

  // Deleting an author reassigns its bylines (never duplicating an author already in one).
  const deleted = await app.inject({ method: 'DELETE', url: '/v1/admin/authors/second-writer?reassign_to=the-defence-times', headers: { ...editor.auth, 'if-match': '*' } })
  t.equal(deleted.statusCode, 204, deleted.body)
  const after = (await app.inject({ method: 'GET', url: `/v1/articles/${admin.slug}` })).json().data
  t.same(after.authors.map((a: Ref) => a.slug), ['the-defence-times'], 'the byline lost the deleted author, once')
})

t.test('byline input: bad input is a 422 naming the field, nothing written', async (t) => {
  const app = await build(t, { seed: true })
  const editor = await createUser(app, 'editor', { author: 'the-defence-times' })
  const bad = async (payload: Record<string, unknown>, field: string) => {
    const res = await app.inject({ method: 'POST', url: '/v1/admin/articles', headers: editor.auth, payload: { title: 'Bad Byline', section: 'india', ...payload } })
    t.equal(res.statusCode, 422, `${JSON.stringify(payload)} → 422`)
    t.equal(res.json().invalid_params?.[0]?.name ?? res.json()['invalid-params']?.[0]?.name, `body.${field}`, `names ${field}`)
  }
  await bad({ authors: ['the-defence-times', 'nobody-at-all'] }, 'authors.1')
  await bad({ authors: ['the-defence-times', 'the-defence-times'] }, 'authors.1')
  await bad({ authors: ['the-defence-times'], author: 'the-defence-times' }, 'authors')
  const empty = await app.inject({ method: 'POST', url: '/v1/admin/articles', headers: editor.auth, payload: { title: 'Bad Byline', section: 'india', authors: [] } })
  t.equal(empty.statusCode, 400, 'an empty byline is refused by the schema')
  const count = await app.testDb.database.db.execute(sql`select count(*)::int as n from articles where title = 'Bad Byline'`)
  t.equal((count as unknown as { rows: { n: number }[] }).rows[0]!.n, 0, 'no article written')
})

t.test('co-authors own the article: authors and contributors edit what they co-author, not others’', async (t) => {
  const app = await build(t, { seed: true })
  const db = app.testDb.database.db
  const editor = await createUser(app, 'editor', { author: 'the-defence-times' })
  const author = await createUser(app, 'author')
  const outsider = await createUser(app, 'author')
  const slugOf = async (userId: string) => {
    const [row] = await db.select({ slug: authors.slug }).from(users).innerJoin(authors, eq(authors.id, users.authorId)).where(eq(users.id, userId))
    return row!.slug
  }
  const mine = await slugOf(author.id)
  const created = await app.inject({ method: 'POST', url: '/v1/admin/articles', headers: editor.auth, payload: { title: 'Desk And Reporter', section: 'india', authors: ['the-defence-times', mine] } })
  t.equal(created.statusCode, 201, created.body)
  const id = created.json().data.id as string

  const listed = (await app.inject({ method: 'GET', url: '/v1/admin/articles', headers: author.auth })).json().data as { id: string }[]
  t.ok(listed.some((a) => a.id === id), 'the co-author’s own list shows it')
  t.equal((await app.inject({ method: 'GET', url: `/v1/admin/articles/${id}`, headers: author.auth })).statusCode, 200)
  t.equal((await app.inject({ method: 'GET', url: `/v1/admin/articles/${id}`, headers: outsider.auth })).statusCode, 403, 'a writer outside the byline cannot read it')

  const edit = await app.inject({ method: 'PATCH', url: `/v1/admin/articles/${id}`, headers: { ...author.auth, 'if-match': '"v1"' }, payload: { title: 'Edited By The Co-author' } })
  t.equal(edit.statusCode, 200, edit.body)
  const leave = await app.inject({ method: 'PATCH', url: `/v1/admin/articles/${id}`, headers: { ...author.auth, 'if-match': '"v2"' }, payload: { authors: ['the-defence-times'] } })
  t.equal(leave.statusCode, 403, 'an author cannot take themselves off the byline')
  const reorder = await app.inject({ method: 'PATCH', url: `/v1/admin/articles/${id}`, headers: { ...author.auth, 'if-match': '"v2"' }, payload: { authors: [mine, 'the-defence-times'] } })
  t.equal(reorder.statusCode, 200, 'but may reorder a byline they stay in')
  const stranger = await app.inject({ method: 'PATCH', url: `/v1/admin/articles/${id}`, headers: { ...outsider.auth, 'if-match': '"v3"' }, payload: { title: 'Hijacked' } })
  t.equal(stranger.statusCode, 403)
  const rows = await db.select().from(articleAuthors).where(eq(articleAuthors.articleId, id))
  t.equal(rows.length, 2, 'the byline has two rows')
})
