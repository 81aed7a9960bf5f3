import type { ExamplesFile, OperationExamples } from '../../plugins/openapi-examples.js'
import type { Normalizer } from './normalize.js'
import type { Exchange } from './session.js'

/** Values that are new in every run wherever they show up, found by where the API puts them. */
function collectVolatile(exchange: Exchange, normalizer: Normalizer): void {
  const etag = exchange.headers.etag
  if (etag && !/^"v\d+"$/.test(etag)) normalizer.volatile(etag)
  const walk = (value: unknown, key?: string): void => {
    if (typeof value === 'string') {
      if (key === 'next_cursor' || key === 'prev_cursor' || key === 'refresh_token') normalizer.volatile(value)
      if (key === 'secret' && value.length > 8) {
        // The hint shows the secret's last characters: it follows the stand-in.
        const stand = normalizer.volatile(value, { keepPrefix: /^[a-z]+_/.exec(value)?.[0] ?? '' })
        normalizer.volatile(`…${value.slice(-4)}`, `…${stand.slice(-4)}`)
      }
    } else if (Array.isArray(value)) value.forEach((item) => walk(item))
    else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, k)
  }
  walk(exchange.requestBody)
  walk(exchange.body)
}

/**
 * Rate-limit windows count down in real time: a starved machine can answer 899 s where an idle one
 * answers 900. The example shows the window rounded up to the minute.
 */
function steadyRetryAfter(exchange: Exchange): Exchange {
  if (exchange.status !== 429) return exchange
  const round = (seconds: number) => Math.ceil(seconds / 60) * 60
  const headers = { ...exchange.headers }
  if (headers['retry-after']) headers['retry-after'] = String(round(Number(headers['retry-after'])))
  const body = exchange.body as { retry_after?: number } | undefined
  return { ...exchange, headers, body: body?.retry_after !== undefined ? { ...body, retry_after: round(body.retry_after) } : body }
}

export function normalizeExchanges(exchanges: Exchange[], normalizer: Normalizer): Exchange[] {
  const calls = new Map<string, number>()
  for (const exchange of exchanges) {
    const n = (calls.get(exchange.operationId) ?? 0) + 1
    calls.set(exchange.operationId, n)
    normalizer.enter(`${exchange.operationId}#${n}`)
    normalizer.scan([exchange.url, exchange.params, exchange.requestBody, exchange.headers, exchange.body])
    collectVolatile(exchange, normalizer)
  }
  normalizer.enter('rewrite')
  return exchanges.map((raw) => {
    const exchange = steadyRetryAfter(raw)
    return {
      ...exchange,
      url: normalizer.string(exchange.url),
      params: normalizer.value(exchange.params) as Exchange['params'],
      ...(exchange.requestBody !== undefined ? { requestBody: normalizer.value(exchange.requestBody) } : {}),
      headers: normalizer.value(exchange.headers) as Record<string, string>,
      ...(exchange.body !== undefined ? { body: normalizer.value(exchange.body) } : {}),
    }
  })
}

/**
 * The problem shown for a status an operation declares but no scenario reached there: the usual
 * cause first (a missing token, a role, the Idempotency-Key of an editor write), else the first seen.
 */
const USUAL_CAUSE: Record<string, string> = { '401': 'UNAUTHORIZED', '403': 'FORBIDDEN', '404': 'NOT_FOUND', '409': 'CONFLICT', '422': 'IDEMPOTENCY_KEY_REUSED' }

/** The first example of each operation and status; parameters and body from the first success. */
export function examplesOf(exchanges: Exchange[], operationOrder: string[]): ExamplesFile {
  const operations: Record<string, OperationExamples> = {}
  const problems: Record<string, unknown> = {}
  for (const operationId of operationOrder) {
    const mine = exchanges.filter((e) => e.operationId === operationId && e.example)
    const main = mine.find((e) => e.status < 300) ?? mine.find((e) => e.status < 400)
    if (!main) continue
    const responses: Record<string, unknown> = {}
    for (const exchange of mine) {
      if (!(String(exchange.status) in responses)) responses[String(exchange.status)] = exchange.body ?? null
    }
    operations[operationId] = {
      parameters: { ...main.params.path, ...main.params.query },
      ...(main.requestBody !== undefined ? { requestBody: main.requestBody } : {}),
      responses: Object.fromEntries(Object.entries(responses).sort(([a], [b]) => a.localeCompare(b))),
    }
  }
  const candidates = exchanges.filter((e) => e.status >= 400 && e.example && /problem\+json/.test(e.headers['content-type'] ?? ''))
  for (const exchange of candidates) {
    const status = String(exchange.status)
    const usual = candidates.find((e) => String(e.status) === status && (e.body as { code?: string }).code === USUAL_CAUSE[status])
    if (!(status in problems)) problems[status] = (usual ?? exchange).body
  }
  return { operations, problems: Object.fromEntries(Object.entries(problems).sort(([a], [b]) => a.localeCompare(b))) }
}
