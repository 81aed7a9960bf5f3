import t from 'tap'
import { createManualClock } from '../../src/lib/clock.js'
import { createUser } from '../helpers/auth.js'
import { build, testConfig } from '../helpers/build.js'
import { postComment } from '../helpers/comments.js'

const SLUG = 'chinas-6th-generation-fighter-jet-takes-first-flight'

t.test('public reads: strong ETag, browsers revalidate on every use, CDNs keep them, Surrogate-Key naming what they show', async (t) => {
  const app = await build(t, { seed: true })
  const res = await app.inject({ method: 'GET', url: `/v1/articles/${SLUG}` })
  const article = res.json().data
  t.match(res.headers.etag, /^"[A-Za-z0-9_-]+"$/)
  t.equal(res.headers['cache-control'], 'public, max-age=0, must-revalidate, s-maxage=300')
  t.equal(res.headers['surrogate-control'], 'max-age=300, stale-while-revalidate=300', "the CDN's grace, in Fastly's own header")
  t.equal(res.headers['cdn-cache-control'], undefined)
  t.equal(res.headers['last-modified'], undefined, 'no date moves with everything an article shows')
  const keys = String(res.headers['surrogate-key']).split(' ')
  t.same(
    keys.sort(),
    ['articles', `article:${article.id}`, 'section:asia-pacific', 'author:the-defence-times', ...article.tags.map((tag: { slug: string }) => `tag:${tag.slug}`)].sort(),
  )
  t.equal(res.headers['cache-tag'], undefined, 'one flavour by default: Surrogate-Key')

  const list = await app.inject({ method: 'GET', url: '/v1/articles?section=india' })
  const listKeys = String(list.headers['surrogate-key']).split(' ')
  t.ok(listKeys.includes('articles') && listKeys.includes('section:india'))
  t.equal(listKeys.filter((k) => k.startsWith('article:')).length, 3, 'one key per listed article')
  t.ok(String((await app.inject({ method: 'GET', url: '/v1/site' })).headers['surrogate-key']).includes('site'))

  const notModified = await app.inject({ method: 'GET', url: `/v1/articles/${SLUG}`, headers: { 'if-none-match': String(res.headers.etag) } })
  t.equal(notModified.statusCode, 304)
  t.equal(notModified.headers.etag, res.headers.etag)
  t.equal(notModified.headers['cache-control'], res.headers['cache-control'])
  const sinceTomorrow = await app.inject({ method: 'GET', url: `/v1/articles/${SLUG}`, headers: { 'if-modified-since': new Date(Date.now() + 86_400_000).toUTCString() } })
  t.equal(sinceTomorrow.statusCode, 200, 'If-Modified-Since alone never yields 304: there is no Last-Modified to compare')
})

t.test('CDN_PURGE_HEADER: cache-tag, both, none; CACHE_* shape Cache-Control', async (t) => {
  const url = `/v1/articles/${SLUG}`
  const tagged = await build(t, { seed: true, env: { CDN_PURGE_HEADER: 'cache-tag', CACHE_MAX_AGE: '30', CACHE_S_MAXAGE: '600', CACHE_STALE_WHILE_REVALIDATE: '0' } })
  const a = await tagged.inject({ url })
  t.equal(a.headers['surrogate-key'], undefined)
  t.match(a.headers['cache-tag'], /^articles,article:[0-9a-f-]{36},/)
  t.equal(a.headers['cache-control'], 'public, max-age=30, must-revalidate, s-maxage=600')
  t.equal(a.headers['cdn-cache-control'], undefined, 'no stale-while-revalidate: no CDN header')
  const both = await build(t, { seed: true, env: { CDN_PURGE_HEADER: 'both' } })
  const b = await both.inject({ url })
  t.equal(String(b.headers['cache-tag']), String(b.headers['surrogate-key']).split(' ').join(','))
  t.equal(b.headers['cdn-cache-control'], 'max-age=300, stale-while-revalidate=300', "Cloudflare's and Akamai's targeted header")
  t.equal(b.headers['surrogate-control'], 'max-age=300, stale-while-revalidate=300')
  const none = await build(t, { seed: true, env: { CDN_PURGE_HEADER: 'none' } })
  const c = await none.inject({ url })
  t.equal(c.headers['surrogate-key'], undefined)
  t.equal(c.headers['cache-tag'], undefined)
  t.equal(c.headers['surrogate-control'], undefined)
  t.throws(() => testConfig({ CDN_PURGE_HEADER: 'x-key' }), /CDN_PURGE_HEADER must be one of surrogate-key, cache-tag, both, none/)
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
  t.equal(thread.headers['cache-control'], 'public, max-age=0, must-revalidate, s-maxage=300', 'a browser asks again on every visit')
  t.equal((await app.inject({ method: 'GET', url: `/v1/articles/${SLUG}` })).headers['x-cache'], 'HIT')

  const held = await postComment(app, SLUG, { author_email: 'new-reader@example.com' })
  t.equal(held.statusCode, 202)
  t.equal((await app.inject({ method: 'GET', url: `/v1/articles/${SLUG}` })).headers['x-cache'], 'HIT', 'a comment held for moderation changes nothing public')
  t.equal((await app.inject({ method: 'GET', url: `/v1/articles/${SLUG}/comments` })).headers['x-cache'], 'HIT')

  const approved = await app.inject({ method: 'PATCH', url: `/v1/admin/comments/${held.json().data.id}`, headers: { ...editor.auth, 'if-match': '*' }, payload: { status: 'approved' } })
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
  t.equal((await off.inject({ method: 'GET', url: '/v1/site' })).headers['x-cache'], 'MISS', 'computed again, and says so')
  t.equal(off.services.responseCache, undefined)
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
