import type { TSchema } from 'typebox'

/**
 * The HTTP headers the API sends and honours, once: the OpenAPI document declares them as
 * `components.headers` / `components.parameters` and every operation refers to them (see
 * plugins/openapi-http.ts for which operation gets which). A header a mechanism starts sending is
 * added here and to that rule; test/openapi-examples.test.ts fails on any header a recorded response
 * carries that its operation does not declare.
 */
export const RESPONSE_HEADERS = {
  'X-Request-Id': {
    description: 'The request id (yours, when you sent a valid X-Request-Id; otherwise a new UUID). Problem bodies repeat it as requestId, and the server logs carry it.',
    schema: { type: 'string' },
  },
  'Cache-Control': {
    description: 'Public reads: `public, max-age=0, must-revalidate, s-maxage=…` (browsers revalidate by ETag on every use; CDNs keep them and are purged by surrogate key); media files: a year, immutable; everything else: `private, no-store`.',
    schema: { type: 'string' },
  },
  ETag: {
    description: 'Public reads (not previews): a strong validator of the body, one per content coding (`"…-br"`, `"…-gzip"`); send it back as If-None-Match. Media files: their content-hashed name; send it back as If-None-Match or If-Range. Versioned editor resources: `"v<version>"`; send it back as If-Match when you write.',
    schema: { type: 'string' },
  },
  'Accept-Ranges': {
    description: '`bytes`: the file can be read a range at a time (Range).',
    schema: { type: 'string', enum: ['bytes'] },
  },
  'Content-Range': {
    description: 'The range sent and the whole size (`bytes 0-1023/48213`, 206), or only the size (`bytes */48213`, 416).',
    schema: { type: 'string' },
  },
  'Surrogate-Control': {
    description: 'For CDNs that read it (Fastly; with CDN_PURGE_HEADER surrogate-key or both): how long they may keep and serve stale the response; browsers never see it as their policy.',
    schema: { type: 'string' },
  },
  'CDN-Cache-Control': {
    description: 'RFC 9213 caching policy for CDNs (Cloudflare, Akamai; with CDN_PURGE_HEADER cache-tag or both).',
    schema: { type: 'string' },
  },
  Vary: {
    description: '`Accept-Encoding` on bodies that may be compressed (br or gzip by Accept-Encoding); `Origin` too when CORS is on.',
    schema: { type: 'string' },
  },
  'Surrogate-Key': {
    description: 'Purge keys for CDNs (space-separated): `article:<id>`, `section:<slug>`, `author:<slug>`, `tag:<slug>` and the route’s own (e.g. `articles`). Webhook events name the keys a change touches.',
    schema: { type: 'string' },
  },
  'Cache-Tag': {
    description: 'The Surrogate-Key purge keys, comma-separated (the CDN flavour that reads Cache-Tag).',
    schema: { type: 'string' },
  },
  Link: {
    description: 'RFC 8288 pagination links: `first`, `prev`, `next`, `last` (those that exist), as absolute URLs.',
    schema: { type: 'string' },
  },
  Location: {
    description: 'The URL of the created resource (201), where the resource is now (301), or, on a 409 for an Idempotency-Key, only when the write was applied but its response was lost: the resource that write was about.',
    schema: { type: 'string', format: 'uri' },
  },
  'Retry-After': {
    description: 'Seconds to wait before retrying.',
    schema: { type: 'integer', minimum: 0 },
  },
  'Content-Disposition': {
    description: 'A download: `attachment` with the file name to save it under.',
    schema: { type: 'string' },
  },
  'Idempotent-Replayed': {
    description: '`true` when this is the recorded response of an earlier request with the same Idempotency-Key: nothing was written again.',
    schema: { type: 'string', enum: ['true'] },
  },
} as const

export type ResponseHeaderName = keyof typeof RESPONSE_HEADERS

/** The Idempotency-Key request header, on every write that declares `config.idempotent` (plugins/idempotency.ts). */
export const IDEMPOTENCY_KEY_HEADER = {
  type: 'string',
  pattern: '^[\\x21-\\x7e]{1,255}$',
  description: 'A unique key per logical write (e.g. a UUID). A retry with the same key and request gets the first response back (Idempotent-Replayed: true) and never writes twice; keys are kept 24 hours.',
}

/** Request headers declared as `components.parameters`, by component name. */
export const HEADER_PARAMETERS = {
  IfNoneMatch: {
    name: 'if-none-match',
    in: 'header',
    required: false,
    description: 'The ETag you hold: 304 Not Modified (no body) when it is still current.',
    schema: { type: 'string' },
  },
  IfMatch: {
    name: 'if-match',
    in: 'header',
    required: false,
    description: 'The ETag (`"v<version>"`) of the version you read: the write happens only if it is still current (412 otherwise). Where this operation answers 428, a write without If-Match (or a `version` body field) is refused.',
    schema: { type: 'string' },
  },
} as const

/**
 * Declares headers a handler sets itself on one response (e.g. Location of a created resource, the
 * version ETag). @fastify/swagger reads `headers` of a response schema; the serializer ignores it.
 */
export function withHeaders<T extends TSchema | { description: string; content?: object }>(schema: T, ...names: ResponseHeaderName[]): T {
  return { ...schema, headers: Object.fromEntries(names.map((name) => [name, { ...RESPONSE_HEADERS[name].schema }])) }
}
