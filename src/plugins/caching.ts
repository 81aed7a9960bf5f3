import { createHash } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** `public`: a cacheable public read (ETag, Cache-Control: public, 304). Anything else is no-store. */
    cache?: 'public'
  }
}

export interface CachingOptions {
  maxAge: number
  staleWhileRevalidate: number
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

/** RFC 9110 §13.1.3: If-Modified-Since counts only when there is no If-None-Match. */
export function notModifiedSince(headers: FastifyRequest['headers'], lastModified: unknown): boolean {
  const since = headers['if-modified-since']
  if (!since || headers['if-none-match'] !== undefined || typeof lastModified !== 'string') return false
  const sinceTime = Date.parse(since)
  const modifiedTime = Date.parse(lastModified)
  return Number.isFinite(sinceTime) && Number.isFinite(modifiedTime) && Math.floor(modifiedTime / 1000) <= Math.floor(sinceTime / 1000)
}

export function strongEtag(payload: string | Buffer): string {
  return `"${createHash('sha1').update(payload).digest('base64url')}"`
}

/**
 * Cache headers for every response: public reads get a strong ETag, Cache-Control public with
 * stale-while-revalidate, and 304 on a matching If-None-Match; everything else (errors, previews,
 * admin) is `private, no-store` unless the route set its own.
 */
export const cachingPlugin = fp(
  async (app: FastifyInstance, options: CachingOptions) => {
    const publicCacheControl = `public, max-age=${options.maxAge}, stale-while-revalidate=${options.staleWhileRevalidate}`

    app.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
      const isRead = request.method === 'GET' || request.method === 'HEAD'
      const status = reply.statusCode
      if (!isRead || request.routeOptions.config?.cache !== 'public' || (status !== 200 && status !== 301)) {
        if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'private, no-store')
        return payload
      }
      if (!reply.hasHeader('cache-control')) reply.header('cache-control', publicCacheControl)
      if (status !== 200 || (typeof payload !== 'string' && !Buffer.isBuffer(payload))) return payload
      const etag = strongEtag(payload)
      reply.header('etag', etag)
      if (etagMatches(request.headers['if-none-match'], etag) || notModifiedSince(request.headers, reply.getHeader('last-modified'))) {
        reply.code(304)
        reply.removeHeader('content-length')
        reply.removeHeader('content-type')
        return ''
      }
      return payload
    })
  },
  { name: 'caching' },
)
