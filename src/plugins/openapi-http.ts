import { HEADER_PARAMETERS, RESPONSE_HEADERS, type ResponseHeaderName } from '../schemas/headers.js'

/** What a route's own configuration says about its HTTP behaviour, by operationId. */
export interface RouteFacts {
  cache?: 'public' | undefined
  roles?: readonly string[] | undefined
}

type Reference = { $ref: string }
type Parameter = Reference | { name: string; in: string }
type Response = { description: string; headers?: Record<string, unknown>; content?: Record<string, unknown> }
export type Operation = {
  operationId?: string
  description?: string
  parameters?: Parameter[]
  requestBody?: unknown
  responses: Record<string, Response>
}

const headerRef = (name: ResponseHeaderName): Reference => ({ $ref: `#/components/headers/${name}` })
const parameterRef = (name: keyof typeof HEADER_PARAMETERS): Reference => ({ $ref: `#/components/parameters/${name}` })
const canonical = new Map(Object.keys(RESPONSE_HEADERS).map((name) => [name.toLowerCase(), name as ResponseHeaderName]))

const NOT_MODIFIED = 'Not Modified: the copy you hold (If-None-Match) is current; no body.'
/** What a cacheable public read carries (plugins/caching.ts), on 200 and on 304 alike. */
const CACHE_VALIDATORS: ResponseHeaderName[] = ['Cache-Control', 'ETag', 'Surrogate-Control', 'CDN-Cache-Control', 'Surrogate-Key', 'Cache-Tag']

/**
 * The headers of one response, derived from the mechanisms that send them: the request id and
 * cache policy on every answer (plugins/security-headers.ts, plugins/caching.ts), validators and
 * purge keys on cacheable reads, Link on paginated lists (routes/shared.ts sendList), Location on
 * redirects, Retry-After where the API asks to wait (rate limits, an unavailable database, an
 * Idempotency-Key still in use), Idempotent-Replayed on keyed writes and Location on their 409
 * (plugins/idempotency.ts).
 * Headers a handler sets itself are declared on its response schema (schemas/headers.ts withHeaders).
 */
function responseHeaders(status: string, op: { cacheable: boolean; paginated: boolean; idempotent: boolean }): ResponseHeaderName[] {
  const code = Number(status)
  const names: ResponseHeaderName[] = ['X-Request-Id', 'Cache-Control', 'Vary']
  if (op.cacheable && (code === 200 || code === 304)) names.push(...CACHE_VALIDATORS)
  if (op.cacheable && code === 301) names.push('Surrogate-Control', 'CDN-Cache-Control', 'Surrogate-Key', 'Cache-Tag')
  // A keyed write applied whose response was lost: the retry's 409 points at the resource (plugins/idempotency.ts).
  if (code === 301 || (op.idempotent && code === 409)) names.push('Location')
  if (op.paginated && (code === 200 || code === 304)) names.push('Link')
  if (op.idempotent && code >= 200 && code < 300) names.push('Idempotent-Replayed')
  if (code === 429 || code === 503 || (op.idempotent && code === 409)) names.push('Retry-After')
  return names
}

const nameOf = (parameter: Parameter) => ('name' in parameter ? parameter.name.toLowerCase() : '')

/**
 * Declares the HTTP layer every generated client needs: conditional request headers as
 * parameters, 304 where a cacheable read honours them, and the response headers of every status,
 * as references to one `components.headers` entry each.
 */
export function declareHttp(document: Record<string, unknown>, facts: ReadonlyMap<string, RouteFacts>): void {
  const paths = (document.paths ?? {}) as Record<string, Record<string, Operation>>
  const used = new Set<ResponseHeaderName>()
  const usedParameters = new Set<keyof typeof HEADER_PARAMETERS>()
  for (const item of Object.values(paths)) {
    for (const [method, operation] of Object.entries(item)) {
      const fact = facts.get(operation.operationId ?? '') ?? {}
      const parameters = operation.parameters ?? []
      const names = new Set(parameters.map(nameOf))
      const shape = {
        cacheable: method === 'get' && fact.cache === 'public',
        paginated: parameters.some((p) => 'in' in p && p.in === 'query' && (p.name === 'page' || p.name === 'cursor')),
        idempotent: names.has('idempotency-key'),
      }
      const add = (name: keyof typeof HEADER_PARAMETERS) => {
        if (names.has(HEADER_PARAMETERS[name].name)) return
        parameters.push(parameterRef(name))
        usedParameters.add(name)
      }
      if (shape.cacheable) operation.responses['304'] = { description: NOT_MODIFIED }
      // Cacheable reads, and routes that validate themselves (media files), compare If-None-Match.
      if ('304' in operation.responses) add('IfNoneMatch')
      // Every write that can answer 412 compares If-Match (routes/admin/preconditions.ts).
      if ('412' in operation.responses) add('IfMatch')
      if (parameters.length > 0) operation.parameters = parameters

      for (const [status, response] of Object.entries(operation.responses)) {
        const declared = new Set(responseHeaders(status, shape))
        // Headers the route declared on its response schema, by their canonical name.
        for (const name of Object.keys(response.headers ?? {})) {
          const known = canonical.get(name.toLowerCase())
          if (!known) throw new Error(`${operation.operationId} ${status} declares header ${name}: add it to schemas/headers.ts`)
          declared.add(known)
        }
        const ordered = (Object.keys(RESPONSE_HEADERS) as ResponseHeaderName[]).filter((name) => declared.has(name))
        for (const name of ordered) used.add(name)
        const { description, headers: _headers, content, ...rest } = response
        // A 304 has no body, whatever a route schema's shape made @fastify/swagger infer.
        operation.responses[status] = { description, ...rest, headers: Object.fromEntries(ordered.map((name) => [name, headerRef(name)])), ...(content && status !== '304' ? { content } : {}) }
      }
      operation.responses = Object.fromEntries(Object.entries(operation.responses).sort(([a], [b]) => a.localeCompare(b)))
    }
  }
  const components = ((document.components ??= {}) as Record<string, Record<string, unknown>>)
  components.headers = Object.fromEntries((Object.keys(RESPONSE_HEADERS) as ResponseHeaderName[]).filter((name) => used.has(name)).map((name) => [name, RESPONSE_HEADERS[name]]))
  components.parameters = Object.fromEntries((Object.keys(HEADER_PARAMETERS) as (keyof typeof HEADER_PARAMETERS)[]).filter((name) => usedParameters.has(name)).map((name) => [name, HEADER_PARAMETERS[name]]))
}
