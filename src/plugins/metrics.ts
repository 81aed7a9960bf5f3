import type { FastifyInstance, FastifyReply, FastifyRequest, onResponseHookHandler } from 'fastify'
import fp from 'fastify-plugin'
import { createHash, timingSafeEqual } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { MetricsConfig } from '../config.js'
import type { Database } from '../db/client.js'
import { createBacklogRepository, type Backlog } from '../db/repositories/backlog.js'
import { AppError } from '../errors.js'
import { UNMATCHED_ROUTE, type Metrics, type RouteSeries } from '../services/metrics.js'
import type { ResponseCache } from '../services/response-cache.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The separate metrics listener's address (METRICS_PORT), once the app is ready. */
    metricsAddress: () => AddressInfo | undefined
  }
}

/** Longest a scrape waits for the backlog query: a slow database must not make the scrape time out. */
const BACKLOG_TIMEOUT_MS = 1000

export interface MetricsPluginOptions {
  settings: MetricsConfig
  /** The interface the API binds (HOST): the metrics listener binds the same one. */
  host: string
  metrics: Metrics
  database: Database
  /** Read lazily: the services (and their cache) are created after this plugin's hooks. */
  responseCache: () => ResponseCache | undefined
  /** The outbox topics handled here, reported (as 0) even when none of their jobs waits. */
  outboxTopics: () => string[]
}

/**
 * Prometheus metrics (registered only when they are on). Requests are counted by a route-level
 * onResponse hook that every route gets when it is registered, bound to that route's series; requests
 * no route matched share one series per method. Gauges are read on scrape.
 */
export const metricsPlugin = fp(
  async (app: FastifyInstance, options: MetricsPluginOptions) => {
    const { metrics, settings } = options
    countRequests(app, metrics)
    addCollectors(options)

    const render = async () => metrics.registry.metrics()
    if (settings.token !== undefined) {
      const expected = digest(settings.token)
      app.get('/metrics', { schema: { hide: true } }, async (request: FastifyRequest, reply: FastifyReply) => {
        const header = request.headers.authorization ?? ''
        const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
        // Digests of equal length, compared in constant time: neither the token nor its length leaks by timing.
        if (!match || !timingSafeEqual(digest(match[1]!), expected)) {
          throw new AppError('UNAUTHORIZED', 'GET /metrics needs Authorization: Bearer with the metrics token (METRICS_TOKEN)', {
            headers: { 'www-authenticate': 'Bearer realm="metrics"' },
          })
        }
        return reply.header('cache-control', 'no-store').type(metrics.registry.contentType).send(await render())
      })
    }

    let server: Server | undefined
    app.decorate('metricsAddress', () => (server?.address() as AddressInfo | null) ?? undefined)
    if (settings.port !== undefined) {
      const port = settings.port
      app.addHook('onReady', async () => {
        server = createServer((req, res) => {
          const path = (req.url ?? '').split('?')[0]
          if ((req.method === 'GET' || req.method === 'HEAD') && path === '/metrics') {
            render().then(
              (body) => {
                res.writeHead(200, { 'content-type': metrics.registry.contentType, 'cache-control': 'no-store' })
                res.end(req.method === 'HEAD' ? undefined : body)
              },
              (error: unknown) => {
                app.log.error({ err: error }, 'metrics could not be rendered')
                res.writeHead(500, { 'content-type': 'application/problem+json' })
                res.end(JSON.stringify({ type: 'about:blank', title: 'Internal server error', status: 500, code: 'INTERNAL' }))
              },
            )
            return
          }
          res.writeHead(404, { 'content-type': 'application/problem+json' })
          res.end(JSON.stringify({ type: 'about:blank', title: 'There is no such endpoint', status: 404, code: 'ROUTE_NOT_FOUND', detail: 'This listener serves GET /metrics only' }))
        })
        await new Promise<void>((resolve, reject) => {
          server!.once('error', reject)
          server!.listen(port, options.host, () => {
            server!.off('error', reject)
            resolve()
          })
        })
      })
      app.addHook('onClose', async () => {
        if (!server) return
        server.closeAllConnections()
        await new Promise<void>((resolve) => server!.close(() => resolve()))
      })
    }
  },
  { name: 'metrics' },
)

const digest = (value: string) => createHash('sha256').update(value).digest()

function countRequests(app: FastifyInstance, metrics: Metrics): void {
  app.addHook('onRoute', (route) => {
    const method = Array.isArray(route.method) ? route.method.join(',') : route.method
    const series = metrics.http.series(method, route.url)
    const rejections = metrics.rateLimitRejections.labels(route.url)
    const observe: onResponseHookHandler = (_request, reply, done) => {
      series.observe(reply.statusCode, reply.elapsedTime / 1000)
      if (reply.statusCode === 429) rejections.inc()
      done()
    }
    const hooks = route.onResponse === undefined ? [] : Array.isArray(route.onResponse) ? [...route.onResponse] : [route.onResponse]
    route.onResponse = [...hooks, observe]
  })
  // Requests no route matched: one series per method (the methods Node's parser accepts are few).
  const unmatched = new Map<string, RouteSeries>()
  app.addHook('onResponse', (request, reply, done) => {
    if (request.is404) {
      let series = unmatched.get(request.method)
      if (!series) {
        series = metrics.http.series(request.method, UNMATCHED_ROUTE)
        unmatched.set(request.method, series)
      }
      series.observe(reply.statusCode, reply.elapsedTime / 1000)
    }
    done()
  })
}

function addCollectors({ metrics, database, responseCache, outboxTopics }: MetricsPluginOptions): void {
  const stat = (name: keyof ResponseCache['stats']) => () => responseCache()?.stats[name] ?? 0
  metrics.mirroredCounter('newsroom_response_cache_hits_total', 'Public reads answered from the in-process response cache', stat('hits'))
  metrics.mirroredCounter('newsroom_response_cache_misses_total', 'Public reads the response cache did not hold (computed, then stored)', stat('misses'))
  metrics.mirroredCounter('newsroom_response_cache_evictions_total', 'Responses dropped to stay within RESPONSE_CACHE_MAX_MB (least recently used first)', stat('evictions'))
  metrics.mirroredCounter('newsroom_response_cache_clears_total', 'Times the response cache was emptied by a content change', stat('clears'))
  metrics.gauge('newsroom_response_cache_bytes', 'Bytes held by the response cache (bodies and their encodings)', [], (gauge) => {
    gauge.set(responseCache()?.size().bytes ?? 0)
  })
  metrics.gauge('newsroom_response_cache_entries', 'Responses held by the response cache', [], (gauge) => {
    gauge.set(responseCache()?.size().entries ?? 0)
  })

  // pg pools (none on the embedded PGlite, which is one connection inside this process).
  metrics.gauge('newsroom_db_pool_connections', 'Open connections of each database pool, by state (in_use, idle)', ['pool', 'state'], (gauge) => {
    for (const { name, pool } of database.pools) {
      gauge.set({ pool: name, state: 'in_use' }, pool.totalCount - pool.idleCount)
      gauge.set({ pool: name, state: 'idle' }, pool.idleCount)
    }
  })
  metrics.gauge('newsroom_db_pool_waiting', 'Queries waiting for a connection of each database pool', ['pool'], (gauge) => {
    for (const { name, pool } of database.pools) gauge.set({ pool: name }, pool.waitingCount)
  })
  metrics.gauge('newsroom_db_pool_max', 'Size of each database pool (DATABASE_POOL_SIZE)', ['pool'], (gauge) => {
    for (const { name, pool } of database.pools) gauge.set({ pool: name }, pool.options.max)
  })
  metrics.mirroredCounter('newsroom_db_query_deadline_aborts_total', 'Queries aborted after DATABASE_TIMEOUT_MS (their connection closed, the request answered 503)', () => database.stats.queryDeadlineAborts)

  // The backlog is read once per scrape (one query, shared by its gauges), never failing the scrape.
  const backlogRepo = createBacklogRepository(database.db)
  let pending: Promise<Backlog | undefined> | undefined
  let failures = 0
  const backlog = () => {
    pending ??= withTimeout(backlogRepo.snapshot(), BACKLOG_TIMEOUT_MS)
      .catch(() => {
        failures++
        return undefined
      })
      .finally(() => {
        // prom-client calls every collect of a scrape synchronously, before any of them settles: the
        // gauges of one scrape share this query; the next scrape asks again.
        pending = undefined
      })
    return pending
  }
  metrics.gauge('newsroom_outbox_jobs', 'Outbox jobs not finished, by topic and status (pending = waiting or backing off, processing = claimed)', ['topic', 'status'], async (gauge) => {
    const snapshot = await backlog()
    if (!snapshot) return
    gauge.reset()
    for (const topic of outboxTopics()) {
      gauge.set({ topic, status: 'pending' }, 0)
      gauge.set({ topic, status: 'processing' }, 0)
    }
    for (const row of snapshot.outbox) {
      gauge.set({ topic: row.topic, status: 'pending' }, row.pending)
      gauge.set({ topic: row.topic, status: 'processing' }, row.processing)
    }
  })
  metrics.gauge('newsroom_outbox_oldest_due_age_seconds', 'How long the oldest due, unclaimed outbox job of each topic has waited (0 = none waiting)', ['topic'], async (gauge) => {
    const snapshot = await backlog()
    if (!snapshot) return
    gauge.reset()
    for (const topic of outboxTopics()) gauge.set({ topic }, 0)
    for (const row of snapshot.outbox) gauge.set({ topic: row.topic }, row.oldestDueAgeSeconds)
  })
  metrics.gauge('newsroom_scheduler_lag_seconds', 'How long the oldest scheduled article whose time has come has waited to be marked published (0 = none)', [], async (gauge) => {
    const snapshot = await backlog()
    if (snapshot) gauge.set(snapshot.scheduler.oldestDueAgeSeconds)
  })
  metrics.gauge('newsroom_scheduler_due_articles', 'Scheduled articles whose time has come, not yet marked published', [], async (gauge) => {
    const snapshot = await backlog()
    if (snapshot) gauge.set(snapshot.scheduler.due)
  })
  metrics.mirroredCounter('newsroom_backlog_query_failures_total', 'Scrapes whose outbox/scheduler query failed or took over a second (those gauges kept their last values)', () => failures)
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)
    timer.unref()
  })
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer))
}
