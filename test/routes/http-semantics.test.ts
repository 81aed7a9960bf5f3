import fc from 'fast-check'
import t from 'tap'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { createUser, type TestUser } from '../helpers/auth.js'
import { build, type TestApp } from '../helpers/build.js'
import { postComment } from '../helpers/comments.js'
import { startReceiver } from '../helpers/receiver.js'

const SLUG = 'chinas-6th-generation-fighter-jet-takes-first-flight'
const ARTICLE = `/v1/articles/${SLUG}`
const THREAD = `${ARTICLE}/comments`

type Reply = Awaited<ReturnType<TestApp['inject']>>
const bodyOf = (res: Reply) =>
  (res.headers['content-encoding'] === 'br' ? brotliDecompressSync(res.rawPayload) : res.headers['content-encoding'] === 'gzip' ? gunzipSync(res.rawPayload) : res.rawPayload).toString()

t.test('a reader who posts a comment sees it on their next visit, from the same browser cache', async (t) => {
  const app = await build(t, { seed: true })
  const editor = await createUser(app, 'editor', { author: 'the-defence-times' })
  const email = 'returning-reader@example.com'
  const held = await postComment(app, SLUG, { author_email: email })
  t.equal(held.statusCode, 202)
  t.equal((await app.inject({ method: 'PATCH', url: `/v1/admin/comments/${held.json().data.id}`, headers: { ...editor.auth, 'if-match': '*' }, payload: { status: 'approved' } })).statusCode, 200)

  // What the browser holds: the thread and the article, with their validators.
  const headers = { 'accept-encoding': 'gzip, deflate, br' }
  const thread = await app.inject({ url: THREAD, headers })
  const article = await app.inject({ url: ARTICLE, headers })
  for (const res of [thread, article]) {
    t.equal(res.headers['cache-control'], 'public, max-age=0, must-revalidate, s-maxage=300', 'stale at once for a browser: it must ask again')
    t.equal(res.headers['last-modified'], undefined)
  }
  const count = JSON.parse(bodyOf(article)).data.comment_count

  const posted = await postComment(app, SLUG, { author_email: email, body: 'My second, visible at once.' })
  t.equal(posted.statusCode, 201)

  // The browser revalidates (max-age=0): the changed representations come back in full.
  const since = new Date(Date.now() + 3_600_000).toUTCString()
  const threadAgain = await app.inject({ url: THREAD, headers: { ...headers, 'if-none-match': String(thread.headers.etag), 'if-modified-since': since } })
  t.equal(threadAgain.statusCode, 200)
  t.ok(JSON.parse(bodyOf(threadAgain)).data.some((c: { id: string }) => c.id === posted.json().data.id), 'their comment is in the thread')
  const articleAgain = await app.inject({ url: ARTICLE, headers: { ...headers, 'if-none-match': String(article.headers.etag) } })
  t.equal(articleAgain.statusCode, 200)
  t.equal(JSON.parse(bodyOf(articleAgain)).data.comment_count, count + 1)
})

interface Change {
  name: string
  /** Representations that must show this change. */
  shows: string[]
  apply: () => Promise<void>
}

t.test('property: no conditional request gets 304 for a changed representation, and every changed one is purged', async (t) => {
  const receiver = await startReceiver()
  t.teardown(() => receiver.close())
  const app = await build(t, { seed: true, env: { WEBHOOK_ALLOW_PRIVATE: 'true' } })
  const admin = await createUser(app, 'admin', { author: 'the-defence-times' })
  t.equal((await app.inject({ method: 'POST', url: '/v1/admin/webhooks', headers: admin.auth, payload: { url: receiver.url, events: ['*'] } })).statusCode, 201)
  const article = (await app.inject({ url: ARTICLE })).json().data
  const tag: string = article.tags[0].slug
  const mediaId: string = article.featured_image.media_id
  t.type(mediaId, 'string', 'the demo article features a library item')
  const commenter = await approvedCommenter(app, admin)

  const watched = [
    ARTICLE,
    THREAD,
    `${ARTICLE}/related`,
    '/v1/articles?limit=20',
    `/v1/articles?tag=${tag}`,
    '/v1/search?q=fighter',
    '/v1/sections',
    '/v1/sections?include=latest',
    '/v1/site',
    `/v1/tags/${tag}`,
    '/v1/authors/the-defence-times',
    '/v1/feeds/feed.json',
    '/v1/feeds/rss.xml',
    '/v1/feeds/sections/asia-pacific/rss.xml',
    '/v1/sitemap',
  ]
  let n = 0
  const versioned = async (url: string) => String((await app.inject({ url, headers: admin.auth })).headers.etag)
  const changes: Change[] = [
    {
      name: 'comment count',
      shows: [ARTICLE, THREAD, '/v1/articles?limit=20'],
      apply: async () => {
        t.equal((await postComment(app, SLUG, { author_email: commenter, body: `Comment ${++n}` })).statusCode, 201)
      },
    },
    {
      name: 'tag name',
      shows: [ARTICLE, `/v1/tags/${tag}`, '/v1/feeds/feed.json', '/v1/feeds/rss.xml'],
      apply: async () => {
        t.equal((await app.inject({ method: 'PATCH', url: `/v1/admin/tags/${tag}`, headers: { ...admin.auth, 'if-match': '*' }, payload: { name: `Tag ${++n}` } })).statusCode, 200)
      },
    },
    {
      name: 'section name',
      shows: [ARTICLE, '/v1/sections', '/v1/site', '/v1/feeds/sections/asia-pacific/rss.xml'],
      apply: async () => {
        t.equal((await app.inject({ method: 'PATCH', url: '/v1/admin/sections/asia-pacific', headers: { ...admin.auth, 'if-match': '*' }, payload: { name: `Asia ${++n}` } })).statusCode, 200)
      },
    },
    {
      name: 'author',
      shows: [ARTICLE, '/v1/authors/the-defence-times', '/v1/feeds/rss.xml'],
      apply: async () => {
        t.equal((await app.inject({ method: 'PATCH', url: '/v1/admin/authors/the-defence-times', headers: { ...admin.auth, 'if-match': '*' }, payload: { name: `Desk ${++n}` } })).statusCode, 200)
      },
    },
    {
      name: 'featured media alt',
      shows: [ARTICLE, '/v1/articles?limit=20'],
      apply: async () => {
        const url = `/v1/admin/media/${mediaId}`
        const res = await app.inject({ method: 'PATCH', url, headers: { ...admin.auth, 'if-match': await versioned(url) }, payload: { alt: `A jet, take ${++n}` } })
        t.equal(res.statusCode, 200)
      },
    },
    {
      name: 'site settings',
      shows: ['/v1/site', '/v1/feeds/feed.json', '/v1/feeds/rss.xml'],
      apply: async () => {
        const url = '/v1/admin/settings'
        t.equal((await app.inject({ method: 'PATCH', url, headers: { ...admin.auth, 'if-match': await versioned(url) }, payload: { title: `The Times ${++n}` } })).statusCode, 200)
      },
    },
  ]

  const check = async (change: Change, coding: string) => {
    const headers = coding === 'identity' ? {} : { 'accept-encoding': coding }
    const before = new Map<string, Reply>()
    for (const url of watched) before.set(url, await app.inject({ url, headers }))
    const delivered = receiver.received.length
    await change.apply()
    await app.services.outbox.runOnce()
    const purged = new Set(receiver.received.slice(delivered).flatMap((r) => (JSON.parse(r.body) as { purge_keys: string[] }).purge_keys))
    const since = new Date(Date.now() + 86_400_000).toUTCString()
    for (const url of watched) {
      const old = before.get(url)!
      const now = await app.inject({ url, headers })
      t.equal(now.statusCode, 200, `${url} answers`)
      const changed = bodyOf(now) !== bodyOf(old)
      if (change.shows.includes(url)) t.ok(changed, `${change.name}: ${url} shows it`)
      const byTag = await app.inject({ url, headers: { ...headers, 'if-none-match': String(old.headers.etag) } })
      const byDate = await app.inject({ url, headers: { ...headers, 'if-modified-since': since } })
      t.equal(byDate.statusCode, 200, `${change.name}, ${coding}: If-Modified-Since ${url}`)
      if (changed) {
        t.equal(byTag.statusCode, 200, `${change.name}, ${coding}: If-None-Match ${url} is 200`)
        const keys = String(old.headers['surrogate-key']).split(' ')
        t.ok(keys.some((k) => purged.has(k)), `${change.name}: a CDN holding ${url} purges it (${[...purged].join(' ')})`)
      } else {
        t.equal(byTag.statusCode, 304, `${change.name}, ${coding}: ${url} unchanged, still validated`)
      }
    }
  }

  // Every kind of change once, then random sequences in random codings.
  for (const change of changes) await check(change, 'br')
  await fc.assert(
    fc.asyncProperty(fc.array(fc.constantFrom(...changes), { minLength: 1, maxLength: 3 }), fc.constantFrom('identity', 'gzip', 'br', 'gzip;q=0.5, br;q=0.1'), async (sequence, coding) => {
      for (const change of sequence) await check(change, coding)
    }),
    { numRuns: 4, seed: 20261201 },
  )
})

/** An email whose comments are approved at once (201): one of its comments was approved before. */
async function approvedCommenter(app: TestApp, moderator: TestUser): Promise<string> {
  const email = 'regular@example.com'
  const first = await postComment(app, SLUG, { author_email: email })
  await app.inject({ method: 'PATCH', url: `/v1/admin/comments/${first.json().data.id}`, headers: { ...moderator.auth, 'if-match': '*' }, payload: { status: 'approved' } })
  return email
}
