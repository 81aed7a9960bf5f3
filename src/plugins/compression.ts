import type { FastifyInstance, FastifyReply, FastifyRequest, onSendHookHandler } from 'fastify'
import fp from 'fastify-plugin'
import type { CompressionConfig } from '../config.js'
import { codedEtag, createEncoder, isCompressible, negotiateCoding } from '../lib/content-coding.js'
import { varyOnEncoding } from './caching.js'

type OnSend = (request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (error: Error | null, value?: unknown) => void) => void

/**
 * br/gzip for every response the caching plugin has not already encoded: editor routes, errors,
 * the OpenAPI document, newsletter pages. It is each route's last onSend hook (installed per route,
 * so it runs after route-level hooks such as the idempotency record, which must keep the identity
 * body), and before the one fastify adds to HEAD routes, so HEAD reports the length GET would send.
 * Public reads (200/301/304) are negotiated by the caching plugin, which keeps their encoded bodies
 * in the response cache.
 */
export const compressionPlugin = fp(
  async (app: FastifyInstance, options: CompressionConfig) => {
    if (!options.enabled) return
    const encode = createEncoder(options)

    const compress: OnSend = (request, reply, payload, done) => {
      const status = reply.statusCode
      if (status < 200 || status === 204 || status === 304 || reply.hasHeader('content-encoding')) return done(null, payload)
      if (request.cacheState && (status === 200 || status === 301)) return done(null, payload)
      if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return done(null, payload)
      const length = Buffer.byteLength(payload)
      if (length === 0 || length < options.minBytes || !isCompressible(reply.getHeader('content-type'))) return done(null, payload)
      varyOnEncoding(reply)
      const coding = negotiateCoding(request.headers['accept-encoding'])
      if (coding === null) return done(null, payload)
      const etag = reply.getHeader('etag')
      if (typeof etag === 'string') reply.header('etag', codedEtag(etag, coding))
      encode(typeof payload === 'string' ? Buffer.from(payload) : payload, coding).then(
        (body) => {
          reply.header('content-encoding', coding)
          done(null, body)
        },
        (error: unknown) => done(error instanceof Error ? error : new Error(String(error))),
      )
    }

    app.addHook('onRoute', (route) => {
      const hooks = route.onSend === undefined ? [] : Array.isArray(route.onSend) ? [...route.onSend] : [route.onSend]
      const last = hooks[hooks.length - 1]
      // Fastify's own HEAD hook turns the body into its Content-Length: ours must come before it.
      const at = route.method === 'HEAD' && last?.name === 'headRouteOnSendHandler' ? hooks.length - 1 : hooks.length
      hooks.splice(at, 0, compress as onSendHookHandler)
      route.onSend = hooks
    })
  },
  { name: 'compression' },
)
