import { hash } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { CompressionConfig, PurgeHeaderFlavour } from '../config.js'
import { codedEtag, createEncoder, isCompressible, negotiateCoding, type Coding } from '../lib/content-coding.js'
import { AppError } from '../errors.js'
import type { ArticleSummaryBody } from '../schemas/content.js'
import { articleKey, authorKey, boundKeys, sectionKey, tagKey } from '../services/cache-keys.js'
import type { CachedResponse, ResponseCache } from '../services/response-cache.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** `public`: a cacheable public read (ETag, Cache-Control: public, 304, response cache). Anything else is no-store. */
    cache?: 'public'
    /**
     * The list keys every response of the route carries (`articles`, `sections`…): required with
     * `cache: 'public'`. The handler adds the keys of what it returns (describeArticles, addCacheKeys).
     */
    cacheTags?: readonly string[]
  }
  interface FastifyRequest {
    cacheState: {
      generation: number
      keys: Set<string>
      hit: boolean
      expiresAt?: number
      leader?: (failed: LeaderFailure | undefined) => void
    } | null
  }
  interface FastifyInstance {
    /** Every public route with the list keys it declares, as registered. */
    publicRoutes: readonly PublicRoute[]
  }
}

/** How a leader's miss ended without an answer to share: its followers answer the same. */
interface LeaderFailure {
  retryAfter: string
}

export interface PublicRoute {
  method: string
  url: string
  cacheTags: readonly string[]
}

export interface CachingOptions {
  maxAge: number
  staleWhileRevalidate: number
  sMaxAge: number
  purgeHeader: PurgeHeaderFlavour
  purgeHeaderMaxBytes: number
  compression: CompressionConfig
  /** The in-process response cache, or undefined when it is off. */
  responseCache: ResponseCache | undefined
}

/** RFC 9110 §13.1.2: If-None-Match uses weak comparison; `*` matches any current representation. */
export function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false
  const bare = etag.replace(/^W\//, '')
  return header.split(',').some((candidate) => {
    const c = candidate.trim()
    return c === '*' || c.replace(/^W\//, '') === bare
  })
}

export function strongEtag(payload: string | Buffer): string {
  return `"${hash('sha1', payload, 'base64url')}"`
}

/** Adds Accept-Encoding to Vary, keeping what is there (CORS adds Origin). */
export function varyOnEncoding(reply: FastifyReply): void {
  const current = reply.getHeader('vary')
  if (current === undefined) reply.header('vary', 'Accept-Encoding')
  else if (!/accept-encoding|\*/i.test(String(current))) reply.header('vary', `${String(current)}, Accept-Encoding`)
}

/**
 * The keys of a body of articles (or summaries): each article, and the section, author and tags it
 * shows. The hottest routes name their content this way, one pass over what they return.
 */
export function describeArticles(request: FastifyRequest, articles: readonly ArticleSummaryBody[]): void {
  const keys = request.cacheState?.keys
  if (!keys) return
  for (const article of articles) {
    keys.add(articleKey(article.id))
    keys.add(sectionKey(article.section.slug))
    for (const author of article.authors) keys.add(authorKey(author.slug))
    for (const tag of article.tags) keys.add(tagKey(tag.slug))
  }
}

/** Surrogate keys of what a handler returns, or knows its body depends on (the article of a thread). */
export function addCacheKeys(request: FastifyRequest, keys: Iterable<string>): void {
  const set = request.cacheState?.keys
  if (set) for (const key of keys) set.add(key)
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

/** Headers a stored response replays (its ETag is kept apart: it is coded per request). */
const STORED_HEADERS = ['content-type', 'cache-control', 'surrogate-control', 'cdn-cache-control', 'surrogate-key', 'cache-tag', 'link', 'location', 'content-disposition']

/**
 * Cache headers for every response, the in-process response cache, and compression of public
 * reads. A public read gets a strong ETag (per content coding), `Cache-Control` that makes
 * browsers revalidate on every use (`max-age=0, must-revalidate` by default) while CDNs keep it
 * `s-maxage` (stale-while-revalidate in the CDN's own header), the purge keys of what it shows in
 * the configured header (bounded: coarser keys past the bound), and 304 on a matching
 * If-None-Match. No Last-Modified: no one date moves with everything a representation shows
 * (counts, names, settings), and a validator that can miss a change is worse than none, so
 * If-Modified-Since is answered in full. Everything else is `private, no-store` unless the route
 * set its own.
 */
export const cachingPlugin = fp(
  async (app: FastifyInstance, options: CachingOptions) => {
    const publicCacheControl = `public, max-age=${options.maxAge}, must-revalidate, s-maxage=${options.sMaxAge}`
    const cdnControl = options.staleWhileRevalidate > 0 ? `max-age=${options.sMaxAge}, stale-while-revalidate=${options.staleWhileRevalidate}` : undefined
    const flavour = options.purgeHeader
    const fastly = flavour === 'surrogate-key' || flavour === 'both'
    const tagged = flavour === 'cache-tag' || flavour === 'both'
    const keyBudget = flavour === 'both' ? Math.floor(options.purgeHeaderMaxBytes / 2) : options.purgeHeaderMaxBytes
    const { compression } = options
    const encode = createEncoder(compression)
    const cache = options.responseCache
    const publicRoutes: PublicRoute[] = []
    app.decorate('publicRoutes', publicRoutes)
    app.decorateRequest('cacheState', null)

    // A public route that names no keys would be kept by CDNs past the changes it shows.
    app.addHook('onRoute', (route) => {
      if (route.config?.cache !== 'public') return
      const tags = route.config.cacheTags
      if (!tags || tags.length === 0) throw new Error(`${String(route.method)} ${route.url} is cache: 'public' and must declare config.cacheTags`)
      publicRoutes.push({ method: String(route.method), url: route.url, cacheTags: tags })
    })

    const negotiable = (status: number, contentType: unknown, length: number) =>
      compression.enabled && status === 200 && length > 0 && length >= compression.minBytes && isCompressible(contentType)

    /**
     * Misses in flight, by URL: concurrent requests for a URL that is being computed wait for that
     * one answer instead of all computing it (a purged hot article meets one query, not hundreds).
     * When the leader's answer was a 503 (the database is away or past its deadline), its
     * followers answer 503 too, at once, instead of each asking the database again and so waiting
     * out a second deadline.
     */
    const inflight = new Map<string, Promise<LeaderFailure | undefined>>()

    const serve = (request: FastifyRequest, reply: FastifyReply, entry: CachedResponse) => {
      request.cacheState!.hit = true
      reply.headers(entry.headers).header('x-cache', 'HIT')
      let coding: Coding | null = null
      if (entry.negotiable) {
        varyOnEncoding(reply)
        coding = negotiateCoding(request.headers['accept-encoding'])
      }
      if (entry.etag) {
        const etag = codedEtag(entry.etag, coding)
        reply.header('etag', etag)
        if (etagMatches(request.headers['if-none-match'], etag)) return void reply.code(304).send()
      }
      if (coding === null || !cache) return void reply.code(entry.status).send(entry.body)
      const ready = entry.encoded[coding]
      if (ready) return void reply.code(entry.status).header('content-encoding', coding).send(ready)
      cache.encoded(request.url, entry, coding, encode).then(
        (body) => void reply.code(entry.status).header('content-encoding', coding).send(body),
        (error: unknown) => void reply.send(error),
      )
    }

    const release = (request: FastifyRequest, failed?: LeaderFailure) => {
      const leader = request.cacheState?.leader
      if (leader) {
        request.cacheState!.leader = undefined
        leader(failed)
      }
    }

    // Callback-style hooks: these run on every public read, where a promise per hook shows.
    app.addHook('onRequest', (request, reply, done) => {
      if (!isPublicRead(request) || isPersonal(request)) return done()
      request.cacheState = { generation: cache?.generation() ?? 0, keys: new Set(request.routeOptions.config.cacheTags), hit: false }
      if (!cache) return done()
      const entry = cache.get(request.url)
      if (entry) return serve(request, reply, entry)
      if (request.method !== 'GET') return done()
      const pending = inflight.get(request.url)
      if (pending) {
        void pending.then((failed) => {
          const stored = cache.get(request.url)
          if (stored) serve(request, reply, stored)
          else if (failed) done(new AppError('SERVICE_UNAVAILABLE', 'The database is not reachable right now. Retry shortly.', { headers: { 'retry-after': failed.retryAfter } }))
          else done()
        })
        return
      }
      const url = request.url
      inflight.set(url, new Promise<LeaderFailure | undefined>((resolve) => {
        request.cacheState!.leader = (failed) => {
          inflight.delete(url)
          resolve(failed)
        }
      }))
      done()
    })
    // The leader lets its followers go once its answer is stored, or when it ends without one.
    if (cache) {
      app.addHook('onResponse', (request, reply, done) => {
        release(request, reply.statusCode === 503 ? { retryAfter: String(reply.getHeader('retry-after') ?? '5') } : undefined)
        done()
      })
      app.addHook('onRequestAbort', (request, done) => {
        release(request)
        done()
      })
    }

    const setPurgeHeaders = (reply: FastifyReply, keys: Set<string>) => {
      if (keys.size === 0 || (!fastly && !tagged)) return
      const bounded = boundKeys(keys, keyBudget)
      if (fastly) reply.header('surrogate-key', bounded.join(' '))
      if (tagged) reply.header('cache-tag', bounded.join(','))
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
      if (!reply.hasHeader('cache-control')) {
        reply.header('cache-control', publicCacheControl)
        if (cdnControl && fastly) reply.header('surrogate-control', cdnControl)
        if (cdnControl && tagged) reply.header('cdn-cache-control', cdnControl)
      }
      setPurgeHeaders(reply, state.keys)
      const text = typeof payload === 'string' || Buffer.isBuffer(payload) ? payload : status === 301 ? '' : undefined
      if (text === undefined) return done(null, payload)
      const body = typeof text === 'string' ? Buffer.from(text) : text
      const varies = negotiable(status, reply.getHeader('content-type'), body.length)
      const coding = varies ? negotiateCoding(request.headers['accept-encoding']) : null
      if (varies) varyOnEncoding(reply)
      const etag = status === 200 ? strongEtag(body) : undefined
      const sentEtag = etag === undefined ? undefined : codedEtag(etag, coding)
      if (sentEtag) reply.header('etag', sentEtag)

      /** A 304 when the client holds this representation; else the body in the negotiated coding. */
      const finish = (entry: CachedResponse | undefined) => {
        if (sentEtag && etagMatches(request.headers['if-none-match'], sentEtag)) {
          reply.code(304)
          reply.removeHeader('content-length')
          reply.removeHeader('content-type')
          return done(null, '')
        }
        if (coding === null) return done(null, body)
        const encoded = entry && cache ? cache.encoded(request.url, entry, coding, encode) : encode(body, coding)
        encoded.then(
          (bytes) => {
            reply.header('content-encoding', coding)
            done(null, bytes)
          },
          (error: unknown) => done(error instanceof Error ? error : new Error(String(error))),
        )
      }

      if (request.method !== 'GET') return finish(undefined)
      // Computed for this request, whether or not it is then kept: with RESPONSE_CACHE=false every
      // public read says MISS, so a benchmark (or a person) can see that nothing came from memory.
      reply.header('x-cache', 'MISS')
      if (!cache) return finish(undefined)
      const headers: Record<string, string> = {}
      for (const name of STORED_HEADERS) {
        const value = reply.getHeader(name)
        if (value !== undefined) headers[name] = String(value)
      }
      cache.set(request.url, state.generation, { status, headers, body, etag, negotiable: varies }, state.expiresAt).then(
        (entry) => {
          release(request)
          finish(entry)
        },
        (error: unknown) => done(error instanceof Error ? error : new Error(String(error))),
      )
    })
  },
  { name: 'caching' },
)
