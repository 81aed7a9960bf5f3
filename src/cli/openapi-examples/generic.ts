import { ROLES } from '../../services/actor.js'
import type { Exchange, Session } from './session.js'

const UNKNOWN_ID = '6f1c2b9e-3d4a-4c8b-9e7f-0a1b2c3d4e5f'
const UNKNOWN: Record<string, string | number> = { slug: 'no-such-slug', file: 'articles-99.xml', key: 'no-such-file.webp', version: 99 }

/**
 * The answers every operation gives the same way, recorded for each one that declares them and has
 * no scenario of its own for that status: 304 for a copy that is still current, 401 without a
 * token, 403 for a role the route does not allow, 404 for an unknown id or slug, 400 for an
 * unknown field, 413 for an oversized body and 415 for a body that is not JSON.
 *
 * Returns the operations no scenario called successfully: they get no examples until one does.
 */
export async function recordCommonAnswers(s: Session, options: { bodyLimit: number; rolesOf: (operationId: string) => readonly string[] | undefined }): Promise<string[]> {
  const unexercised: string[] = []
  for (const operation of s.operations.values()) {
    const mine = s.exchanges.filter((e) => e.operationId === operation.operationId)
    const main = mine.find((e) => e.example && e.status < 300) ?? mine.find((e) => e.example && e.status < 400)
    if (!main) {
      unexercised.push(operation.operationId)
      continue
    }
    const has = (status: number) => mine.some((e) => e.example && e.status === status)
    const declared = (status: number) => operation.statuses.includes(String(status)) && !has(status)
    const headers = Object.fromEntries(Object.entries(main.params.header).filter(([name]) => name !== 'idempotency-key'))
    const jsonBody = main.requestBody !== undefined && operation.hasBody && !isMultipart(main) ? { body: main.requestBody } : {}
    const again = (options: Parameters<Session['call']>[1]) =>
      s.call(operation.operationId, { path: main.params.path, query: main.params.query, headers, ...jsonBody, as: main.role, ...options })
    const keep = (exchange: Exchange, status: number) => {
      if (exchange.status !== status) exchange.example = false
    }

    if (declared(304)) {
      // Content changed since the example was read: fetch the current copy, then ask again holding it.
      const current = await again({ example: false })
      const etag = current.headers.etag
      if (!etag) throw new Error(`${operation.operationId} declares 304 but sent no ETag`)
      const exchange = await again({ headers: { ...headers, 'if-none-match': etag } })
      if (exchange.status !== 304) throw new Error(`${operation.operationId}: a current copy answered ${exchange.status}, not 304`)
    }
    if (declared(401) && operation.bearer) keep(await again({ as: null }), 401)
    if (declared(403)) {
      const allowed = options.rolesOf(operation.operationId)
      const outsider = [...ROLES].reverse().find((role) => allowed && !allowed.includes(role))
      if (outsider) keep(await again({ as: outsider }), 403)
    }
    if (declared(404) && /\{/.test(operation.path)) {
      const path = Object.fromEntries(Object.keys(main.params.path).map((name) => [name, name === 'id' ? UNKNOWN_ID : (UNKNOWN[name] ?? 'no-such-slug')]))
      keep(await again({ path }), 404)
    }
    if (declared(400)) {
      if (jsonBody.body !== undefined && typeof jsonBody.body === 'object') keep(await again({ body: { ...jsonBody.body, unexpected_field: true } }), 400)
      else if (operation.method === 'GET') keep(await again({ query: { ...main.params.query, unexpected: 'yes' } }), 400)
      else if ('id' in main.params.path) keep(await again({ path: { ...main.params.path, id: 'not-a-uuid' } }), 400)
    }
    if (declared(413) && operation.hasBody) {
      keep(await again({ raw: { type: 'application/json', payload: JSON.stringify({ body: 'x'.repeat(options.bodyLimit) }) } }), 413)
    }
    if (declared(415) && operation.hasBody) keep(await again({ raw: { type: 'text/plain', payload: 'title=Hello' } }), 415)
  }
  return unexercised
}

/** The recorder describes a multipart body by its fields and a `file` placeholder: it cannot be sent again as JSON. */
function isMultipart(main: Exchange): boolean {
  return typeof main.requestBody === 'object' && main.requestBody !== null && 'file' in main.requestBody
}
