/**
 * The closed table of error codes the API can answer with. Every error a client sees is one of
 * these, rendered as RFC 9457 problem+json by plugins/errors.ts. Clients switch on `code`, so a
 * code is never renamed once shipped; add new ones instead.
 */
export const errorTable = {
  VALIDATION_FAILED: { status: 400, title: 'The request is not valid' },
  BAD_CURSOR: { status: 400, title: 'The pagination cursor is not valid' },
  MALFORMED_JSON: { status: 400, title: 'The request body is not valid JSON' },
  UNAUTHORIZED: { status: 401, title: 'Authentication is required' },
  INVALID_TOKEN: { status: 401, title: 'The access token is not valid' },
  INVALID_CREDENTIALS: { status: 401, title: 'The email or password is not correct' },
  INVALID_REFRESH_TOKEN: { status: 401, title: 'The refresh token is not valid' },
  FORBIDDEN: { status: 403, title: 'You are not allowed to do this' },
  COMMENTS_CLOSED: { status: 403, title: 'Comments are closed for this article' },
  NOT_FOUND: { status: 404, title: 'The resource was not found' },
  ROUTE_NOT_FOUND: { status: 404, title: 'There is no such endpoint' },
  CONFLICT: { status: 409, title: 'The request conflicts with the current state' },
  SLUG_TAKEN: { status: 409, title: 'The slug is already in use' },
  EMAIL_TAKEN: { status: 409, title: 'The email address is already in use' },
  IN_USE: { status: 409, title: 'The resource is still in use' },
  VERSION_CONFLICT: { status: 409, title: 'The resource was changed by someone else' },
  IDEMPOTENCY_CONFLICT: { status: 409, title: 'A request with this idempotency key is in progress or was already applied' },
  IDEMPOTENCY_KEY_REUSED: { status: 422, title: 'The idempotency key was used for a different request' },
  GONE: { status: 410, title: 'The resource is no longer available' },
  PRECONDITION_FAILED: { status: 412, title: 'The resource was changed since you read it' },
  REQUEST_TIMEOUT: { status: 408, title: 'The request was not received in time' },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'The request body is too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'The content type is not supported' },
  RANGE_NOT_SATISFIABLE: { status: 416, title: 'The requested range is not in the file' },
  INVALID_TRANSITION: { status: 422, title: 'The status change is not allowed' },
  UNPROCESSABLE: { status: 422, title: 'The request cannot be processed' },
  PRECONDITION_REQUIRED: { status: 428, title: 'The request must be conditional (If-Match)' },
  RATE_LIMITED: { status: 429, title: 'Too many requests' },
  HEADERS_TOO_LARGE: { status: 431, title: 'The request headers are too large' },
  INTERNAL: { status: 500, title: 'Internal server error' },
  SERVICE_UNAVAILABLE: { status: 503, title: 'The service is temporarily unavailable' },
} as const satisfies Record<string, { status: number; title: string }>

export type ErrorCode = keyof typeof errorTable

export interface InvalidParam {
  /** Where the problem is: `body.email`, `querystring.limit`, `params.slug`, `header.if-match`. */
  name: string
  reason: string
}

/** The resource a problem is about, when the client needs it to go on (a write applied whose answer was lost). */
export interface ProblemResource {
  type: string
  id: string
  /** Where to read it, when the API has a URL for it. */
  location?: string
}

export class AppError extends Error {
  readonly code: ErrorCode
  readonly status: number
  readonly detail: string | undefined
  readonly invalidParams: InvalidParam[] | undefined
  readonly headers: Record<string, string> | undefined
  readonly resource: ProblemResource | undefined

  constructor(
    code: ErrorCode,
    detail?: string,
    options: { invalidParams?: InvalidParam[]; headers?: Record<string, string>; resource?: ProblemResource; cause?: unknown } = {},
  ) {
    super(detail ?? errorTable[code].title, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'AppError'
    this.code = code
    this.status = errorTable[code].status
    this.detail = detail
    this.invalidParams = options.invalidParams
    this.headers = options.headers
    this.resource = options.resource
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError
}

/** A problem `type` URI per code: stable, documented in the OpenAPI description, not dereferenced. */
export function problemType(code: ErrorCode): string {
  return `urn:newsroom:problem:${code.toLowerCase().replaceAll('_', '-')}`
}
