import { Type, type Static, type TSchema } from 'typebox'
import { Value } from 'typebox/value'
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import { PGLITE_SHARED_BUFFERS_MB_DEFAULT, PGLITE_SHARED_BUFFERS_MB_RANGE } from './db/pglite-settings.js'

/**
 * Every environment variable the service reads, with its type and default. This module is the only
 * reader of process.env: everything else receives a validated `Config`.
 */
const Bool = (fallback: boolean, description: string) => Type.Boolean({ default: fallback, description })

export const EnvSchema = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000, description: 'TCP port to listen on' }),
  HOST: Type.String({ minLength: 1, default: '127.0.0.1', description: 'Interface to bind (0.0.0.0 in containers)' }),
  DATABASE_URL: Type.Optional(
    Type.String({ pattern: '^postgres(ql)?://', description: 'PostgreSQL URL; unset means embedded PGlite' }),
  ),
  DATABASE_READ_URL: Type.Optional(
    Type.String({ pattern: '^postgres(ql)?://', description: 'PostgreSQL read replica for public reads; unset means every query goes to DATABASE_URL' }),
  ),
  DATABASE_READ_LAG_MS: Type.Integer({ minimum: 0, maximum: 600000, default: 5000, description: 'After a content change, public reads stay on the primary this long (the replica lag tolerated)' }),
  DATABASE_POOL_SIZE: Type.Integer({ minimum: 1, maximum: 200, default: 10, description: 'pg pool size' }),
  DATABASE_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 600000, default: 10000, description: 'Longest wait for a database connection or query before the request answers 503 (0 = none is not allowed)' }),
  DATA_DIR: Type.String({ minLength: 1, default: './data', description: 'Embedded database and local files' }),
  PGLITE_SHARED_BUFFERS_MB: Type.Integer({ ...PGLITE_SHARED_BUFFERS_MB_RANGE, default: PGLITE_SHARED_BUFFERS_MB_DEFAULT, description: "The embedded database's shared_buffers in MB (PGlite's own 128 MB took ~0.45 s of each start)" }),
  MEDIA_DIR: Type.Optional(Type.String({ minLength: 1, description: 'Local media files (default DATA_DIR/media)' })),
  MEDIA_MAX_BYTES: Type.Integer({ minimum: 1024, maximum: 500 * 1024 * 1024, default: 20 * 1024 * 1024, description: 'Largest accepted image upload in bytes (larger → 413)' }),
  MEDIA_MAX_PIXELS: Type.Integer({ minimum: 1, maximum: 268402689, default: 50_000_000, description: 'Largest accepted image in pixels (width × height); guards against decompression bombs' }),
  MEDIA_WIDTHS: Type.String({ pattern: '^\\s*[0-9]{2,5}\\s*(,\\s*[0-9]{2,5}\\s*){0,11}$', default: '320,640,1024,1600', description: 'Comma-separated rendition widths (never upscaled)' }),
  MEDIA_PROCESSING_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 64, default: 1, description: 'Images decoded and re-encoded at once per process (a large image takes over a GB and seconds of CPU; libvips already uses every core for one)' }),
  MEDIA_PROCESSING_QUEUE: Type.Integer({ minimum: 0, maximum: 10000, default: 8, description: 'Uploads that may wait for a processing slot per process; beyond, 503 with Retry-After' }),
  MEDIA_UPLOAD_RATE: Type.Integer({ minimum: 1, maximum: 100000, default: 30, description: 'Image uploads per user per minute; beyond, 429 with Retry-After' }),
  MEDIA_FALLBACK_FORMAT: Type.Union([Type.Literal('jpeg'), Type.Literal('avif')], { default: 'jpeg', description: 'Format of the renditions made besides WebP' }),
  S3_BUCKET: Type.Optional(Type.String({ minLength: 3, maxLength: 63, pattern: '^[a-z0-9][a-z0-9.-]+[a-z0-9]$', description: 'Store media in this S3-compatible bucket (unset = local disk)' })),
  S3_REGION: Type.String({ minLength: 1, default: 'us-east-1', description: 'S3 region' }),
  S3_ENDPOINT: Type.Optional(Type.String({ pattern: '^https?://[^\\s]+$', description: 'S3-compatible endpoint (MinIO, R2, Spaces…); unset = AWS' })),
  S3_ACCESS_KEY_ID: Type.Optional(Type.String({ minLength: 1, description: 'S3 access key (unset = the AWS SDK default credential chain)' })),
  S3_SECRET_ACCESS_KEY: Type.Optional(Type.String({ minLength: 1, description: 'S3 secret key' })),
  S3_FORCE_PATH_STYLE: Bool(false, 'Address the bucket as <endpoint>/<bucket> (MinIO) instead of <bucket>.<endpoint>'),
  S3_PUBLIC_URL: Type.Optional(Type.String({ pattern: '^https?://[^\\s]+$', description: 'Public base URL of the bucket or its CDN; unset = files are served through /media/{key}' })),
  SEED: Type.Optional(Type.Boolean({ description: 'Load the demo content and generate an admin account on first start (default: true on the embedded database, false with DATABASE_URL)' })),
  ADMIN_EMAIL: Type.Optional(Type.String({ format: 'email', description: 'First admin account' })),
  ADMIN_PASSWORD: Type.Optional(Type.String({ minLength: 10, maxLength: 256, description: 'First admin password' })),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((level) => Type.Literal(level)),
    { default: 'info', description: 'pino log level' },
  ),
  CORS_ORIGINS: Type.String({ default: '', description: 'Comma-separated allowed origins, or * for any' }),
  PUBLIC_URL: Type.Optional(Type.String({ pattern: '^https?://[^\\s]+$', description: 'Public base URL of the API' })),
  TRUST_PROXY: Type.String({
    default: 'false',
    pattern: '^(true|false|[0-9]+|[0-9a-fA-F.:/, ]+)$',
    description: 'true/false, a hop count, or comma-separated proxy addresses/CIDRs',
  }),
  JWT_SECRET: Type.Optional(Type.String({ minLength: 32, description: 'HS256 key for access tokens (required with DATABASE_URL)' })),
  ACCESS_TOKEN_TTL: Type.Integer({ minimum: 60, maximum: 86400, default: 900, description: 'Access token lifetime (s)' }),
  REFRESH_TOKEN_TTL: Type.Integer({ minimum: 3600, maximum: 31536000, default: 2592000, description: 'Refresh token lifetime (s)' }),
  PREVIEW_TOKEN_TTL: Type.Integer({ minimum: 60, maximum: 2592000, default: 86400, description: 'Draft preview link lifetime (s)' }),
  LOGIN_IP_LIMIT: Type.Integer({ minimum: 1, default: 20, description: 'Failed logins per IP per 15 minutes' }),
  LOGIN_ACCOUNT_LIMIT: Type.Integer({ minimum: 1, default: 5, description: 'Failed logins per account per 15 minutes' }),
  REDIS_URL: Type.Optional(Type.String({ pattern: '^rediss?://', description: 'Redis for rate-limit counters shared by every API process; unset = counted in each process' })),
  REDIS_KEY_PREFIX: Type.String({ minLength: 1, maxLength: 100, default: 'newsroom:rl:', description: 'Prefix of the rate-limit keys in Redis' }),
  REQUEST_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 3600000, default: 30000, description: 'Longest time to receive a whole request (headers and body) before 408' }),
  HEADERS_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 3600000, default: 10000, description: 'Longest time to receive the request headers before 408 (at most REQUEST_TIMEOUT_MS)' }),
  CONNECTION_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 3600000, default: 120000, description: 'A socket with no traffic at all for this long is closed' }),
  KEEP_ALIVE_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 3600000, default: 72000, description: 'How long an idle keep-alive connection is kept open (longer than the load balancer idle timeout)' }),
  SMTP_URL: Type.Optional(Type.String({ pattern: '^smtps?://', description: 'SMTP server for outgoing mail; unset = log and keep in the outbox' })),
  MAIL_FROM: Type.String({ minLength: 3, default: 'newsroom@localhost', description: 'From address of outgoing mail' }),
  MAIL_RATE_PER_SECOND: Type.Integer({ minimum: 0, maximum: 100000, default: 0, description: 'Newsletter messages each process sends per second at most (0 = no limit)' }),
  OUTBOX_POLL_MS: Type.Integer({ minimum: 50, maximum: 60000, default: 1000, description: 'Outbox worker poll interval' }),
  OUTBOX_LEASE_MS: Type.Integer({ minimum: 1000, maximum: 3600000, default: 60000, description: 'How long a claimed outbox job is held before another worker may retry it' }),
  OUTBOX_RETENTION_DAYS: Type.Integer({
    // A dedupe key stops a repeat only while its job is kept: longer than a weekly digest's period.
    minimum: 8,
    maximum: 3650,
    default: 30,
    description: 'Days a finished outbox job (an email, a webhook delivery, a newsletter recipient) and its attempts are kept before housekeeping deletes them',
  }),
  NEWSLETTER_TOKEN_TTL: Type.Integer({ minimum: 300, maximum: 2592000, default: 86400, description: 'Confirmation link lifetime (s)' }),
  NEWSLETTER_RESEND_INTERVAL: Type.Integer({ minimum: 0, maximum: 86400, default: 600, description: 'Minimum seconds between confirmation emails to one address' }),
  NEWSLETTER_BLOCKED_DOMAINS: Type.String({
    default: 'mailinator.com,guerrillamail.com,10minutemail.com,tempmail.com,yopmail.com,trashmail.com,sharklasers.com,dispostable.com',
    description: 'Comma-separated email domains refused for signups (disposable mail)',
  }),
  NEWSLETTER_PRIVACY_VERSION: Type.String({ minLength: 1, maxLength: 40, default: '1', description: 'Privacy policy version recorded with each consent' }),
  NEWSLETTER_RATE_IP: Type.Integer({ minimum: 1, default: 20, description: 'Signups per IP per 10 minutes' }),
  NEWSLETTER_RATE_EMAIL: Type.Integer({ minimum: 1, default: 5, description: 'Signups per address per 10 minutes' }),
  NEWSLETTER_LINK_BASE: Type.Optional(
    Type.String({ pattern: '^https?://[^\\s]+$', description: 'Base URL of the confirm/unsubscribe pages in emails (default PUBLIC_URL, which serves them)' }),
  ),
  NEWSLETTER_RESPONSE_FLOOR_MS: Type.Integer({ minimum: 0, maximum: 5000, default: 150, description: 'Signups answer no sooner than this, so timing reveals nothing' }),
  WEBHOOK_ALLOW_PRIVATE: Bool(false, 'Allow webhook targets on private/loopback addresses (SSRF guard off)'),
  MEDIA_FETCH_ALLOW_PRIVATE: Bool(false, 'Let imports fetch images from private/loopback addresses (SSRF guard off)'),
  IMPORT_MAX_BYTES: Type.Integer({ minimum: 1024, maximum: 16 * 1024 * 1024 * 1024, default: 1024 * 1024 * 1024, description: 'Largest export file POST /v1/admin/imports accepts, in bytes (larger → 413)' }),
  WEBHOOK_DISABLE_AFTER: Type.Integer({ minimum: 1, maximum: 1000, default: 15, description: 'Failed deliveries in a row that disable a webhook' }),
  WEBHOOK_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 60000, default: 10000, description: 'Webhook delivery timeout' }),
  SCHEDULER_POLL_MS: Type.Integer({ minimum: 100, maximum: 600000, default: 5000, description: 'How often due scheduled articles are looked for (they are public at their time regardless)' }),
  IDEMPOTENCY_LEASE_MS: Type.Integer({ minimum: 1000, maximum: 3600000, default: 30000, description: 'How long a retry with the same Idempotency-Key waits (409, Retry-After) for an unfinished first attempt before running the write itself; longer than the slowest write' }),
  BODY_LIMIT: Type.Integer({ minimum: 1024, maximum: 50 * 1024 * 1024, default: 1024 * 1024, description: 'Max JSON body bytes' }),
  CACHE_MAX_AGE: Type.Integer({ minimum: 0, default: 0, description: 'Cache-Control max-age of public GETs for browsers (s); 0 = revalidate by ETag on every use, so readers see their own writes' }),
  CACHE_STALE_WHILE_REVALIDATE: Type.Integer({ minimum: 0, default: 300, description: 'stale-while-revalidate for CDNs only (s), in Surrogate-Control / CDN-Cache-Control' }),
  CACHE_S_MAXAGE: Type.Integer({ minimum: 0, default: 300, description: 'Cache-Control s-maxage for CDNs (s); purged by surrogate key on change' }),
  CDN_PURGE_HEADER: Type.Union([Type.Literal('surrogate-key'), Type.Literal('cache-tag'), Type.Literal('both'), Type.Literal('none')], {
    default: 'surrogate-key',
    description: 'Purge-key header of public responses: Surrogate-Key (Fastly), Cache-Tag (Cloudflare, Akamai), both, or none',
  }),
  CDN_PURGE_HEADER_MAX_BYTES: Type.Integer({ minimum: 256, maximum: 16384, default: 2048, description: 'Bound on the purge-key header bytes of one response; past it, coarser keys stand for the finest' }),
  COMPRESSION: Bool(true, 'Compress responses (br, gzip) as Accept-Encoding asks'),
  COMPRESSION_MIN_BYTES: Type.Integer({ minimum: 0, maximum: 1048576, default: 1024, description: 'Bodies smaller than this are sent uncompressed' }),
  COMPRESSION_BROTLI_QUALITY: Type.Integer({ minimum: 0, maximum: 11, default: 5, description: 'Brotli quality (0–11): speed against size' }),
  COMPRESSION_GZIP_LEVEL: Type.Integer({ minimum: 1, maximum: 9, default: 6, description: 'gzip level (1–9)' }),
  RESPONSE_CACHE: Bool(true, 'Keep whole public responses in memory until content changes'),
  RESPONSE_CACHE_MAX_MB: Type.Integer({ minimum: 1, maximum: 4096, default: 64, description: 'Memory bound of the response cache' }),
  RESPONSE_CACHE_TTL: Type.Integer({ minimum: 1, maximum: 86400, default: 300, description: 'Longest a response stays cached (s), even without changes' }),
  AKISMET_KEY: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Akismet API key; unset = no Akismet check' })),
  AKISMET_URL: Type.String({ pattern: '^https?://[^\\s]+$', default: 'https://rest.akismet.com', description: 'Akismet API base URL' }),
  AKISMET_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 60000, default: 3000, description: 'Akismet request timeout (ms)' }),
  COMMENTS_CLOSE_AFTER_DAYS: Type.Integer({ minimum: 0, maximum: 36500, default: 0, description: 'Close comments this many days after publication (0 = never)' }),
  COMMENT_MAX_LINKS: Type.Integer({ minimum: 0, maximum: 1000, default: 2, description: 'More links than this in a comment = spam' }),
  COMMENT_BLOCKLIST: Type.String({ default: '', description: 'Comma-separated words that make a comment spam' }),
  COMMENT_RATE_IP: Type.Integer({ minimum: 1, default: 10, description: 'Comments per client IP per minute' }),
  COMMENT_RATE_EMAIL: Type.Integer({ minimum: 1, default: 5, description: 'Comments per commenter email per minute' }),
  METRICS_TOKEN: Type.Optional(Type.String({ minLength: 16, maxLength: 512, pattern: '^[\\x21-\\x7e]+$', description: 'Serve GET /metrics (Prometheus) on the API port to requests bearing this token (Authorization: Bearer …); unset = no /metrics there' })),
  METRICS_PORT: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535, description: 'Serve GET /metrics (Prometheus) without a token on this port of HOST, a listener of its own (for a scraper on a private network); unset = none' })),
  OTEL_EXPORTER_OTLP_ENDPOINT: Type.Optional(Type.String({ pattern: '^https?://[^\\s]+$', description: 'OTLP/HTTP collector base URL: set = OpenTelemetry traces on (spans POSTed to <url>/v1/traces); unset = tracing off, its modules never loaded' })),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: Type.Optional(Type.String({ pattern: '^https?://[^\\s]+$', description: 'Full URL traces are POSTed to (overrides OTEL_EXPORTER_OTLP_ENDPOINT for traces; also turns tracing on)' })),
  OTEL_EXPORTER_OTLP_PROTOCOL: Type.Union([Type.Literal('http/protobuf'), Type.Literal('http/json')], { default: 'http/protobuf', description: 'OTLP encoding: http/protobuf or http/json (gRPC is not supported)' }),
  OTEL_EXPORTER_OTLP_HEADERS: Type.String({ default: '', pattern: '^\\s*([^=,\\s]+\\s*=[^,]*(,\\s*[^=,\\s]+\\s*=[^,]*)*)?\\s*$', description: 'Headers sent with every export, as key=value pairs separated by commas (values URL-encoded), e.g. an API key' }),
  OTEL_EXPORTER_OTLP_TIMEOUT: Type.Integer({ minimum: 100, maximum: 600000, default: 10000, description: 'Longest wait for one export (ms)' }),
  OTEL_SERVICE_NAME: Type.String({ minLength: 1, maxLength: 200, default: 'newsroom-cms', description: 'service.name of the spans' }),
  OTEL_RESOURCE_ATTRIBUTES: Type.String({ default: '', pattern: '^\\s*([^=,\\s]+\\s*=[^,]*(,\\s*[^=,\\s]+\\s*=[^,]*)*)?\\s*$', description: 'Further resource attributes as key=value pairs separated by commas (deployment.environment.name=production,…)' }),
  OTEL_TRACES_SAMPLER: Type.Union(
    ['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'].map((name) => Type.Literal(name)),
    { default: 'parentbased_always_on', description: 'Which traces are recorded (the parentbased_ samplers follow an incoming traceparent\'s decision)' },
  ),
  OTEL_TRACES_SAMPLER_ARG: Type.String({ default: '1', pattern: '^\\s*(0(\\.[0-9]+)?|1(\\.0+)?|\\.[0-9]+)\\s*$', description: 'The ratio (0–1) of the traceidratio samplers' }),
  OTEL_BSP_SCHEDULE_DELAY: Type.Integer({ minimum: 10, maximum: 600000, default: 5000, description: 'Finished spans are exported in batches this often (ms)' }),
  OTEL_BSP_MAX_QUEUE_SIZE: Type.Integer({ minimum: 1, maximum: 1000000, default: 2048, description: 'Finished spans kept waiting for export at most; beyond, new ones are dropped' }),
  OTEL_SDK_DISABLED: Bool(false, 'true = tracing off even with an endpoint set'),
})

type Env = Static<typeof EnvSchema>

export interface Config {
  port: number
  host: string
  /** `readUrl` (DATABASE_READ_URL) and `readLagMs` are present only when a read replica is configured. */
  database: { kind: 'pglite'; dataDir: string; sharedBuffersMb: number } | { kind: 'postgres'; url: string; poolSize: number; timeoutMs: number; readUrl?: string; readLagMs?: number }
  dataDir: string
  mediaDir: string
  media: MediaConfig
  seed: boolean
  admin: { email: string; password: string } | undefined
  logLevel: string
  corsOrigins: string[] | '*'
  publicUrl: string
  trustProxy: boolean | number | string[]
  auth: {
    /** Undefined only on the embedded default before server.ts has loaded or created one in DATA_DIR. */
    jwtSecret: string | undefined
    accessTokenTtl: number
    refreshTokenTtl: number
    previewTokenTtl: number
    loginIpLimit: number
    loginAccountLimit: number
  }
  /** Rate-limit counters: in each process, or in Redis (shared) when `redisUrl` is set. */
  rateLimit: { redisUrl: string | undefined; redisKeyPrefix: string }
  /** Slow-client protection, all in milliseconds. */
  timeouts: { request: number; headers: number; connection: number; keepAlive: number }
  mail: { smtpUrl: string | undefined; from: string; ratePerSecond: number }
  outbox: { pollMs: number; leaseMs: number; retentionDays: number }
  newsletter: {
    tokenTtl: number
    resendInterval: number
    blockedDomains: string[]
    privacyVersion: string
    rateIp: number
    rateEmail: number
    responseFloorMs: number
    /** Where the confirm and unsubscribe links in emails point (…/newsletter/confirm?token=…). */
    linkBase: string
  }
  webhooks: { allowPrivate: boolean; disableAfter: number; timeoutMs: number }
  /** Imports: the spool folder of uploaded export files, their size limit, and the image fetch guard. */
  imports: { spoolDir: string; maxBytes: number; allowPrivateFetch: boolean }
  schedulerPollMs: number
  bodyLimit: number
  idempotencyLeaseMs: number
  cache: {
    maxAge: number
    staleWhileRevalidate: number
    sMaxAge: number
    purgeHeader: PurgeHeaderFlavour
    purgeHeaderMaxBytes: number
    responseCache: { enabled: boolean; maxBytes: number; ttlSeconds: number }
  }
  compression: CompressionConfig
  comments: CommentsConfig
  /** Prometheus metrics: on when a token or a port is set; off (nothing collected, no hook) otherwise. */
  metrics: MetricsConfig
  /** OpenTelemetry traces: on when an OTLP endpoint is set; off (the SDK never loaded) otherwise. */
  tracing: TracingConfig
}

export type TraceSampler = 'always_on' | 'always_off' | 'traceidratio' | 'parentbased_always_on' | 'parentbased_always_off' | 'parentbased_traceidratio'

export interface TracingConfig {
  enabled: boolean
  /** The full URL spans are POSTed to (…/v1/traces); empty when off. */
  endpoint: string
  protocol: 'http/protobuf' | 'http/json'
  headers: Record<string, string>
  timeoutMs: number
  serviceName: string
  resourceAttributes: Record<string, string>
  sampler: TraceSampler
  samplerRatio: number
  batchDelayMs: number
  batchMaxQueueSize: number
}

export interface MetricsConfig {
  enabled: boolean
  /** GET /metrics on the API's own port requires `Authorization: Bearer <token>`; undefined = not served there. */
  token: string | undefined
  /** A separate listener serving only /metrics, without a token; undefined = none. */
  port: number | undefined
}

export type PurgeHeaderFlavour = 'surrogate-key' | 'cache-tag' | 'both' | 'none'

export interface CompressionConfig {
  enabled: boolean
  minBytes: number
  brotliQuality: number
  gzipLevel: number
}

export interface MediaConfig {
  maxBytes: number
  maxPixels: number
  /** Ascending, distinct. */
  widths: number[]
  fallbackFormat: 'jpeg' | 'avif'
  /** How many images are processed at once, and how many uploads may wait for that (per process). */
  processing: { concurrency: number; maxWaiting: number }
  /** Uploads per user per minute. */
  uploadRatePerUser: number
  /** Set when S3_BUCKET is: media goes to an S3-compatible object store instead of MEDIA_DIR. */
  s3: S3Config | undefined
}

export interface S3Config {
  bucket: string
  region: string
  endpoint: string | undefined
  credentials: { accessKeyId: string; secretAccessKey: string } | undefined
  forcePathStyle: boolean
  /** Where readers fetch objects from (bucket website or CDN); undefined = through this API's /media/{key}. */
  publicUrl: string | undefined
}

export interface CommentsConfig {
  /** Set when AKISMET_KEY is: comments are checked with Akismet. */
  akismet: { key: string; url: string; timeoutMs: number } | undefined
  /** 0 = comments never close by age. */
  closeAfterDays: number
  maxLinks: number
  /** Lower-cased words; a comment containing one is spam. */
  blocklist: string[]
  ratePerIp: number
  ratePerEmail: number
}

export class ConfigError extends Error {
  readonly problems: string[]
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`)
    this.name = 'ConfigError'
    this.problems = problems
  }
}

function describe(schema: TSchema): string {
  const s = schema as Record<string, unknown>
  if (Array.isArray(s.anyOf)) return `one of ${(s.anyOf as { const: string }[]).map((x) => x.const).join(', ')}`
  if (s.type === 'integer') {
    const range = [s.minimum !== undefined ? `>= ${s.minimum}` : '', s.maximum !== undefined ? `<= ${s.maximum}` : '']
    return `an integer ${range.filter(Boolean).join(' and ')}`.trim()
  }
  if (s.type === 'boolean') return 'true or false'
  if (s.format === 'email') return 'an email address'
  if (typeof s.pattern === 'string') return `a value matching ${s.pattern}`
  if (typeof s.minLength === 'number') return `a string of at least ${s.minLength} characters`
  return 'a valid value'
}

function parseBoolean(raw: string): boolean | string {
  const value = raw.trim().toLowerCase()
  if (['true', '1', 'yes', 'on'].includes(value)) return true
  if (['false', '0', 'no', 'off'].includes(value)) return false
  return raw
}

/** Validates the environment once, naming every bad variable in one error. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const properties = EnvSchema.properties as Record<string, TSchema>
  const input: Record<string, unknown> = {}
  for (const [key, schema] of Object.entries(properties)) {
    const raw = env[key]
    if (raw === undefined || raw === '') continue
    const type = (schema as { type?: string }).type
    if (type === 'boolean') input[key] = parseBoolean(raw)
    else if (type === 'integer') input[key] = /^-?\d+$/.test(raw.trim()) ? Number(raw.trim()) : raw
    else input[key] = raw
  }
  const withDefaults = Value.Default(EnvSchema, input) as Record<string, unknown>
  const problems: string[] = []
  const seen = new Set<string>()
  for (const error of Value.Errors(EnvSchema, withDefaults)) {
    const key = error.instancePath.replace(/^\//, '').split('/')[0] ?? ''
    if (!key || seen.has(key)) continue
    seen.add(key)
    const schema = properties[key]
    problems.push(`${key} must be ${schema ? describe(schema) : 'valid'} (got ${JSON.stringify(env[key])})`)
  }
  const e = withDefaults as Env
  if (problems.length === 0 && (e.ADMIN_EMAIL === undefined) !== (e.ADMIN_PASSWORD === undefined)) {
    problems.push('ADMIN_EMAIL and ADMIN_PASSWORD must be set together')
  }
  if (problems.length === 0 && e.DATABASE_URL && !e.JWT_SECRET) {
    // Several processes share one PostgreSQL: a secret generated by one would not be known to the others.
    problems.push('JWT_SECRET is required when DATABASE_URL is set (at least 32 characters, e.g. `openssl rand -hex 32`)')
  }
  if (problems.length === 0 && (e.S3_ACCESS_KEY_ID === undefined) !== (e.S3_SECRET_ACCESS_KEY === undefined)) {
    problems.push('S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY must be set together')
  }
  const widths = [...new Set(e.MEDIA_WIDTHS.split(',').map((w) => Number(w.trim())))].sort((a, b) => a - b)
  if (problems.length === 0 && widths.some((w) => w < 16 || w > 10000)) problems.push(`MEDIA_WIDTHS must be widths between 16 and 10000 (got ${JSON.stringify(env.MEDIA_WIDTHS)})`)
  if (problems.length === 0 && e.DATABASE_READ_URL && !e.DATABASE_URL) {
    problems.push('DATABASE_READ_URL needs DATABASE_URL (a read replica of that primary); the embedded database has no replica')
  }
  if (problems.length === 0 && e.METRICS_PORT !== undefined && e.METRICS_PORT !== 0 && e.METRICS_PORT === e.PORT) {
    problems.push(`METRICS_PORT must differ from PORT (${e.PORT}): the metrics listener is a separate one`)
  }
  if (problems.length === 0 && e.HEADERS_TIMEOUT_MS > e.REQUEST_TIMEOUT_MS) {
    problems.push(`HEADERS_TIMEOUT_MS (${e.HEADERS_TIMEOUT_MS}) must not exceed REQUEST_TIMEOUT_MS (${e.REQUEST_TIMEOUT_MS})`)
  }
  // The patterns above accept URLs the WHATWG parser refuses (`http://a%25b/`); they are parsed later.
  const typesValid = problems.length === 0
  for (const key of ['DATABASE_URL', 'DATABASE_READ_URL', 'PUBLIC_URL', 'S3_ENDPOINT', 'S3_PUBLIC_URL', 'REDIS_URL', 'SMTP_URL', 'NEWSLETTER_LINK_BASE', 'AKISMET_URL', 'OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'] as const) {
    const value = e[key]
    if (typesValid && value !== undefined && !URL.canParse(value)) problems.push(`${key} must be a URL the WHATWG parser accepts (got ${JSON.stringify(env[key])})`)
  }
  if (problems.length > 0) throw new ConfigError(problems)

  const dataDir = path.resolve(e.DATA_DIR)
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '')
  const origins = e.CORS_ORIGINS.split(',').map((o) => o.trim()).filter(Boolean)
  return {
    port: e.PORT,
    host: e.HOST,
    database: e.DATABASE_URL
      ? { kind: 'postgres', url: e.DATABASE_URL, poolSize: e.DATABASE_POOL_SIZE, timeoutMs: e.DATABASE_TIMEOUT_MS, ...(e.DATABASE_READ_URL ? { readUrl: e.DATABASE_READ_URL, readLagMs: e.DATABASE_READ_LAG_MS } : {}) }
      : { kind: 'pglite', dataDir, sharedBuffersMb: e.PGLITE_SHARED_BUFFERS_MB },
    dataDir,
    mediaDir: e.MEDIA_DIR ? path.resolve(e.MEDIA_DIR) : path.join(dataDir, 'media'),
    media: {
      maxBytes: e.MEDIA_MAX_BYTES,
      maxPixels: e.MEDIA_MAX_PIXELS,
      widths,
      fallbackFormat: e.MEDIA_FALLBACK_FORMAT,
      processing: { concurrency: e.MEDIA_PROCESSING_CONCURRENCY, maxWaiting: e.MEDIA_PROCESSING_QUEUE },
      uploadRatePerUser: e.MEDIA_UPLOAD_RATE,
      s3: e.S3_BUCKET
        ? {
            bucket: e.S3_BUCKET,
            region: e.S3_REGION,
            endpoint: e.S3_ENDPOINT?.replace(/\/+$/, ''),
            credentials: e.S3_ACCESS_KEY_ID && e.S3_SECRET_ACCESS_KEY ? { accessKeyId: e.S3_ACCESS_KEY_ID, secretAccessKey: e.S3_SECRET_ACCESS_KEY } : undefined,
            forcePathStyle: e.S3_FORCE_PATH_STYLE,
            publicUrl: e.S3_PUBLIC_URL?.replace(/\/+$/, ''),
          }
        : undefined,
    },
    // Demo content belongs to the embedded try-out; a production database gets it only when asked.
    seed: e.SEED ?? !e.DATABASE_URL,
    admin: e.ADMIN_EMAIL && e.ADMIN_PASSWORD ? { email: e.ADMIN_EMAIL, password: e.ADMIN_PASSWORD } : undefined,
    logLevel: e.LOG_LEVEL,
    corsOrigins: origins.includes('*') ? '*' : origins,
    publicUrl,
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    auth: {
      jwtSecret: e.JWT_SECRET,
      accessTokenTtl: e.ACCESS_TOKEN_TTL,
      refreshTokenTtl: e.REFRESH_TOKEN_TTL,
      previewTokenTtl: e.PREVIEW_TOKEN_TTL,
      loginIpLimit: e.LOGIN_IP_LIMIT,
      loginAccountLimit: e.LOGIN_ACCOUNT_LIMIT,
    },
    rateLimit: { redisUrl: e.REDIS_URL, redisKeyPrefix: e.REDIS_KEY_PREFIX },
    timeouts: { request: e.REQUEST_TIMEOUT_MS, headers: e.HEADERS_TIMEOUT_MS, connection: e.CONNECTION_TIMEOUT_MS, keepAlive: e.KEEP_ALIVE_TIMEOUT_MS },
    mail: { smtpUrl: e.SMTP_URL, from: e.MAIL_FROM, ratePerSecond: e.MAIL_RATE_PER_SECOND },
    outbox: { pollMs: e.OUTBOX_POLL_MS, leaseMs: e.OUTBOX_LEASE_MS, retentionDays: e.OUTBOX_RETENTION_DAYS },
    newsletter: {
      tokenTtl: e.NEWSLETTER_TOKEN_TTL,
      resendInterval: e.NEWSLETTER_RESEND_INTERVAL,
      blockedDomains: e.NEWSLETTER_BLOCKED_DOMAINS.split(',').map((d) => d.trim().toLowerCase()).filter(Boolean),
      privacyVersion: e.NEWSLETTER_PRIVACY_VERSION,
      rateIp: e.NEWSLETTER_RATE_IP,
      rateEmail: e.NEWSLETTER_RATE_EMAIL,
      responseFloorMs: e.NEWSLETTER_RESPONSE_FLOOR_MS,
      linkBase: (e.NEWSLETTER_LINK_BASE ?? publicUrl).replace(/\/+$/, ''),
    },
    webhooks: { allowPrivate: e.WEBHOOK_ALLOW_PRIVATE, disableAfter: e.WEBHOOK_DISABLE_AFTER, timeoutMs: e.WEBHOOK_TIMEOUT_MS },
    imports: { spoolDir: path.join(dataDir, 'imports'), maxBytes: e.IMPORT_MAX_BYTES, allowPrivateFetch: e.MEDIA_FETCH_ALLOW_PRIVATE },
    schedulerPollMs: e.SCHEDULER_POLL_MS,
    bodyLimit: e.BODY_LIMIT,
    idempotencyLeaseMs: e.IDEMPOTENCY_LEASE_MS,
    cache: {
      maxAge: e.CACHE_MAX_AGE,
      staleWhileRevalidate: e.CACHE_STALE_WHILE_REVALIDATE,
      sMaxAge: e.CACHE_S_MAXAGE,
      purgeHeader: e.CDN_PURGE_HEADER,
      purgeHeaderMaxBytes: e.CDN_PURGE_HEADER_MAX_BYTES,
      responseCache: { enabled: e.RESPONSE_CACHE, maxBytes: e.RESPONSE_CACHE_MAX_MB * 1024 * 1024, ttlSeconds: e.RESPONSE_CACHE_TTL },
    },
    compression: { enabled: e.COMPRESSION, minBytes: e.COMPRESSION_MIN_BYTES, brotliQuality: e.COMPRESSION_BROTLI_QUALITY, gzipLevel: e.COMPRESSION_GZIP_LEVEL },
    comments: {
      akismet: e.AKISMET_KEY ? { key: e.AKISMET_KEY, url: e.AKISMET_URL.replace(/\/+$/, ''), timeoutMs: e.AKISMET_TIMEOUT_MS } : undefined,
      closeAfterDays: e.COMMENTS_CLOSE_AFTER_DAYS,
      maxLinks: e.COMMENT_MAX_LINKS,
      blocklist: [...new Set(e.COMMENT_BLOCKLIST.split(',').map((w) => w.trim().toLowerCase()).filter(Boolean))],
      ratePerIp: e.COMMENT_RATE_IP,
      ratePerEmail: e.COMMENT_RATE_EMAIL,
    },
    metrics: { enabled: e.METRICS_TOKEN !== undefined || e.METRICS_PORT !== undefined, token: e.METRICS_TOKEN, port: e.METRICS_PORT },
    tracing: tracingConfig(e),
  }
}

/** `key=value,key2=value2` (OTEL_EXPORTER_OTLP_HEADERS, OTEL_RESOURCE_ATTRIBUTES), values URL-decoded. */
function parseKeyValues(raw: string): Record<string, string> {
  const pairs: Record<string, string> = {}
  for (const item of raw.split(',')) {
    const at = item.indexOf('=')
    if (at < 0) continue
    const key = item.slice(0, at).trim()
    const value = item.slice(at + 1).trim()
    if (key) pairs[key] = safeDecode(value)
  }
  return pairs
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value)
  } catch {
    return value
  }
}

function tracingConfig(e: Env): TracingConfig {
  const base = e.OTEL_EXPORTER_OTLP_ENDPOINT?.replace(/\/+$/, '')
  const endpoint = e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? (base ? `${base}/v1/traces` : '')
  return {
    enabled: endpoint !== '' && !e.OTEL_SDK_DISABLED,
    endpoint,
    protocol: e.OTEL_EXPORTER_OTLP_PROTOCOL,
    headers: parseKeyValues(e.OTEL_EXPORTER_OTLP_HEADERS),
    timeoutMs: e.OTEL_EXPORTER_OTLP_TIMEOUT,
    serviceName: e.OTEL_SERVICE_NAME,
    resourceAttributes: parseKeyValues(e.OTEL_RESOURCE_ATTRIBUTES),
    sampler: e.OTEL_TRACES_SAMPLER as TraceSampler,
    samplerRatio: Number(e.OTEL_TRACES_SAMPLER_ARG.trim()),
    batchDelayMs: e.OTEL_BSP_SCHEDULE_DELAY,
    batchMaxQueueSize: e.OTEL_BSP_MAX_QUEUE_SIZE,
  }
}

function parseTrustProxy(raw: string): boolean | number | string[] {
  if (raw === 'true') return true
  if (raw === 'false') return false
  if (/^\d+$/.test(raw)) return Number(raw)
  return raw.split(',').map((s) => s.trim()).filter(Boolean)
}

/**
 * The embedded default needs no setup: without JWT_SECRET a random key is generated once and kept
 * in DATA_DIR (mode 0600), so restarts keep sessions valid.
 */
export function withEmbeddedSecrets(config: Config): Config {
  if (config.auth.jwtSecret) return config
  const file = path.join(config.dataDir, 'jwt-secret')
  if (!existsSync(file)) {
    mkdirSync(config.dataDir, { recursive: true })
    writeFileSync(file, randomBytes(48).toString('base64url'), { mode: 0o600, flag: 'wx' })
  }
  chmodSync(file, 0o600)
  const secret = readFileSync(file, 'utf8').trim()
  if (secret.length < 32) throw new ConfigError([`${file} holds a key shorter than 32 characters; delete it to generate a new one`])
  return { ...config, auth: { ...config.auth, jwtSecret: secret } }
}
