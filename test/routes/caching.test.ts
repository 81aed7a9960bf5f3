import t from 'tap'
import { createManualClock } from '../../src/lib/clock.js'
import { collectCacheKeys } from '../../src/plugins/caching.js'
import { createUser } from '../helpers/auth.js'
import { build } from '../helpers/build.js'
import { postComment } from '../helpers/comments.js'

const SLUG = 'chinas-6th-generation-fighter-jet-takes-first-flight'

t.test('public reads: strong ETag, Last-Modified, s-maxage, Surrogate-Key and Cache-Tag naming what they contain', async (t) => {
  const app = await build(t, { seed: true })
  const res = await app.inject({ method: 'GET', url: `/v1/articles/${SLUG}` })
  const article = res.json().data
  t.match(res.headers.etag, /^"[A-Za-z0-9_-]+"$/)
  t.equal(res.headers['cache-control'], 'public, max-age=60, s-maxage=300, stale-while-revalidate=300')
  t.equal(res.headers['last-modified'], new Date(article.updated_at).toUTCString())
  const keys = String(res.headers['surrogate-key']).split(' ')
  for (const key of ['articles', `article:${article.id}`, 'section:asia-pacific', 'author:the-defence-times', ...article.tags.map((tag: { slug: string }) => `tag:${tag.slug}`)]) {
    t.ok(keys.includes(key), `Surrogate-Key has ${key}`)
  }
  t.equal(res.headers['cache-tag'], keys.join(','))

  const list = await app.inject({ method: 'GET', url: '/v1/articles?section=india' })
  const listKeys = String(list.headers['surrogate-key']).split(' ')
  t.ok(listKeys.includes('articles') && listKeys.includes('section:india'))
  t.equal(listKeys.filter((k) => k.startsWith('article:')).length, 3, 'one key per listed article')
  t.ok(String((await app.inject({ method: 'GET', url: '/v1/site' })).headers['surrogate-key']).includes('site'))

  const notModified = await app.inject({ method: 'GET', url: `/v1/articles/${SLUG}`, headers: { 'if-modified-since': String(res.headers['last-modified']) } })
  t.equal(notModified.statusCode, 304)
  const stillModified = await app.inject({ method: 'GET', url: `/v1/articles/${SLUG}`, headers: { 'if-modified-since': 'Mon, 01 Jan 2024 00:00:00 GMT' } })
  t.equal(stillModified.statusCode, 200)
})

t.test('article routes name their content directly: the same keys and Last-Modified as walking the body', async (t) => {
  const app = await build(t, { seed: true })
  const cursor = (await app.inject({ method: 'GET', url: '/v1/articles?limit=2' })).json().meta.next_cursor
  t.type(cursor, 'string')
  const urls = [`/v1/articles/${SLUG}`, '/v1/articles', '/v1/articles?limit=3&section=india', '/v1/articles?tag=china&sort=published_at', '/v1/articles?q=missile', `/v1/articles?limit=2&cursor=${cursor}`]
  for (const url of urls) {
    const res = await app.inject({ method: 'GET', url })
    t.equal(res.statusCode, 200, url)
    const walked = { keys: new Set<string>(['articles']), lastModified: '' }
    collectCacheKeys(res.json(), walked.keys, walked)
    t.ok(walked.keys.size > 1, `${url} lists content`)
    t.same(new Set(String(res.headers['surrogate-key']).split(' ')), walked.keys, `${url}: Surrogate-Key`)
    t.equal(res.headers['last-modified'], new Date(walked.lastModified).toUTCString(), `${url}: Last-Modified`)
  }
})

t.test('private, no-store: errors, previews, editor routes', async (t) => {
  const app = await build(t, { seed: true })
  const editor = await createUser(app, 'editor')
  t.equal((await app.inject({ method: 'GET', url: '/v1/articles/none' })).headers['cache-control'], 'private, no-store')
  t.equal((await app.inject({ method: 'GET', url: '/v1/admin/articles', headers: editor.auth })).headers['cache-control'], 'private, no-store')
  t.equal((await app.inject({ method: 'GET', url: '/v1/auth/me', headers: editor.auth })).headers['cache-control'], 'private, no-store')
  const draft = (await app.inject({ method: 'POST', url: '/v1/admin/articles', headers: editor.auth, payload: { title: 'Preview me', section: 'india', author: 'the-defence-times' } })).json().data
  const preview = (await app.inject({ method: 'POST', url: `/v1/admin/articles/${draft.id}/preview`, headers: editor.auth })).json().data
  const res = await app.inject({ method: 'GET', url: new URL(preview.url).pathname + new URL(preview.url).search })
  t.equal(res.headers['cache-control'], 'private, no-store')
  t.equal(res.headers['surrogate-key'], undefined)
  t.equal(res.headers['x-cache'], undefined, 'never from or into the response cache')
})

t.test('the response cache: hits, 304s from memory, and never stale after a committed write', async (t) => {
  const app = await build(t, { seed: true })
  const editor = await createUser(app, 'editor', { author: 'the-defence-times' })
  const first = await app.inject({ method: 'GET', url: '/v1/articles?limit=3' })
  t.equal(first.headers['x-cache'], 'MISS')
  const second = await app.inject({ method: 'GET', url: '/v1/articles?limit=3' })
  t.equal(second.headers['x-cache'], 'HIT')
  t.equal(second.body, first.body)
  t.equal(second.headers.etag, first.headers.etag)
  t.equal(second.headers['surrogate-key'], first.headers['surrogate-key'])
  t.equal(second.headers.link, first.headers.link)
  const conditional = await app.inject({ method: 'GET', url: '/v1/articles?limit=3', headers: { 'if-none-match': String(first.headers.etag) } })
  t.equal(conditional.statusCode, 304)
  t.equal(conditional.headers['x-cache'], 'HIT')
  t.equal(conditional.body, '')

  const created = await app.inject({ method: 'POST', url: '/v1/admin/articles', headers: editor.auth, payload: { title: 'Breaking Cache News', section: 'india', status: 'published' } })
  t.equal(created.statusCode, 201)
  const after = await app.inject({ method: 'GET', url: '/v1/articles?limit=3' })
  t.equal(after.headers['x-cache'], 'MISS', 'the write emptied the cache')
  t.equal(after.json().data[0].title, 'Breaking Cache News')
  t.not(after.headers.etag, first.headers.etag)

  const redirected = await app.inject({ method: 'PATCH', url: `/v1/admin/articles/${created.json().data.id}`, headers: { ...editor.auth, 'if-match': '"v1"' }, payload: { slug: 'breaking-cache-news-2' } })
  t.equal(redirected.statusCode, 200)
  const old = await app.inject({ method: 'GET', url: '/v1/articles/breaking-cache-news' })
  t.equal(old.statusCode, 301)
  const oldAgain = await app.inject({ method: 'GET', url: '/v1/articles/breaking-cache-news' })
  t.equal(oldAgain.headers['x-cache'], 'HIT')
  t.equal(oldAgain.statusCode, 301)
  t.equal(oldAgain.headers.location, 'http://api.test/v1/articles/breaking-cache-news-2')
})

t.test('comments: threads carry their article\'s keys; a held comment keeps the cache, an approved one empties it', async (t) => {
  const app = await build(t, { seed: true })
  const editor = await createUser(app, 'editor', { author: 'the-defence-times' })
  const article = (await app.inject({ method: 'GET', url: `/v1/articles/${SLUG}` })).json().data
  const thread = await app.inject({ method: 'GET', url: `/v1/articles/${SLUG}/comments` })
  t.equal(thread.statusCode, 200)
  t.same(String(thread.headers['surrogate-key']).split(' ').sort(), ['comments', `article:${article.id}`, `comments:${article.id}`].sort())
  t.equal((await app.inject({ method: 'GET', url: `/v1/articles/${SLUG}` })).headers['x-cache'], 'HIT')

  const held = await postComment(app, SLUG, { author_email: 'new-reader@example.com' })
  t.equal(held.statusCode, 202)
  t.equal((await app.inject({ method: 'GET', url: `/v1/articles/${SLUG}` })).headers['x-cache'], 'HIT', 'a comment held for moderation changes nothing public')
  t.equal((await app.inject({ method: 'GET', url: `/v1/articles/${SLUG}/comments` })).headers['x-cache'], 'HIT')

  const approved = await app.inject({ method: 'PATCH', url: `/v1/admin/comments/${held.json().data.id}`, headers: editor.auth, payload: { status: 'approved' } })
  t.equal(approved.statusCode, 200)
  const after = await app.inject({ method: 'GET', url: `/v1/articles/${SLUG}` })
  t.equal(after.headers['x-cache'], 'MISS')
  t.equal(after.json().data.comment_count, article.comment_count + 1, 'the new count, never the cached one')
  const threadAfter = await app.inject({ method: 'GET', url: `/v1/articles/${SLUG}/comments` })
  t.equal(threadAfter.json().data.length, thread.json().data.length + 1)
})

t.test('the response cache expires when a scheduled article becomes public', async (t) => {
  const clock = createManualClock('2026-03-01T09:00:00.000Z')
  const app = await build(t, { seed: true, clock })
  const editor = await createUser(app, 'editor', { author: 'the-defence-times' })
  await app.inject({ method: 'POST', url: '/v1/admin/articles', headers: editor.auth, payload: { title: 'Midday Story', section: 'india', status: 'scheduled', published_at: '2026-03-01T12:00:00.000Z' } })
  const before = await app.inject({ method: 'GET', url: '/v1/sections/india' })
  t.equal(before.json().data.article_count, 3)
  t.equal((await app.inject({ method: 'GET', url: '/v1/sections/india' })).headers['x-cache'], 'HIT')
  clock.set('2026-03-01T12:00:00.000Z')
  const after = await app.inject({ method: 'GET', url: '/v1/sections/india' })
  t.equal(after.headers['x-cache'], 'MISS')
  t.equal(after.json().data.article_count, 4, 'no write happened, yet nothing stale is served')
})

t.test('RESPONSE_CACHE=false turns it off; RESPONSE_CACHE_MAX_MB bounds it', async (t) => {
  const off = await build(t, { seed: true, env: { RESPONSE_CACHE: 'false' } })
  await off.inject({ method: 'GET', url: '/v1/site' })
  t.equal((await off.inject({ method: 'GET', url: '/v1/site' })).headers['x-cache'], undefined)
  const small = await build(t, { seed: true, env: { RESPONSE_CACHE_MAX_MB: '1' } })
  for (let page = 1; page <= 4; page++) await small.inject({ method: 'GET', url: `/v1/articles?limit=5&page=${page}` })
  const size = small.services.responseCache!.size()
  t.ok(size.bytes <= 1024 * 1024)
  t.equal(size.entries, 4)
})

t.test('concurrent misses for one URL are computed once; the others get that answer', async (t) => {
  const app = await build(t, { seed: true })
  const slug = ((await app.inject({ url: '/v1/articles?limit=1' })).json().data as { slug: string }[])[0]!.slug
  const url = `/v1/articles/${slug}/related`
  const storesBefore = app.services.responseCache!.stats.stores
  const answers = await Promise.all(Array.from({ length: 12 }, () => app.inject({ url })))
  t.same(answers.map((r) => r.statusCode), Array(12).fill(200))
  t.equal(answers.filter((r) => r.headers['x-cache'] === 'MISS').length, 1, 'one computed')
  t.equal(answers.filter((r) => r.headers['x-cache'] === 'HIT').length, 11, 'eleven waited for it')
  t.equal(new Set(answers.map((r) => r.body)).size, 1, 'all the same answer')
  t.equal(app.services.responseCache!.stats.stores - storesBefore, 1, 'stored once')

  // A leader that fails lets its followers compute for themselves (and they fail the same way, no hang).
  const missing = await Promise.all(Array.from({ length: 5 }, () => app.inject({ url: '/v1/articles/no-such-article/related' })))
  t.same(missing.map((r) => r.statusCode), Array(5).fill(404))
  t.same(missing.map((r) => r.headers['x-cache']), Array(5).fill(undefined), 'errors are never cached or shared')
})
