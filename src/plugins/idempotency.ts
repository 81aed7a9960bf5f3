import type { FastifyInstance, FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify'
import fp from 'fastify-plugin'
import { createHash } from 'node:crypto'
import { createIdempotencyRepository } from '../db/repositories/idempotency.js'
import { AppError } from '../errors.js'
import type { Clock } from '../lib/clock.js'
import { idempotencyContext, type IdempotencyScope } from '../lib/idempotency-context.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route takes an Idempotency-Key: a retry gets the first response back and never writes twice. */
    idempotent?: boolean
  }
  interface FastifyRequest {
    idempotency: IdempotencyScope | null
  }
}

export interface IdempotencyOptions {
  clock: Clock
  /** How long a claimed key is held for its request before a retry may take it over (ms). */
  leaseMs: number
  /** How long keys and their responses are kept (ms). */
  retentionMs: number
}

const KEY = /^[\x21-\x7e]{1,255}$/
export const WRITE_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])
/** Headers of the original response a replay carries. */
const REPLAYED_HEADERS = ['content-type', 'location', 'etag', 'content-disposition']

function fingerprintOf(request: FastifyRequest): string {
  const hash = createHash('sha256')
  hash.update(`${request.method} ${request.url}\n`)
  hash.update(`if-match: ${String(request.headers['if-match'] ?? '')}\n`)
  hash.update(`content-length: ${request.body === undefined ? String(request.headers['content-length'] ?? '') : ''}\n`)
  hash.update(request.body === undefined ? '' : JSON.stringify(request.body))
  return hash.digest('hex')
}

/**
 * `Idempotency-Key` (IETF draft-ietf-httpapi-idempotency-key-header) on every write route that
 * declares `config.idempotent: true` (every editor write does): the first request with a key runs
 * and its response is recorded; a retry with the same key and the same request gets that response back
 * (`Idempotent-Replayed: true`) and never writes twice; the same key with a different request is
 * 422; a retry while the first is still running is 409 with Retry-After. The key is marked in the
 * write's own transaction, so even a crash between commit and response cannot cause a second
 * write. Keys are per user and kept for `retentionMs`.
 */
export const idempotencyPlugin = fp(
  async (app: FastifyInstance, options: IdempotencyOptions) => {
    const repo = createIdempotencyRepository(app.database.db)
    const { clock } = options
    let claims = 0
    app.decorateRequest('idempotency', null)

    const begin = async (request: FastifyRequest, reply: FastifyReply): Promise<'run' | 'replayed'> => {
      const header = request.headers['idempotency-key']
      if (header === undefined) return 'run'
      if (typeof header !== 'string' || !KEY.test(header)) {
        throw new AppError('VALIDATION_FAILED', 'Idempotency-Key must be 1–255 visible ASCII characters', {
          invalidParams: [{ name: 'header.idempotency-key', reason: 'must be 1–255 visible ASCII characters' }],
        })
      }
      const userId = request.actor?.id
      if (!userId) return 'run'
      const fingerprint = fingerprintOf(request)
      const now = clock.now()
      if (++claims % 200 === 0) void repo.deleteOlderThan(new Date(now.getTime() - options.retentionMs)).catch((error: unknown) => request.log.warn({ err: error }, 'idempotency cleanup failed'))
      if (await repo.claim(userId, header, fingerprint, new Date(now.getTime() + options.leaseMs))) {
        request.idempotency = { userId, key: header, committed: false }
        return 'run'
      }
      const found = await repo.find(userId, header)
      if (!found) throw new AppError('IDEMPOTENCY_CONFLICT', 'The idempotency key was just released; retry', { headers: { 'retry-after': '1' } })
      if (found.fingerprint !== fingerprint || now.getTime() - found.createdAt.getTime() > options.retentionMs) {
        throw new AppError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was already used for a different request; use a new key for a new request', {
          invalidParams: [{ name: 'header.idempotency-key', reason: 'was used for a different request' }],
        })
      }
      if (found.responseStatus !== null) {
        void reply
          .code(found.responseStatus)
          .headers({ ...(found.responseHeaders ?? {}), 'idempotent-replayed': 'true' })
          .send(found.responseBody ?? '')
        return 'replayed'
      }
      // Within the lease the first request is still in flight, even when its write has committed and
      // its response is about to be recorded: the retry waits. Past the lease, a committed write without
      // a response means that request died between its commit and its answer.
      if (found.lockedUntil.getTime() > now.getTime()) {
        const seconds = Math.max(1, Math.ceil((found.lockedUntil.getTime() - now.getTime()) / 1000))
        throw new AppError('IDEMPOTENCY_CONFLICT', 'A request with this Idempotency-Key is still being processed; retry later', { headers: { 'retry-after': String(Math.min(seconds, 5)) } })
      }
      if (found.committed) {
        throw new AppError('IDEMPOTENCY_CONFLICT', 'The request with this Idempotency-Key was applied, but its response was not recorded (the server failed right after the write); read the resource to see the result')
      }
      // The first attempt died before writing anything: this retry takes its place.
      if (!(await repo.takeOver(userId, header, now, new Date(now.getTime() + options.leaseMs)))) {
        throw new AppError('IDEMPOTENCY_CONFLICT', 'A request with this Idempotency-Key is being processed; retry later', { headers: { 'retry-after': '1' } })
      }
      request.idempotency = { userId, key: header, committed: false }
      return 'run'
    }

    // Record the response before it leaves, so an acknowledged write is replayable.
    const record = async (request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> => {
      const scope = request.idempotency
      if (!scope) return payload
      request.idempotency = null
      try {
        if (reply.statusCode >= 200 && reply.statusCode < 300 && (payload === null || payload === undefined || typeof payload === 'string' || Buffer.isBuffer(payload))) {
          const headers: Record<string, string> = {}
          for (const name of REPLAYED_HEADERS) {
            const value = reply.getHeader(name)
            if (value !== undefined) headers[name] = String(value)
          }
          await repo.complete(scope.userId, scope.key, { status: reply.statusCode, headers, body: payload === null || payload === undefined ? '' : payload.toString() }, clock.now())
        } else if (!scope.committed) {
          await repo.release(scope.userId, scope.key)
        }
      } catch (error) {
        // The write itself succeeded; a retry finds the key committed and says so instead of writing again.
        request.log.warn({ err: error }, 'could not record the Idempotency-Key response')
      }
      return payload
    }

    app.addHook('onRoute', (route) => {
      if (route.config?.idempotent !== true) return
      const methods = Array.isArray(route.method) ? route.method : [route.method]
      if (!methods.every((m) => WRITE_METHODS.has(m))) throw new Error(`${String(route.method)} ${route.url}: config.idempotent is for writes only`)
      const handler = route.handler as RouteHandlerMethod
      // Only these routes pay for the hook: reads never see it. First among the route's onSend
      // hooks, so it records the body as the handler made it, before compression encodes it.
      route.onSend = [record, ...(Array.isArray(route.onSend) ? route.onSend : route.onSend ? [route.onSend] : [])] as typeof route.onSend
      route.handler = async function (this: FastifyInstance, request, reply) {
        if ((await begin(request, reply)) === 'replayed') return reply
        const scope = request.idempotency
        if (!scope) return handler.call(this, request, reply)
        try {
          return await idempotencyContext.run(scope, () => handler.call(this, request, reply))
        } catch (error) {
          // Nothing was written (the transaction rolled back): the key is free for a retry.
          if (!scope.committed) await repo.release(scope.userId, scope.key).catch(() => undefined)
          request.idempotency = null
          throw error
        }
      } as RouteHandlerMethod
    })

  },
  { name: 'idempotency', dependencies: ['auth'] },
)
