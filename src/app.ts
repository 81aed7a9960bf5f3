import cors from '@fastify/cors'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions, type RawServerDefault } from 'fastify'
import { randomUUID } from 'node:crypto'
import type { Config } from './config.js'
import type { Database } from './db/client.js'
import { systemClock, type Clock } from './lib/clock.js'
import { startTracing } from './lib/tracing.js'
import type { Metrics } from './services/metrics.js'
import { schemaController } from './plugins/schema-compilers.js'
import { authPlugin } from './plugins/auth.js'
import { cachingPlugin } from './plugins/caching.js'
import { compressionPlugin } from './plugins/compression.js'
import { AppError } from './errors.js'
import { createClientErrorHandler, errorsPlugin, sendProblem, toProblem } from './plugins/errors.js'
import { idempotencyPlugin } from './plugins/idempotency.js'
import { openapiPlugin } from './plugins/openapi.js'
import { rateLimitPlugin } from './plugins/rate-limit.js'
import { schemasPlugin } from './plugins/schemas.js'
import { securityHeaders, securityHeadersPlugin } from './plugins/security-headers.js'
import { servicesPlugin } from './plugins/services.js'
import { validationPlugin } from './plugins/validation.js'
import { adminRoutes } from './routes/admin/index.js'
import { articleRoutes } from './routes/articles/index.js'
import { authRoutes } from './routes/auth/index.js'
import { authorRoutes } from './routes/authors/index.js'
import { correctionRoutes } from './routes/corrections/index.js'
import { commentRoutes } from './routes/comments/index.js'
import { feedRoutes, sitemapXmlRoutes } from './routes/feeds/index.js'
import { healthRoutes } from './routes/health/index.js'
import { mediaRoutes } from './routes/media/index.js'
import { newsletterRoutes } from './routes/newsletter/index.js'
import { newsletterPages } from './routes/newsletter/pages.js'
import { pageRoutes } from './routes/pages/index.js'
import { collectionRoutes } from './routes/collections/index.js'
import { resolveRoutes } from './routes/resolve/index.js'
import { sectionRoutes } from './routes/sections/index.js'
import { searchRoutes } from './routes/search/index.js'
import { siteRoutes } from './routes/site/index.js'
import { tagRoutes } from './routes/tags/index.js'

export interface AppOptions {
  config: Config
  database: Database
  clock?: Clock
  /** Pino options, or false to silence (tests). Defaults to JSON logs at config.logLevel. */
  logger?: FastifyServerOptions['logger']
  /** Serve the interactive docs at /docs (default true). */
  docs?: boolean
  /** Run background workers (the outbox) while the app is up (default false; the server turns them on). */
  workers?: boolean
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{8,64}$/

/** One line per request (on completion), labelled requestId; probes are not logged. */
class RequestLogController extends LogController {
  constructor() {
    super({ requestIdLogLabel: 'requestId', disableRequestLogging: (request) => request.url.startsWith('/health/') })
  }

  override incomingRequest(request: Parameters<LogController['incomingRequest']>[0]) {
    request.log.debug({ req: request }, 'incoming request')
  }
}

/**
 * Once the server starts closing (SIGTERM), a request that still arrives gets 503 problem+json with
 * Retry-After and `Connection: close` (Fastify adds it), so a client or load balancer sends it
 * elsewhere; requests already in flight finish.
 */
function refuseWhileClosing(app: FastifyInstance): void {
  let closing = false
  app.addHook('preClose', (done) => {
    closing = true
    done()
  })
  app.addHook('onRequest', (request, reply, done) => {
    if (!closing) return done()
    const { problem, headers } = toProblem(new AppError('SERVICE_UNAVAILABLE', 'The server is shutting down. Retry shortly.', { headers: { 'retry-after': '1' } }), request)
    void sendProblem(reply, problem, headers)
  })
}

/**
 * The composition root: cross-cutting plugins first, then one encapsulated plugin per resource.
 *
 * A request's path through the hooks (app-wide hooks in registration order, then the route's own):
 *
 * | stage      | hook                              | what it does                                                   |
 * |------------|-----------------------------------|----------------------------------------------------------------|
 * | onRequest  | tracing (when on)                 | the request's span (begun with its logger) made active         |
 * | onRequest  | security-headers                  | helmet's headers and X-Request-Id on every response            |
 * | onRequest  | refuseWhileClosing                | 503 problem+json with Retry-After once shutting down           |
 * | onRequest  | @fastify/cors (when configured)   | CORS headers; answers preflights                               |
 * | onRequest  | services (with a read replica)    | anonymous public GETs may read the replica                     |
 * | onRequest  | caching (`config.cache: 'public'`)| answers from the response cache (or 304); else joins a miss    |
 * |            |                                   | (and shares its 503 when the database did not answer it)       |
 * | onRequest  | admin (routes under /v1/admin)    | bearer token → 401; `config.roles` → 403                       |
 * | validation | validation                        | TypeBox schemas; 400 problem+json                              |
 * | preHandler | services (on PGlite)              | counts the request in flight until its response ends, so       |
 * |            |                                   | background passes step aside (Foreground)                      |
 * | handler    | idempotency (`config.idempotent`) | Idempotency-Key: replay, 409, 422, or run the handler          |
 * | handler    | the route                         | calls a service; names its surrogate keys (describeArticles…)  |
 * | onSend     | caching                           | Cache-Control, ETag, purge keys, store, 304, br/gzip (public)  |
 * | onSend     | idempotency record (route)        | records the response of a keyed write                          |
 * | onSend     | compression (route, last)         | br/gzip for everything the caching hook did not encode         |
 * | onResponse | caching                           | lets requests waiting on the same miss go (or fail alike)      |
 * | onResponse | metrics (route, when on)          | counts the request and its latency by route pattern and status |
 * | onResponse | tracing (when on)                 | ends the request's span with its route pattern and status      |
 *
 * Errors anywhere go to the errors plugin (problem+json), then through the same onSend hooks.
 */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { config, database } = options
  // Off unless an OTLP endpoint is set: then the SDK is loaded (dynamic import) and the request
  // span starts with the request's logger; otherwise no module, no hook, no wrapper.
  const tracing = config.tracing.enabled ? await startTracing(config.tracing) : undefined
  if (tracing) tracing.instrumentDatabase(database)
  const app = Fastify<RawServerDefault>({
    logger: options.logger ?? { level: config.logLevel, redact: ['req.headers.authorization', 'req.headers.cookie'] },
    genReqId: (req) => {
      const incoming = req.headers['x-request-id']
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID()
    },
    logController: new RequestLogController(),
    ...(tracing ? { childLoggerFactory: tracing.childLoggerFactory } : {}),
    // A hop count trusts that many proxies in front of us (X-Forwarded-For, right to left).
    trustProxy:
      typeof config.trustProxy === 'number'
        ? (_address: string, hop: number) => hop < (config.trustProxy as number)
        : config.trustProxy,
    // Slow-client protection: a client trickling its headers or body (slowloris) gets 408 and is
    // disconnected once the time is up; a silent socket is closed. Node checks these on an
    // interval (30 s by default), so it checks often enough for the configured times to hold.
    requestTimeout: config.timeouts.request,
    connectionTimeout: config.timeouts.connection,
    keepAliveTimeout: config.timeouts.keepAlive,
    http: {
      headersTimeout: config.timeouts.headers,
      requestTimeout: config.timeouts.request,
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(config.timeouts.headers / 4))),
    },
    bodyLimit: config.bodyLimit,
    routerOptions: { maxParamLength: 500, ignoreTrailingSlash: true },
    // While closing, requests still arriving (on a busy keep-alive connection) are answered 503 by
    // the onRequest hook below, as problem+json with Retry-After like every other 503, not Fastify's own JSON.
    return503OnClosing: false,
    // A URL that is not valid percent-encoded UTF-8 never reaches the router: answer it as problem+json too.
    frameworkErrors: (error, request, reply) => {
      const { problem, headers } = toProblem(error, request)
      void sendProblem(reply, problem, headers)
    },
    // What Node's parser refuses (bad header bytes, 431, 408) is problem+json too.
    clientErrorHandler: createClientErrorHandler(securityHeaders()),
    forceCloseConnections: 'idle',
    schemaController,
  }).withTypeProvider<TypeBoxTypeProvider>()

  if (tracing) {
    // First of all hooks: everything after runs with the request's span active.
    tracing.instrumentApp(app)
    app.addHook('onClose', async () => tracing.flush())
  }
  await app.register(errorsPlugin)
  // Off unless METRICS_TOKEN or METRICS_PORT is set: then no object, no hook, nothing counted, and
  // prom-client is not even loaded (it requires @opentelemetry/api, which tracing keeps unloaded when off).
  let metrics: Metrics | undefined
  if (config.metrics.enabled) {
    const [{ createMetrics }, { metricsPlugin }] = await Promise.all([import('./services/metrics.js'), import('./plugins/metrics.js')])
    metrics = createMetrics()
    await app.register(metricsPlugin, {
      settings: config.metrics,
      host: config.host,
      metrics,
      database,
      responseCache: () => app.services.responseCache,
      outboxTopics: () => app.services.outboxTopics(),
    })
  }
  // First of the onRoute hooks, so every route later registered (the OpenAPI document included) gets it.
  await app.register(compressionPlugin, config.compression)
  await app.register(schemasPlugin)
  await app.register(validationPlugin)
  await app.register(openapiPlugin, { docs: options.docs ?? true })
  await app.register(securityHeadersPlugin)
  refuseWhileClosing(app)
  if (config.corsOrigins === '*' || config.corsOrigins.length > 0) {
    await app.register(cors, {
      origin: config.corsOrigins === '*' ? '*' : config.corsOrigins,
      methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
      allowedHeaders: ['Authorization', 'Content-Type', 'If-Match', 'If-None-Match', 'Idempotency-Key', 'X-Request-Id'],
      exposedHeaders: ['ETag', 'Link', 'Location', 'Retry-After', 'X-Request-Id'],
      maxAge: 600,
    })
  }
  const clock = options.clock ?? systemClock
  await app.register(rateLimitPlugin, { config })
  await app.register(authPlugin, { config, clock })
  await app.register(servicesPlugin, { config, database, clock, workers: options.workers ?? false, metrics })
  await app.register(idempotencyPlugin, { clock, leaseMs: config.idempotencyLeaseMs, retentionMs: 24 * 3600_000 })
  await app.register(cachingPlugin, { ...config.cache, compression: config.compression, responseCache: app.services.responseCache })

  await app.register(healthRoutes)
  await app.register(mediaRoutes)
  await app.register(sitemapXmlRoutes)
  await app.register(newsletterPages)
  await app.register(
    async (v1) => {
      await v1.register(siteRoutes)
      await v1.register(sectionRoutes)
      await v1.register(articleRoutes)
      await v1.register(commentRoutes)
      await v1.register(authorRoutes)
      await v1.register(correctionRoutes)
      await v1.register(tagRoutes)
      await v1.register(pageRoutes)
      await v1.register(collectionRoutes)
      await v1.register(resolveRoutes)
      await v1.register(searchRoutes)
      await v1.register(feedRoutes)
      await v1.register(newsletterRoutes)
      await v1.register(authRoutes)
      await v1.register(adminRoutes, { prefix: '/admin' })
    },
    { prefix: '/v1' },
  )
  return app
}
