import type { FastifyInstance } from 'fastify'
import type { Role } from '../../services/actor.js'
import type { Normalizer } from './normalize.js'

/** One request the recorder made and what the API answered. */
export interface Exchange {
  operationId: string
  method: string
  url: string
  params: { path: Record<string, string | number>; query: Record<string, unknown>; header: Record<string, string> }
  /** The JSON body, or the fields of a multipart body. */
  requestBody?: unknown
  status: number
  headers: Record<string, string>
  /** JSON parsed, text as text, nothing for an empty or binary body. */
  body?: unknown
  /** Whose token it carried. */
  role: Role | null
  /** false: a fixture or a repeat, not the example of its status. */
  example: boolean
}

export interface Operation {
  operationId: string
  method: string
  /** The path template, e.g. /v1/articles/{slug}. */
  path: string
  statuses: string[]
  hasBody: boolean
  bearer: boolean
}

export interface CallOptions {
  path?: Record<string, string | number>
  query?: Record<string, unknown>
  headers?: Record<string, string>
  body?: unknown
  /** A multipart body: fields and one file part. */
  multipart?: { fields: Record<string, string | number>; file: { name: string; type: string; bytes: Buffer } }
  /** A body sent as is (with its content type), for the 413 and 415 examples. */
  raw?: { type: string; payload: string }
  /** Whose token; null for none. Default: admin for operations that need a token, none otherwise. */
  as?: Role | null
  example?: boolean
}

export interface Session {
  app: FastifyInstance
  operations: Map<string, Operation>
  exchanges: Exchange[]
  tokens: Partial<Record<Role, string>>
  normalizer: Normalizer
  call(operationId: string, options?: CallOptions): Promise<Exchange>
}

/** The operations of the app's own OpenAPI document, by operationId. */
export function operationsOf(document: { paths: Record<string, Record<string, { operationId?: string; responses?: object; requestBody?: unknown; security?: unknown[] }>> }): Map<string, Operation> {
  const operations = new Map<string, Operation>()
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!op.operationId) continue
      operations.set(op.operationId, {
        operationId: op.operationId,
        method: method.toUpperCase(),
        path,
        statuses: Object.keys(op.responses ?? {}),
        hasBody: op.requestBody !== undefined,
        bearer: (op.security ?? []).length > 0,
      })
    }
  }
  return operations
}

function queryString(query: Record<string, unknown>): string {
  const search = new URLSearchParams()
  for (const [name, value] of Object.entries(query)) {
    for (const item of Array.isArray(value) ? value : [value]) search.append(name, String(item))
  }
  const text = search.toString()
  return text ? `?${text}` : ''
}

function multipartBody(multipart: NonNullable<CallOptions['multipart']>): { type: string; payload: Buffer } {
  const boundary = '----newsroom-example-boundary'
  const parts: Buffer[] = []
  for (const [name, value] of Object.entries(multipart.fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${String(value)}\r\n`))
  }
  const { file } = multipart
  parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n`))
  parts.push(file.bytes, Buffer.from(`\r\n--${boundary}--\r\n`))
  return { type: `multipart/form-data; boundary=${boundary}`, payload: Buffer.concat(parts) }
}

function parseBody(type: string, payload: string): unknown {
  if (payload === '') return undefined
  if (/json/.test(type)) return JSON.parse(payload) as unknown
  if (/^(text\/|application\/(rss\+)?xml)/.test(type)) return payload
  return undefined
}

export function createSession(app: FastifyInstance, operations: Map<string, Operation>, normalizer: Normalizer): Session {
  const session: Session = {
    app,
    operations,
    exchanges: [],
    tokens: {},
    normalizer,
    async call(operationId, options = {}) {
      const operation = operations.get(operationId)
      if (!operation) throw new Error(`no operation ${operationId}`)
      const pathParams = options.path ?? {}
      const url = operation.path.replace(/\{(\w+)\}/g, (_m, name: string) => {
        const value = pathParams[name]
        if (value === undefined) throw new Error(`${operationId}: path parameter ${name} missing`)
        return encodeURIComponent(String(value))
      })
      const headers: Record<string, string> = { 'user-agent': 'Mozilla/5.0 (newsroom example)', ...options.headers }
      const role = options.as === undefined ? (operation.bearer ? 'admin' : null) : options.as
      if (role) {
        const token = session.tokens[role]
        if (!token) throw new Error(`${operationId}: no ${role} token yet`)
        headers.authorization = `Bearer ${token}`
      }
      let payload: string | Buffer | undefined
      if (options.multipart) {
        const body = multipartBody(options.multipart)
        headers['content-type'] = body.type
        payload = body.payload
      } else if (options.raw) {
        headers['content-type'] = options.raw.type
        payload = options.raw.payload
      } else if (options.body !== undefined) {
        headers['content-type'] = 'application/json'
        payload = JSON.stringify(options.body)
      }
      const response = await app.inject({ method: operation.method as 'GET', url: `${url}${queryString(options.query ?? {})}`, headers, ...(payload !== undefined ? { payload } : {}) })
      const responseHeaders: Record<string, string> = {}
      for (const [name, value] of Object.entries(response.headers)) {
        if (value !== undefined) responseHeaders[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value)
      }
      const exchange: Exchange = {
        operationId,
        method: operation.method,
        url: `${url}${queryString(options.query ?? {})}`,
        params: {
          path: pathParams,
          query: options.query ?? {},
          header: Object.fromEntries(Object.entries(options.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
        },
        ...(options.multipart
          ? { requestBody: { ...options.multipart.fields, file: `<${options.multipart.file.type} image, ${options.multipart.file.bytes.length} bytes>` } }
          : options.body !== undefined
            ? { requestBody: options.body }
            : {}),
        status: response.statusCode,
        headers: responseHeaders,
        body: parseBody(responseHeaders['content-type'] ?? '', response.body),
        role,
        example: options.example ?? true,
      }
      session.exchanges.push(exchange)
      return exchange
    },
  }
  return session
}

/** The JSON `data` of an answer, failing loudly when the scenario went off the rails. */
export function dataOf<T = Record<string, unknown>>(exchange: Exchange, status = 200): T {
  if (exchange.status !== status) {
    throw new Error(`${exchange.operationId} ${exchange.method} ${exchange.url}: expected ${status}, got ${exchange.status} ${JSON.stringify(exchange.body)}`)
  }
  return (exchange.body as { data: T }).data
}

export function expectStatus(exchange: Exchange, status: number): Exchange {
  if (exchange.status !== status) {
    throw new Error(`${exchange.operationId} ${exchange.method} ${exchange.url}: expected ${status}, got ${exchange.status} ${JSON.stringify(exchange.body)}`)
  }
  return exchange
}
