import type { FastifyInstance, FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify'
import fp from 'fastify-plugin'
import { createHash } from 'node:crypto'
import { isDatabaseUnavailable } from '../db/errors.js'
import { createIdempotencyRepository, type IdempotencyRecord } from '../db/repositories/idempotency.js'
import { AppError } from '../errors.js'
import type { Clock } from '../lib/clock.js'
import { idempotencyContext, type IdempotencyOwner, type IdempotencyScope } from '../lib/idempotency-context.js'
import { problemResponses } from '../schemas/common.js'
import { IDEMPOTENCY_KEY_HEADER } from '../schemas/headers.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The route takes an Idempotency-Key: a retry gets the first response back and never writes
     * twice. `true`: keys are the signed-in user's (editor writes). A public write has no user and
     * names whose keys they are instead (`{ owner }`: e.g. the email address the request is about).
     */
    idempotent?: boolean | { owner: (request: FastifyRequest) => string | undefined }
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

/**
 * `config.idempotent` of a public write: its keys belong to the email address in the body's
 * `field` (a reader retrying from another network still finds theirs; two readers never share one).
 */
export function keysPerEmail(field: string): { owner: (request: FastifyRequest) => string | undefined } {
  return {
    owner: (request) => {
      const value = (request.body as Record<string, unknown> | undefined)?.[field]
      return typeof value === 'string' && value.trim() !== '' ? `email:${value.trim().toLowerCase()}` : undefined
    },
  }
}

const KEY = /^[\x21-\x7e]{1,255}$/
export const WRITE_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])
/** Where an audited entity can be read, for a retry whose first response was lost (`problem.resource`). */
const ENTITY_PATHS: Record<string, (id: string) => string> = {
  article: (id) => `/v1/admin/articles/${id}`,
  collection: (slug) => `/v1/admin/collections/${slug}`,
  comment: (id) => `/v1/admin/comments/${id}`,
  media: (id) => `/v1/admin/media/${id}`,
  newsletter_send: (id) => `/v1/admin/newsletter/sends/${id}`,
  page: (id) => `/v1/admin/pages/${id}`,
  user: (id) => `/v1/admin/users/${id}`,
  webhook: (id) => `/v1/admin/webhooks/${id}`,
  section: (slug) => `/v1/sections/${slug}`,
  tag: (slug) => `/v1/tags/${slug}`,
  author: (slug) => `/v1/authors/${slug}`,
  settings: () => '/v1/admin/settings',
}

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
 * declares `config.idempotent` (every editor write, comments and newsletter signups): the first
 * request with a key runs and its response is recorded; a retry with the same key and the same
 * request gets that response back (`Idempotent-Replayed: true`) and never writes twice; the same key
 * with a different request is 422; a retry while the first is still running is 409 with
 * Retry-After. The key is marked in the write's own transaction, so even a crash (or a database
 * that stops answering) between commit and response cannot cause a second write: the retry is then
 * 409 naming the resource the write was about (`resource`, `Location`). Editors' keys are per user,
 * public ones per email address; all are kept for `retentionMs`.
 */
export const idempotencyPlugin = fp(
  async (app: FastifyInstance, options: IdempotencyOptions) => {
    const repo = createIdempotencyRepository(app.database.db)
    const { clock } = options
    let claims = 0
    app.decorateRequest('idempotency', null)

    /**
     * Attempts that ended without a recorded response, whose key is being let go (freed, or its
     * lease ended) after the answer left: the answer never waits on it — on a database that stopped
     * answering it would wait out a second deadline. A retry in this process waits for the first try
     * instead, so it never finds its own earlier attempt still holding the key. While the database
     * is away it is tried again a few times (1, 2, 4, 8 s later), so a retry once it is back is not
     * kept waiting for the whole lease.
     */
    const letting = new Map<string, Promise<void>>()
    const idOf = (owner: IdempotencyOwner, key: string) => `${owner.kind}:${owner.id}\n${key}`
    const letGo = (request: FastifyRequest, scope: IdempotencyScope) => {
      const id = idOf(scope.owner, scope.key)
      const attempt = (n: number): Promise<void> =>
        repo.letGo(scope.owner, scope.key, clock.now()).catch((error: unknown) => {
          if (n >= 4 || !isDatabaseUnavailable(error)) return void request.log.warn({ err: error }, 'could not let the Idempotency-Key go; a retry waits for its lease')
          setTimeout(() => void attempt(n + 1), 1000 * 2 ** n).unref()
        })
      const first = attempt(0).finally(() => {
        if (letting.get(id) === first) letting.delete(id)
      })
      letting.set(id, first)
    }

    const ownerOf = (request: FastifyRequest): IdempotencyOwner | undefined => {
      const declared = request.routeOptions.config.idempotent
      if (typeof declared === 'object') {
        const id = declared.owner(request)
        return id ? { kind: 'public', id } : undefined
      }
      const userId = request.actor?.id
      return userId ? { kind: 'user', id: userId } : undefined
    }

    const begin = async (request: FastifyRequest, reply: FastifyReply): Promise<'run' | 'replayed'> => {
      const header = request.headers['idempotency-key']
      if (header === undefined) return 'run'
      if (typeof header !== 'string' || !KEY.test(header)) {
        throw new AppError('VALIDATION_FAILED', 'Idempotency-Key must be 1–255 visible ASCII characters', {
          invalidParams: [{ name: 'header.idempotency-key', reason: 'must be 1–255 visible ASCII characters' }],
        })
      }
      const owner = ownerOf(request)
      if (!owner) return 'run'
      await letting.get(idOf(owner, header))
      const fingerprint = fingerprintOf(request)
      const now = clock.now()
      if (++claims % 200 === 0) void repo.deleteOlderThan(new Date(now.getTime() - options.retentionMs)).catch((error: unknown) => request.log.warn({ err: error }, 'idempotency cleanup failed'))
      if (await repo.claim(owner, header, fingerprint, new Date(now.getTime() + options.leaseMs))) {
        request.idempotency = { owner, key: header, committed: false }
        return 'run'
      }
      const found = await repo.find(owner, header)
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
      // its response is about to be recorded: the retry waits. Past the lease (or once the first
      // attempt ended without a response), a committed write without a response means that request
      // failed between its commit and its answer.
      if (found.lockedUntil.getTime() > now.getTime()) {
        const seconds = Math.max(1, Math.ceil((found.lockedUntil.getTime() - now.getTime()) / 1000))
        throw new AppError('IDEMPOTENCY_CONFLICT', 'A request with this Idempotency-Key is still being processed; retry later', { headers: { 'retry-after': String(Math.min(seconds, 5)) } })
      }
      if (found.committed) throw appliedWithoutResponse(found)
      // The first attempt died before writing anything: this retry takes its place.
      if (!(await repo.takeOver(owner, header, now, new Date(now.getTime() + options.leaseMs)))) {
        throw new AppError('IDEMPOTENCY_CONFLICT', 'A request with this Idempotency-Key is being processed; retry later', { headers: { 'retry-after': '1' } })
      }
      request.idempotency = { owner, key: header, committed: false }
      return 'run'
    }

    /** The write was applied but its response is lost: the retry is told so, and what the write was about. */
    const appliedWithoutResponse = (found: IdempotencyRecord): AppError => {
      const detail = 'The request with this Idempotency-Key was applied, but its response was not recorded (the server or the database failed right after the write)'
      if (!found.entityType || !found.entityId) return new AppError('IDEMPOTENCY_CONFLICT', `${detail}; read the resource to see the result`)
      const path = ENTITY_PATHS[found.entityType]?.(encodeURIComponent(found.entityId))
      const location = path ? `${app.config.publicUrl}${path}` : undefined
      return new AppError('IDEMPOTENCY_CONFLICT', `${detail}: it was about the ${found.entityType} ${found.entityId}${location ? ', at Location' : ''}`, {
        headers: location ? { location } : {},
        resource: { type: found.entityType, id: found.entityId, ...(location ? { location } : {}) },
      })
    }

    // Record the response before it leaves, so an acknowledged write is replayable.
    const record = async (request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> => {
      const scope = request.idempotency
      if (!scope) return payload
      request.idempotency = null
      if (reply.statusCode >= 200 && reply.statusCode < 300 && (payload === null || payload === undefined || typeof payload === 'string' || Buffer.isBuffer(payload))) {
        const headers: Record<string, string> = {}
        for (const name of REPLAYED_HEADERS) {
          const value = reply.getHeader(name)
          if (value !== undefined) headers[name] = String(value)
        }
        try {
          await repo.complete(scope.owner, scope.key, { status: reply.statusCode, headers, body: payload === null || payload === undefined ? '' : payload.toString() }, clock.now())
        } catch (error) {
          // The write itself succeeded; a retry finds the key committed and says so instead of writing again.
          request.log.warn({ err: error }, 'could not record the Idempotency-Key response')
        }
      } else letGo(request, scope)
      return payload
    }

    app.addHook('onRoute', (route) => {
      const declared = route.config?.idempotent
      if (declared === undefined || declared === false) return
      const methods = Array.isArray(route.method) ? route.method : [route.method]
      if (!methods.every((m) => WRITE_METHODS.has(m))) throw new Error(`${String(route.method)} ${route.url}: config.idempotent is for writes only`)
      // The header and the answers it brings are documented wherever it is taken.
      const schema = (route.schema ??= {}) as Record<string, unknown>
      const headers = (schema.headers ?? { type: 'object', properties: {} }) as { properties?: Record<string, unknown> }
      schema.headers = { ...headers, properties: { ...headers.properties, 'idempotency-key': IDEMPOTENCY_KEY_HEADER } }
      schema.response = { ...problemResponses(409, 422), ...(schema.response as object) }
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
          // Nothing was written (the transaction rolled back): the key is free for a retry. Or the
          // commit's answer was lost: the key stays, and a retry is told the write was applied.
          letGo(request, scope)
          request.idempotency = null
          throw error
        }
      } as RouteHandlerMethod
    })
  },
  { name: 'idempotency', dependencies: ['auth'] },
)
