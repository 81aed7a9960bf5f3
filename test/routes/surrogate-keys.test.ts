import Fastify from 'fastify'
import t from 'tap'
import { cachingPlugin } from '../../src/plugins/caching.js'
import { declareEditorRoute } from '../../src/routes/admin/index.js'
import { build } from '../helpers/build.js'

const SLUG = 'chinas-6th-generation-fighter-jet-takes-first-flight'
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/**
 * The keys a body shows, found by walking it: `article:<id>` for every article (an object with an
 * id, slug, title and published_at), the section, author and tags each references, and the
 * sections of search facets (by name). `kind`
 * names what the top-level items of `data` are on the section, author and tag routes. A byline's
 * authors (`authors`) are authors like `author`.
 */
function shownKeys(value: unknown, keys: Set<string>, kind?: 'section' | 'author' | 'tag', parentKey?: string, depth = 0): Set<string> {
  if (value === null || typeof value !== 'object' || depth > 8) return keys
  if (Array.isArray(value)) {
    for (const item of value) shownKeys(item, keys, kind, parentKey, depth + 1)
    return keys
  }
  const obj = value as Record<string, unknown>
  if (typeof obj.slug === 'string') {
    if (typeof obj.id === 'string' && UUID.test(obj.id) && typeof obj.title === 'string' && 'published_at' in obj) keys.add(`article:${obj.id}`)
    else if (parentKey === 'section' || (parentKey === 'sections' && 'name' in obj)) keys.add(`section:${obj.slug}`)
    else if (parentKey === 'author' || (parentKey === 'authors' && 'name' in obj)) keys.add(`author:${obj.slug}`)
    else if (parentKey === 'tags') keys.add(`tag:${obj.slug}`)
    else if (parentKey === 'data' && depth <= 2 && kind) keys.add(`${kind}:${obj.slug}`)
  }
  for (const [key, child] of Object.entries(obj)) shownKeys(child, keys, kind, key, depth + 1)
  return keys
}

const keysOf = (res: { headers: Record<string, unknown> }) => new Set(String(res.headers['surrogate-key'] ?? '').split(' ').filter(Boolean))

t.test("every public route declares its list keys, and each response's keys are exactly what its body shows", async (t) => {
  const app = await build(t, { seed: true, env: { CDN_PURGE_HEADER_MAX_BYTES: '16384' } })
  const article = (await app.inject({ url: `/v1/articles/${SLUG}` })).json().data
  const tag: string = article.tags[0].slug
  const cursor = (await app.inject({ url: '/v1/articles?limit=2' })).json().meta.next_cursor

  /** Sample requests per public route, with the item kind of its `data` and keys the body cannot show. */
  const samples: Record<string, { urls: string[]; kind?: 'section' | 'author' | 'tag'; extra?: string[]; likeArticles?: true }> = {
    '/v1/site': { urls: ['/v1/site'] },
    '/v1/sections': { urls: ['/v1/sections', '/v1/sections?include=latest&latest_limit=2'], kind: 'section' },
    '/v1/sections/:slug': { urls: ['/v1/sections/india'], kind: 'section' },
    '/v1/articles': { urls: ['/v1/articles', '/v1/articles?limit=3&section=india', `/v1/articles?tag=${tag}&sort=published_at`, '/v1/articles?q=missile', `/v1/articles?limit=2&cursor=${cursor}`] },
    '/v1/articles/:slug': { urls: [`/v1/articles/${SLUG}`] },
    '/v1/articles/:slug/related': { urls: [`/v1/articles/${SLUG}/related`, `/v1/articles/${SLUG}/related?limit=3&explain=true`] },
    '/v1/articles/:slug/comments': { urls: [`/v1/articles/${SLUG}/comments`], extra: [`article:${article.id}`, `comments:${article.id}`] },
    '/v1/authors': { urls: ['/v1/authors'], kind: 'author' },
    '/v1/corrections': { urls: ['/v1/corrections', '/v1/corrections?limit=1&page=1'] },
    '/v1/authors/:slug': { urls: ['/v1/authors/the-defence-times'], kind: 'author' },
    '/v1/tags': { urls: ['/v1/tags', '/v1/tags?limit=5&page=2'], kind: 'tag' },
    '/v1/tags/:slug': { urls: [`/v1/tags/${tag}`], kind: 'tag' },
    '/v1/pages': { urls: ['/v1/pages'] },
    '/v1/pages/:slug': { urls: ['/v1/pages/about-us'] },
    '/v1/search': { urls: ['/v1/search?q=missile', '/v1/search?q=china&section=asia-pacific&limit=3'] },
    '/v1/feeds/rss.xml': { urls: ['/v1/feeds/rss.xml'], likeArticles: true },
    '/v1/feeds/feed.json': { urls: ['/v1/feeds/feed.json'], likeArticles: true },
    '/v1/feeds/sections/:slug/rss.xml': { urls: ['/v1/feeds/sections/india/rss.xml'], likeArticles: true, extra: ['section:india'] },
    '/v1/feeds/sections/:slug/feed.json': { urls: ['/v1/feeds/sections/india/feed.json'], likeArticles: true, extra: ['section:india'] },
    '/v1/sitemap': { urls: ['/v1/sitemap'] },
    // Purged by every write (its list keys cover all kinds): no fine keys to name.
    '/v1/resolve': { urls: ['/v1/resolve?path=/about-us', `/v1/resolve?path=/${SLUG}`, '/v1/resolve?path=/section/india/'] },
    '/sitemap.xml': { urls: ['/sitemap.xml'] },
    '/sitemap-news.xml': { urls: ['/sitemap-news.xml'] },
    '/v1/collections': { urls: ['/v1/collections'], extra: ['collection:top-stories'] },
    '/v1/collections/:slug': { urls: ['/v1/collections/top-stories'], extra: ['collection:top-stories'] },
    '/sitemaps/:file': { urls: ['/sitemaps/pages.xml'] },
  }

  const routes = app.publicRoutes.filter((r) => r.method === 'GET')
  t.ok(routes.length >= 21)
  for (const route of routes) {
    t.ok(route.cacheTags.length > 0, `${route.url} declares cacheTags`)
    const sample = samples[route.url]
    if (!sample) {
      t.fail(`${route.url} is public: add sample requests here so its surrogate keys are checked against its body`)
      continue
    }
    for (const url of sample.urls) {
      const res = await app.inject({ url })
      if (res.statusCode !== 200) {
        t.fail(`${url}: ${res.statusCode}`)
        continue
      }
      const expected = new Set([...route.cacheTags, ...(sample.extra ?? [])])
      if (sample.likeArticles) {
        // A feed shows what the same articles show on their own (titles, section, author, tags).
        const feed = (await app.inject({ url: url.replace(/rss\.xml$/, 'feed.json') })).json() as { items: { url: string }[] }
        for (const item of feed.items) {
          const own = await app.inject({ url: `/v1/articles/${item.url.split('/').pop()}` })
          for (const key of keysOf(own)) if (key !== 'articles') expected.add(key)
        }
      } else if (res.headers['content-type']?.toString().startsWith('application/json')) {
        shownKeys(res.json(), expected, sample.kind)
      }
      t.same([...keysOf(res)].sort(), [...expected].sort(), `${url}: Surrogate-Key is what the body shows`)
    }
  }
  t.same(Object.keys(samples).filter((url) => !routes.some((r) => r.url === url)), [], 'no sample for a route that is gone')

  const ranked = await app.inject({ url: '/v1/tags?sort=-article_count' })
  t.ok(keysOf(ranked).has('articles'), 'tags ranked by article counts: their order moves with any article')
})

t.test('the purge-key header stays under CDN_PURGE_HEADER_MAX_BYTES, coarser past it', async (t) => {
  const app = await build(t, { seed: true, env: { CDN_PURGE_HEADER_MAX_BYTES: '600', CDN_PURGE_HEADER: 'both' } })
  const res = await app.inject({ url: '/v1/articles?limit=20' })
  const keys = String(res.headers['surrogate-key']).split(' ')
  t.ok(keys.join(' ').length <= 300, 'both headers share the budget')
  t.equal(String(res.headers['cache-tag']), keys.join(','))
  t.same(keys.sort(), ['articles', 'authors', 'comment-counts', 'sections', 'tags'].sort(), 'only list keys: any change that touched the list still purges it')
  const single = await app.inject({ url: `/v1/articles/${SLUG}` })
  t.ok(String(single.headers['surrogate-key']).includes('article:'), 'a response that fits keeps its fine keys')

  const roomy = await build(t, { seed: true })
  const list = await roomy.inject({ url: '/v1/articles?limit=20' })
  const listKeys = String(list.headers['surrogate-key'])
  t.ok(listKeys.length <= 2048, 'the default bound')
  t.equal(listKeys.split(' ').filter((k) => k.startsWith('article:')).length, 18, "the demo's whole list fits with its fine keys")
  t.equal(list.headers['cache-tag'], undefined)
})

t.test('declarations are enforced at startup', async (t) => {
  const app = Fastify()
  await app.register(cachingPlugin, {
    maxAge: 0,
    staleWhileRevalidate: 0,
    sMaxAge: 60,
    purgeHeader: 'surrogate-key',
    purgeHeaderMaxBytes: 2048,
    compression: { enabled: true, minBytes: 1024, brotliQuality: 5, gzipLevel: 6 },
    responseCache: undefined,
  })
  t.throws(() => app.get('/forgetful', { config: { cache: 'public' } }, async () => ({ ok: true })), /GET \/forgetful is cache: 'public' and must declare config.cacheTags/)
  t.doesNotThrow(() => app.get('/mindful', { config: { cache: 'public', cacheTags: ['things'] } }, async () => ({ ok: true })))
  await app.close()

  t.throws(() => declareEditorRoute({ method: 'POST', url: '/v1/admin/things', config: { roles: ['admin'] } }), /must declare config\.idempotent/)
  t.throws(() => declareEditorRoute({ method: 'GET', url: '/v1/admin/things', config: {} }), /must declare config\.roles/)
  t.doesNotThrow(() => declareEditorRoute({ method: 'GET', url: '/v1/admin/things', config: { roles: ['admin'] } }), 'reads need no idempotency')
  t.doesNotThrow(() => declareEditorRoute({ method: 'DELETE', url: '/v1/admin/things/:id', config: { roles: ['admin'], idempotent: false } }), 'a write may say no')

  const api = await build(t)
  const spec = api.swagger() as { paths: Record<string, Record<string, { parameters?: { in: string; name: string }[] }>> }
  const writes: string[] = []
  // Public writes that store what a reader sends take a key too (per email address: plugins/idempotency.ts keysPerEmail).
  const publicKeyed = new Set(['post /v1/articles/{slug}/comments', 'post /v1/newsletter/subscriptions'])
  for (const [path, operations] of Object.entries(spec.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const keyed = (operation.parameters ?? []).some((p) => p.in === 'header' && p.name === 'idempotency-key')
      const editorWrite = path.startsWith('/v1/admin/') && ['post', 'put', 'patch', 'delete'].includes(method)
      const takesKey = editorWrite || publicKeyed.has(`${method} ${path}`)
      t.equal(keyed, takesKey, `${method.toUpperCase()} ${path} ${takesKey ? 'takes' : 'takes no'} Idempotency-Key`)
      if (editorWrite) writes.push(`${method} ${path}`)
    }
  }
  t.equal(writes.length, 50, 'every editor write declares config.idempotent: true')
})
