import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { randomUUID } from 'node:crypto'
import { STATUS_CODES } from 'node:http'
import type { Socket } from 'node:net'
import { isDatabaseUnavailable, isDataException } from '../db/errors.js'
import { AppError, errorTable, problemType, type ErrorCode, type InvalidParam } from '../errors.js'
import { DISPLAY_TEXT_PATTERN, DISPLAY_TEXT_REASON, type ProblemBody } from '../schemas/common.js'

interface ValidationIssue {
  instancePath: string
  keyword: string
  message?: string
  params: Record<string, unknown>
}

/** Fastify's own errors, by code, mapped onto the closed table. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'MALFORMED_JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'MALFORMED_JSON',
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'VALIDATION_FAILED',
  FST_ERR_CTP_INVALID_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_BAD_URL: 'VALIDATION_FAILED',
  FST_ERR_ASYNC_CONSTRAINT: 'VALIDATION_FAILED',
  FST_ERR_NOT_FOUND: 'ROUTE_NOT_FOUND',
}

/** Connection-level failures (pg SQLSTATE classes 08, 57P, 53300; socket errors): the database is away. */
function fieldName(context: string | undefined, issue: ValidationIssue): string {
  const base = (context ?? 'body') === 'headers' ? 'header' : (context ?? 'body')
  const path = issue.instancePath.split('/').filter(Boolean).join('.')
  const extra =
    typeof issue.params.missingProperty === 'string'
      ? issue.params.missingProperty
      : typeof issue.params.additionalProperty === 'string'
        ? issue.params.additionalProperty
        : undefined
  return [base, path, extra].filter(Boolean).join('.')
}

function reasonOf(issue: ValidationIssue): string {
  if (issue.keyword === 'additionalProperties') return 'is not a known field'
  if (issue.keyword === 'required') return 'is required'
  if (issue.keyword === 'pattern' && issue.params.pattern === DISPLAY_TEXT_PATTERN) return DISPLAY_TEXT_REASON
  if (issue.keyword === 'enum' && Array.isArray(issue.params.allowedValues)) {
    return `must be one of: ${(issue.params.allowedValues as unknown[]).join(', ')}`
  }
  return issue.message ?? issue.keyword
}

/** Ajv reports each failed anyOf branch; keep one line per field, most specific first. */
function invalidParamsOf(error: FastifyError & { validationContext?: string }): InvalidParam[] {
  const seen = new Map<string, InvalidParam>()
  for (const issue of (error.validation ?? []) as ValidationIssue[]) {
    const name = fieldName(error.validationContext, issue)
    if (seen.has(name) && issue.keyword === 'anyOf') continue
    if (!seen.has(name)) seen.set(name, { name, reason: reasonOf(issue) })
  }
  return [...seen.values()]
}

export function toProblem(
  error: unknown,
  request: FastifyRequest,
): { problem: ProblemBody; headers: Record<string, string>; unexpected: boolean } {
  let code: ErrorCode = 'INTERNAL'
  let detail = 'An unexpected error occurred. It has been logged with the request id.'
  let invalidParams: InvalidParam[] | undefined
  let headers: Record<string, string> = {}
  let resource: AppError['resource']
  let unexpected = false
  const fe = error as FastifyError & { validationContext?: string }

  if (error instanceof AppError) {
    code = error.code
    detail = error.detail ?? errorTable[code].title
    invalidParams = error.invalidParams
    headers = error.headers ?? {}
    resource = error.resource
  } else if (fe && Array.isArray(fe.validation)) {
    code = 'VALIDATION_FAILED'
    invalidParams = invalidParamsOf(fe)
    detail = `Invalid ${fe.validationContext ?? 'request'}: ${invalidParams.map((p) => `${p.name} ${p.reason}`).join('; ')}`
  } else if (fe?.code && FASTIFY_CODES[fe.code]) {
    code = FASTIFY_CODES[fe.code] as ErrorCode
    detail = fe.message
  } else if (fe?.code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH' || fe instanceof SyntaxError) {
    code = 'MALFORMED_JSON'
    detail = 'The request body is not valid JSON'
  } else if (typeof fe?.code === 'string' && (fe.code.startsWith('FST_JWT') || fe.code.startsWith('FAST_JWT'))) {
    code = 'INVALID_TOKEN'
    detail = 'The access token is missing, malformed, expired or not signed by this server'
  } else if (fe?.statusCode === 429) {
    code = 'RATE_LIMITED'
    detail = fe.message
  } else if (isDatabaseUnavailable(error)) {
    code = 'SERVICE_UNAVAILABLE'
    detail = 'The database is not reachable right now. Retry shortly.'
    headers = { 'retry-after': '5' }
  } else if (isDataException(error)) {
    code = 'VALIDATION_FAILED'
    detail = 'A value in the request cannot be used (for example a NUL character or an out-of-range number)'
  } else if (fe?.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
    // Any other client error fastify or a plugin raised: keep its status, pick the matching code.
    const match = (Object.keys(errorTable) as ErrorCode[]).find((c) => errorTable[c].status === fe.statusCode)
    code = match ?? 'VALIDATION_FAILED'
    detail = fe.message
  } else {
    unexpected = true
  }

  const entry = errorTable[code]
  const problem: ProblemBody = {
    type: problemType(code),
    title: entry.title,
    status: entry.status,
    detail,
    code,
    requestId: String(request.id),
    instance: request.url.split('?')[0] ?? request.url,
  }
  if (invalidParams && invalidParams.length > 0) problem.invalid_params = invalidParams
  if (resource) problem.resource = resource
  const retryAfter = headers['retry-after']
  if (retryAfter && /^\d+$/.test(retryAfter)) problem.retry_after = Number(retryAfter)
  return { problem, headers, unexpected }
}

export function sendProblem(reply: FastifyReply, problem: ProblemBody, headers: Record<string, string> = {}): FastifyReply {
  return reply
    .code(problem.status)
    .headers({ ...headers, 'cache-control': 'private, no-store' })
    .type('application/problem+json; charset=utf-8')
    .send(problem)
}

/** Errors Node's HTTP parser raises before there is a request, by code (anything else is a 400). */
const CLIENT_ERROR_CODES: Record<string, ErrorCode> = {
  HPE_HEADER_OVERFLOW: 'HEADERS_TOO_LARGE',
  HPE_CHUNK_EXTENSIONS_OVERFLOW: 'PAYLOAD_TOO_LARGE',
  ERR_HTTP_REQUEST_TIMEOUT: 'REQUEST_TIMEOUT',
}

/**
 * The server's `clientError` handler (Fastify's `clientErrorHandler` option): bytes that are not an
 * HTTP request Node will parse — a control character in a header value, headers over the size
 * limit, a broken request line, a request too slow to arrive — never reach Fastify's routing, so
 * the answer is written to the socket here: problem+json with the security headers and a request
 * id (logged), then the connection is closed. Nothing is written when a response is already on its
 * way on that connection (keep-alive), as that would corrupt it.
 */
export function createClientErrorHandler(securityHeaders: Record<string, string>) {
  return function clientErrorHandler(this: FastifyInstance, error: Error & { code?: string; reason?: string }, socket: Socket): void {
    if (error.code === 'ECONNRESET' || socket.destroyed) return
    const code = CLIENT_ERROR_CODES[error.code ?? ''] ?? 'VALIDATION_FAILED'
    const { status, title } = errorTable[code]
    const requestId = randomUUID()
    const detail =
      code === 'VALIDATION_FAILED'
        ? `The request is not valid HTTP: ${error.reason ?? error.code ?? 'it could not be parsed'}`
        : code === 'HEADERS_TOO_LARGE'
          ? 'The request line and headers together exceed the size this server accepts'
          : code === 'REQUEST_TIMEOUT'
            ? 'The request headers and body did not arrive in time'
            : title
    this.log.info({ requestId, code, err: error.code }, `client error: ${detail}`)
    const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage
    if (socket.writable && !inFlight?.headersSent) {
      const body = JSON.stringify({ type: problemType(code), title, status, detail, code, requestId } satisfies ProblemBody)
      const headers = {
        ...securityHeaders,
        'content-type': 'application/problem+json; charset=utf-8',
        'content-length': String(Buffer.byteLength(body)),
        'cache-control': 'private, no-store',
        'x-request-id': requestId,
        connection: 'close',
      }
      socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('')}\r\n${body}`)
    }
    socket.destroy(error)
  }
}

/** One error shape for everything: AppError, validation, JSON parse, JWT, rate limits, unknown errors. */
export const errorsPlugin = fp(
  async (app: FastifyInstance) => {
    app.setErrorHandler((error, request, reply) => {
      const { problem, headers, unexpected } = toProblem(error, request)
      if (unexpected) request.log.error({ err: error }, 'unexpected error')
      else if (problem.status >= 500) request.log.warn({ err: error, code: problem.code }, problem.detail)
      else request.log.info({ code: problem.code, status: problem.status }, problem.detail)
      return sendProblem(reply, problem, headers)
    })

    app.setNotFoundHandler((request, reply) => {
      const problem = toProblem(new AppError('ROUTE_NOT_FOUND', `${request.method} ${request.url.split('?')[0]} is not an endpoint of this API`), request).problem
      return sendProblem(reply, problem)
    })
  },
  { name: 'errors' },
)
