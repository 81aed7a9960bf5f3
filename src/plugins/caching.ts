import { hash } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { ArticleSummaryBody } from '../schemas/content.js'
import type { CachedResponse, ResponseCache } from '../services/response-cache.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** `public`: a cacheable public read (ETag, Cache-Control: public, 304, response cache). Anything else is no-store. */
    cache?: 'public'
    /** Surrogate keys every response of the route carries (e.g. `articles`), on top of those found in its body. */
    cacheTags?: readonly string[]
  }
  interface FastifyRequest {
    cacheState: {
      generation: number
      keys: Set<string>
      lastModified: string
      hit: boolean
      /** The handler named what the body contains (describeArticles): no walk over it. */
      described?: boolean
      expiresAt?: number
      leader?: () => void
    } | null
  }
}

export interface CachingOptions {
  maxAge: number
  staleWhileRevalidate: number
  sMaxAge: number
  /** The in-process response cache, or undefined when it is off. */
  responseCache: ResponseCache | undefined
}

/** CDNs cap the header (Fastly 16 KB); past this many keys the route's own tags stand for the rest. */
const MAX_KEYS = 200

/** RFC 9110 §13.1.2: If-None-Match uses weak comparison; `*` matches any current representation. */
export function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false
  const bare = etag.replace(/^W\//, '')
  return header.split(',').some((candidate) => {
    const c = candidate.trim()
    return c === '*' || c.replace(/^W\//, '') === bare
  })
}

/** RFC 9110 §13.1.3: If-Modified-Since counts only when there is no If-None-Match. */
export function notModifiedSince(headers: FastifyRequest['headers'], lastModified: unknown): boolean {
  const since = headers['if-modified-since']
  if (!since || headers['if-none-match'] !== undefined || typeof lastModified !== 'string') return false
  const sinceTime = Date.parse(since)
  const modifiedTime = Date.parse(lastModified)
  return Number.isFinite(sinceTime) && Number.isFinite(modifiedTime) && Math.floor(modifiedTime / 1000) <= Math.floor(sinceTime / 1000)
}

export function strongEtag(payload: string | Buffer): string {
  return `"${hash('sha1', payload, 'base64url')}"`
}

/**
 * Purge keys of a public response, from what it contains: `article:<id>` for each article,
 * `section:<slug>`, `author:<slug>`, `tag:<slug>` for what they reference, and the newest
 * `updated_at` as Last-Modified (`state.lastModified`, an ISO string: UTC ISO strings of one
 * format order as text, so only the winner is parsed). Runs on every uncached public read, so it
 * visits objects only (strings are skipped without a look) and allocates nothing but the keys.
 */
export function collectCacheKeys(value: unknown, keys: Set<string>, state: { lastModified: string }, parentKey?: string, depth = 0): void {
  if (depth > 6 || value === null || typeof value !== 'object') return
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i]
      if (item !== null && typeof item === 'object') collectCacheKeys(item, keys, state, parentKey, depth + 1)
    }
    return
  }
  const obj = value as Record<string, unknown>
  const slug = obj.slug
  if (typeof slug === 'string') {
    if (typeof obj.id === 'string' && typeof obj.title === 'string' && 'published_at' in obj) keys.add(`article:${obj.id}`)
    else if (parentKey === 'section') keys.add(`section:${slug}`)
    else if (parentKey === 'author') keys.add(`author:${slug}`)
    else if (parentKey === 'tags') keys.add(`tag:${slug}`)
  }
  const updatedAt = obj.updated_at
  if (typeof updatedAt === 'string' && updatedAt > state.lastModified) state.lastModified = updatedAt
  for (const key in obj) {
    const child = obj[key]
    if (child !== null && typeof child === 'object') collectCacheKeys(child, keys, state, key, depth + 1)
  }
}

/**
 * What collectCacheKeys would find in a body of articles (or summaries), read off them directly:
 * the hottest routes name their content instead of having the body walked. Tested to agree with
 * the walk.
 */
export function describeArticles(request: FastifyRequest, articles: readonly ArticleSummaryBody[]): void {
  const state = request.cacheState
  if (!state) return
  for (const article of articles) {
    state.keys.add(`article:${article.id}`)
    state.keys.add(`section:${article.section.slug}`)
    state.keys.add(`author:${article.author.slug}`)
    for (const tag of article.tags) state.keys.add(`tag:${tag.slug}`)
    if (article.updated_at > state.lastModified) state.lastModified = article.updated_at
  }
  state.described = true
}

/** Surrogate keys a handler knows but its body does not show (e.g. the article a comment thread belongs to). */
export function addCacheKeys(request: FastifyRequest, keys: readonly string[]): void {
  for (const key of keys) request.cacheState?.keys.add(key)
}

/** The response stops being true at `at` (ms) without any write, e.g. when comments close by age. */
export function cacheUntil(request: FastifyRequest, at: number | undefined): void {
  const state = request.cacheState
  if (state && at !== undefined && (state.expiresAt === undefined || at < state.expiresAt)) state.expiresAt = at
}

const isPublicRead = (request: FastifyRequest) =>
  (request.method === 'GET' || request.method === 'HEAD') && request.routeOptions.config?.cache === 'public'

/** Previews and other signed requests are never served from, or stored in, a shared cache. */
const isPersonal = (request: FastifyRequest) => request.url.includes('preview=')

/**
 * Cache headers for every response, and the in-process response cache. Public reads get a strong
 * ETag, Last-Modified, Cache-Control public with s-maxage and stale-while-revalidate,
 * Surrogate-Key/Cache-Tag naming what they contain (so a CDN purges exactly what a change
 * touched), and 304 on a matching If-None-Match or If-Modified-Since. Everything else (errors,
 * previews, admin) is `private, no-store` unless the route set its own.
 */
export const cachingPlugin = fp(
  async (app: FastifyInstance, options: CachingOptions) => {
    const publicCacheControl = `public, max-age=${options.maxAge}, s-maxage=${options.sMaxAge}, stale-while-revalidate=${options.staleWhileRevalidate}`
    const cache = options.responseCache
    app.decorateRequest('cacheState', null)
    /**
     * Misses in flight, by URL: concurrent requests for a URL that is being computed wait for that
     * one answer instead of all computing it (a purged hot article meets one query, not hundreds).
     */
    const inflight = new Map<string, Promise<void>>()

    const serve = (request: FastifyRequest, reply: FastifyReply, entry: CachedResponse) => {
      request.cacheState!.hit = true
      reply.headers(entry.headers).header('x-cache', 'HIT')
      if (entry.etag && (etagMatches(request.headers['if-none-match'], entry.etag) || notModifiedSince(request.headers, entry.headers['last-modified']))) {
        reply.code(304).send()
      } else {
        reply.code(entry.status).send(entry.body)
      }
    }

    const release = (request: FastifyRequest) => {
      const leader = request.cacheState?.leader
      if (leader) {
        request.cacheState!.leader = undefined
        leader()
      }
    }

    // Callback-style hooks: these run on every public read, where a promise per hook shows.
    app.addHook('onRequest', (request, reply, done) => {
      if (!isPublicRead(request) || isPersonal(request)) return done()
      request.cacheState = { generation: cache?.generation() ?? 0, keys: new Set(request.routeOptions.config.cacheTags ?? []), lastModified: '', hit: false }
      if (!cache) return done()
      const entry = cache.get(request.url)
      if (entry) return serve(request, reply, entry)
      if (request.method !== 'GET') return done()
      const pending = inflight.get(request.url)
      if (pending) {
        void pending.then(() => {
          const stored = cache.get(request.url)
          if (stored) serve(request, reply, stored)
          else done()
        })
        return
      }
      const url = request.url
      inflight.set(url, new Promise<void>((resolve) => {
        request.cacheState!.leader = () => {
          inflight.delete(url)
          resolve()
        }
      }))
      done()
    })
    // The leader lets its followers go once its answer is stored, or when it ends without one.
    if (cache) {
      app.addHook('onResponse', (request, _reply, done) => {
        release(request)
        done()
      })
      app.addHook('onRequestAbort', (request, done) => {
        release(request)
        done()
      })
    }

    app.addHook('preSerialization', (request, _reply, payload, done) => {
      if (request.cacheState && !request.cacheState.hit && !request.cacheState.described) collectCacheKeys(payload, request.cacheState.keys, request.cacheState)
      done(null, payload)
    })

    /** A 304 instead of the body when the client already holds this representation. */
    const conditional = (request: FastifyRequest, reply: FastifyReply, etag: string | undefined, payload: unknown): unknown => {
      if (etag && (etagMatches(request.headers['if-none-match'], etag) || notModifiedSince(request.headers, reply.getHeader('last-modified')))) {
        reply.code(304)
        reply.removeHeader('content-length')
        reply.removeHeader('content-type')
        return ''
      }
      return payload
    }

    // Callback style too: with the response cache off, a public read allocates no promise here.
    app.addHook('onSend', (request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (error: Error | null, value?: unknown) => void) => {
      const state = request.cacheState
      if (state?.hit) {
        if (reply.statusCode === 304) {
          reply.removeHeader('content-length')
          reply.removeHeader('content-type')
        }
        return done(null, payload)
      }
      const status = reply.statusCode
      if (!state || (status !== 200 && status !== 301)) {
        if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'private, no-store')
        return done(null, payload)
      }
      if (!reply.hasHeader('cache-control')) reply.header('cache-control', publicCacheControl)
      if (state.keys.size > 0) {
        const keys = state.keys.size > MAX_KEYS ? [...(request.routeOptions.config.cacheTags ?? [])] : [...state.keys]
        reply.header('surrogate-key', keys.join(' '))
        reply.header('cache-tag', keys.join(','))
      }
      if (state.lastModified !== '' && !reply.hasHeader('last-modified')) {
        const at = Date.parse(state.lastModified)
        if (Number.isFinite(at)) reply.header('last-modified', new Date(at).toUTCString())
      }
      const body = typeof payload === 'string' || Buffer.isBuffer(payload) ? payload : status === 301 ? '' : undefined
      if (body === undefined) return done(null, payload)
      const etag = status === 200 ? strongEtag(body) : undefined
      if (etag) reply.header('etag', etag)
      if (!cache || request.method !== 'GET') return done(null, conditional(request, reply, etag, payload))
      const headers: Record<string, string> = {}
      for (const name of ['content-type', 'cache-control', 'etag', 'last-modified', 'surrogate-key', 'cache-tag', 'link', 'location', 'content-disposition']) {
        const value = reply.getHeader(name)
        if (value !== undefined) headers[name] = String(value)
      }
      reply.header('x-cache', 'MISS')
      cache.set(request.url, state.generation, { status, headers, body: typeof body === 'string' ? Buffer.from(body) : body, etag }, state.expiresAt).then(
        () => {
          release(request)
          done(null, conditional(request, reply, etag, payload))
        },
        (error: unknown) => done(error instanceof Error ? error : new Error(String(error))),
      )
    })
  },
  { name: 'caching' },
)
