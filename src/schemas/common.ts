import { Type, type Static, type TSchema } from 'typebox'
import { errorTable, type ErrorCode } from '../errors.js'
import { DATE_FILTER_PATTERN } from '../lib/dates.js'
import { SLUG_PATTERN } from '../lib/slugify.js'

/**
 * A `$ref` to a shared schema registered with `app.addSchema` (see plugins/schemas.ts), typed as the
 * schema itself so handlers and presenters keep their static types. In the OpenAPI document it
 * becomes `#/components/schemas/<$id>`.
 */
export function ref<T extends TSchema>(schema: T): T {
  const id = (schema as { $id?: unknown }).$id
  if (typeof id !== 'string') throw new Error('ref() needs a schema with an $id')
  return Type.Unsafe<Static<T>>({ $ref: `${id}#` }) as unknown as T
}

/** `T | null`: a type array (cheaper to serialize than anyOf; valid OpenAPI 3.1), or anyOf for a $ref. */
export function Nullable<T extends TSchema>(schema: T): ReturnType<typeof Type.Unsafe<Static<T> | null>> {
  const s = schema as unknown as Record<string, unknown>
  if (typeof s.$ref === 'string') return Type.Unsafe<Static<T> | null>({ anyOf: [s, { type: 'null' }] })
  if (typeof s.type !== 'string') throw new Error('Nullable() needs a $ref or a schema with a single type')
  // An enum lists null too, or validators (and client generators) refuse the null the type allows.
  return Type.Unsafe<Static<T> | null>({ ...s, type: [s.type, 'null'], ...(Array.isArray(s.enum) ? { enum: [...(s.enum as unknown[]), null] } : {}) })
}

export const DateTime = (description?: string) =>
  Type.String({ format: 'date-time', ...(description ? { description } : {}) })

export const Slug = (description = 'URL slug') =>
  Type.String({ minLength: 1, maxLength: 120, pattern: SLUG_PATTERN, description })

/**
 * Visible text, not blank: no control characters, no invisible format characters (zero-width space,
 * soft hyphen, BOM…) and no bidirectional overrides or isolates (U+202A–U+202E, U+2066–U+2069),
 * which make a name display as something other than what it is. ZWNJ and ZWJ stay allowed: Persian,
 * Indic scripts and emoji need them between visible characters.
 *
 * Written as explicit \u ranges (every Cc, Cf, Zl and Zp code point of the Basic Multilingual Plane but
 * ZWNJ and ZWJ), not as \p{…} classes: a pattern in the OpenAPI document is read by validators and
 * client generators that compile it without the `u` flag, where \p{Cc} means the letters "p{Cc}".
 * test/schemas/display-text.test.ts checks the ranges against Unicode's own classes.
 */
export const DISPLAY_TEXT_PATTERN =
  '^(?=.*\\S)[^\\u0000-\\u001F\\u007F-\\u009F\\u00AD\\u0600-\\u0605\\u061C\\u06DD\\u070F\\u0890\\u0891\\u08E2\\u180E\\u200B\\u200E\\u200F\\u2028-\\u202E\\u2060-\\u2064\\u2066-\\u206F\\uFEFF\\uFFF9-\\uFFFB]*$'
export const DISPLAY_TEXT_REASON = 'must be visible text: no control, invisible or text-direction characters (such as U+200B or U+202E), and not blank'

/** The name or title of a section, tag, author or page, as readers see it. */
export const DisplayName = (maxLength: number, description?: string) =>
  Type.String({ minLength: 1, maxLength, pattern: DISPLAY_TEXT_PATTERN, ...(description ? { description } : {}) })

export const SlugParams = Type.Object({ slug: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false })

/**
 * An email address typed into a public form (newsletter signup, comment): surrounding whitespace is
 * allowed, as forms paste it, and trimmed by the service, which also ignores case.
 */
export const FormEmail = (maxLength: number, description = 'Email address') =>
  Type.String({ maxLength, pattern: '^\\s*[^\\s@"<>(),;:]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+\\s*$', description })

export const Uuid = (description?: string) => Type.String({ format: 'uuid', ...(description ? { description } : {}) })

export const InvalidParam = Type.Object(
  {
    name: Type.String({ description: 'Where: body.email, querystring.limit, params.slug, header.if-match' }),
    reason: Type.String(),
  },
  { $id: 'InvalidParam', additionalProperties: false },
)

export const Problem = Type.Object(
  {
    type: Type.String({ description: 'URI identifying the problem type (urn:newsroom:problem:<code>)' }),
    title: Type.String({ description: 'Short summary of the problem type' }),
    status: Type.Integer({ minimum: 400, maximum: 599 }),
    detail: Type.String({ description: 'What went wrong for this request' }),
    code: Type.String({ enum: Object.keys(errorTable), description: 'Stable machine-readable error code' }),
    requestId: Type.String({ description: 'Matches the X-Request-Id header and the server logs' }),
    instance: Type.Optional(Type.String({ description: 'The request path' })),
    invalid_params: Type.Optional(Type.Array(ref(InvalidParam), { description: 'Offending fields (validation errors)' })),
    retry_after: Type.Optional(Type.Integer({ description: 'Seconds to wait before retrying (429, 503)' })),
    resource: Type.Optional(
      Type.Object(
        {
          type: Type.String({ description: 'The kind of resource (`article`, `page`…)' }),
          id: Type.String({ description: 'Its id (or slug, for sections, tags, authors and collections)' }),
          location: Type.Optional(Type.String({ format: 'uri', description: 'Where to read it (also in the Location header)' })),
        },
        { additionalProperties: false, description: 'The resource the request was about: on a 409 for an Idempotency-Key whose write was applied but whose response was not recorded, what the write created or changed' },
      ),
    ),
  },
  { $id: 'Problem', description: 'RFC 9457 problem details', additionalProperties: false },
)
export type ProblemBody = Static<typeof Problem>

const STATUS_DESCRIPTION: Record<number, string> = {
  400: 'Bad request (validation failed, malformed JSON, bad cursor)',
  401: 'Missing or invalid credentials',
  403: 'Authenticated but not allowed',
  404: 'Not found',
  405: 'Method not allowed',
  409: 'Conflict',
  410: 'Gone',
  412: 'Precondition failed: the resource changed since it was read',
  413: 'Request body too large',
  415: 'Unsupported content type',
  416: 'Range not satisfiable: the range starts past the end (Content-Range names the size)',
  422: 'Unprocessable: the change is not allowed in the current state',
  428: 'Precondition required: send If-Match',
  429: 'Too many requests (see Retry-After)',
  500: 'Unexpected server error (no internals are exposed)',
  503: 'Temporarily unavailable (database down or request timeout)',
}

type ProblemResponse = { description: string; content: { 'application/problem+json': { schema: typeof Problem } } }

/**
 * Response entries for the error statuses a route can send, as problem+json. 500 and 503 are always
 * included: any route can meet an unexpected error or an unavailable database.
 */
export function problemResponses(...statuses: number[]): Record<number, ProblemResponse> {
  const all = new Set([...statuses, 500, 503])
  const out: Record<number, ProblemResponse> = {}
  for (const status of [...all].sort()) {
    out[status] = {
      description: STATUS_DESCRIPTION[status] ?? 'Error',
      content: { 'application/problem+json': { schema: ref(Problem) } },
    }
  }
  return out
}

export function codesFor(status: number): ErrorCode[] {
  return (Object.keys(errorTable) as ErrorCode[]).filter((code) => errorTable[code].status === status)
}

/** Pagination: `limit` with either `page` (totals) or `cursor` (keyset). */
export const PaginationQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20, description: 'Items per page (1–100)' })),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000, description: 'Page number (page mode, with totals)' })),
  cursor: Type.Optional(
    Type.String({ minLength: 1, maxLength: 200, description: 'Opaque cursor from meta.next_cursor (keyset mode)' }),
  ),
}

export const ListMeta = Type.Object(
  {
    limit: Type.Integer(),
    page: Type.Optional(Type.Integer({ description: 'Page mode: the current page' })),
    pages: Type.Optional(Type.Integer({ description: 'Page mode: number of pages' })),
    total: Type.Optional(Type.Integer({ description: 'Page mode: number of items' })),
    total_exact: Type.Optional(Type.Boolean({ description: 'With q: false when total passed the counting cap (1,000) and is a lower bound' })),
    next_cursor: Type.Optional(Nullable(Type.String({ description: 'Cursor mode: the next page, null at the end' }))),
    prev_cursor: Type.Optional(Nullable(Type.String({ description: 'Cursor mode: the previous page, null at the start' }))),
  },
  { $id: 'ListMeta', additionalProperties: false },
)
export type ListMetaBody = Static<typeof ListMeta>

export const DataOf = <T extends TSchema>(schema: T) => Type.Object({ data: schema }, { additionalProperties: false })

export const ListOf = <T extends TSchema>(schema: T) =>
  Type.Object({ data: Type.Array(schema), meta: ref(ListMeta) }, { additionalProperties: false })

export const HEADER_LINK = { Link: Type.String({ description: 'RFC 8288 links: first, prev, next, last' }) }

/** A string enum (`{ type: 'string', enum }`): one line in OpenAPI, a union in TypeScript. */
export function StringEnum<const T extends readonly string[]>(values: T, options: Record<string, unknown> = {}) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options })
}

/** A date filter: a full date-time (RFC 3339) or a plain date (midnight UTC). */
export const DateFilter = (description: string) =>
  Type.String({
    description: `${description} (RFC 3339 date-time or YYYY-MM-DD)`,
    pattern: DATE_FILTER_PATTERN,
    maxLength: 40,
  })

/** For routes without parameters: unknown query parameters are rejected like unknown body fields. */
export const NoQuery = Type.Object({}, { additionalProperties: false })

/** An absolute http(s) URL: `format: uri` alone would accept javascript: and data: URLs. */
export const HttpUrl = (description?: string) =>
  Type.String({ format: 'uri', pattern: '^https?://', maxLength: 2000, ...(description ? { description } : {}) })

export const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) }, { additionalProperties: false })
