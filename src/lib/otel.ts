import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context, type Span } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { setGlobalErrorHandler, W3CTraceContextPropagator } from '@opentelemetry/core'
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http'
import { OTLPTraceExporter as ProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto'
import { resourceFromAttributes } from '@opentelemetry/resources'
import { AlwaysOffSampler, AlwaysOnSampler, BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler, TracerProvider, type Sampler } from '@opentelemetry/sdk-trace'
import {
  ATTR_DB_OPERATION_NAME,
  ATTR_DB_QUERY_TEXT,
  ATTR_DB_RESPONSE_STATUS_CODE,
  ATTR_DB_SYSTEM_NAME,
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_SERVICE_NAME,
  ATTR_URL_PATH,
  DB_SYSTEM_NAME_VALUE_POSTGRESQL,
} from '@opentelemetry/semantic-conventions'
import type { FastifyInstance, FastifyServerOptions } from 'fastify'
import type { IncomingMessage } from 'node:http'
import type { PGlite, Transaction } from '@electric-sql/pglite'
import type pg from 'pg'
import type { TracingConfig } from '../config.js'
import type { Database } from '../db/client.js'
import type { SpanHandle, SpanOptions, Tracing } from './tracing-types.js'

/*
 * The only module that imports @opentelemetry (loaded by lib/tracing.ts when tracing is on).
 * Manual instrumentation at our own choke points rather than the auto-instrumentation loaders
 * (which patch CommonJS requires and miss ESM): Fastify's child-logger factory and hooks for the
 * request span, each pg pool's `connect` (every pg query, pooled or in a transaction, runs on a
 * client handed out there) and the PGlite instance's `query`/`transaction` for the SQL spans, and
 * `traced()` around outbox jobs, webhook deliveries and SMTP sends.
 */

function samplerOf(config: TracingConfig): Sampler {
  const ratio = new TraceIdRatioBasedSampler(config.samplerRatio)
  switch (config.sampler) {
    case 'always_on':
      return new AlwaysOnSampler()
    case 'always_off':
      return new AlwaysOffSampler()
    case 'traceidratio':
      return ratio
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() })
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: ratio })
    default:
      return new ParentBasedSampler({ root: new AlwaysOnSampler() })
  }
}

const KINDS = { internal: SpanKind.INTERNAL, client: SpanKind.CLIENT, consumer: SpanKind.CONSUMER } as const

/** The statement's first keyword (SELECT, INSERT, WITH…): the span's name. */
function operationOf(text: string): string {
  const match = /^\s*(?:--[^\n]*\n\s*|\/\*[\s\S]*?\*\/\s*)*([A-Za-z]+)/.exec(text)
  return match?.[1] ? match[1].toUpperCase() : 'SQL'
}

const WRAPPED = Symbol('newsroom.otel.wrapped')
const instrumented = new WeakSet<object>()

export function createTracing(config: TracingConfig): Tracing {
  const exporterOptions = { url: config.endpoint, headers: config.headers, timeoutMillis: config.timeoutMs }
  const exporter = config.protocol === 'http/json' ? new JsonExporter(exporterOptions) : new ProtobufExporter(exporterOptions)
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ ...config.resourceAttributes, [ATTR_SERVICE_NAME]: config.serviceName }),
    sampler: samplerOf(config),
    spanProcessors: [new BatchSpanProcessor({ exporter, scheduledDelayMillis: config.batchDelayMs, maxQueueSize: config.batchMaxQueueSize })],
  })
  // A collector that is down costs spans, never requests: export failures are reported (to stderr,
  // at most once a minute), flush and shutdown never throw.
  let reportedAt = Number.NEGATIVE_INFINITY
  setGlobalErrorHandler((error) => {
    if (Date.now() - reportedAt < 60_000) return
    reportedAt = Date.now()
    process.emitWarning(`OpenTelemetry export to ${config.endpoint} failed: ${error instanceof Error ? error.message : String(error)}`, 'TracingWarning')
  })
  const contextManager = new AsyncLocalStorageContextManager()
  contextManager.enable()
  context.setGlobalContextManager(contextManager)
  propagation.setGlobalPropagator(new W3CTraceContextPropagator())
  trace.setGlobalTracerProvider(provider)
  const tracer = provider.getTracer('newsroom-cms')

  // ---- SQL statements -------------------------------------------------------------------------

  /** A span for one statement, only inside a traced operation (a request, a job) that is recorded: background polling makes none. */
  function startQuery(text: string): Span | undefined {
    const parent = trace.getActiveSpan()
    if (!parent?.isRecording()) return undefined
    const operation = operationOf(text)
    return tracer.startSpan(operation, {
      kind: SpanKind.CLIENT,
      attributes: {
        [ATTR_DB_SYSTEM_NAME]: DB_SYSTEM_NAME_VALUE_POSTGRESQL,
        // The parameterised text drizzle built ($1, $2…): the values are never recorded.
        [ATTR_DB_QUERY_TEXT]: text,
        [ATTR_DB_OPERATION_NAME]: operation,
      },
    })
  }

  function endQuery(span: Span, error: unknown, result?: { rowCount?: number | null; affectedRows?: number; rows?: unknown[] }): void {
    if (error) {
      // The SQLSTATE only: PostgreSQL's messages quote the offending values.
      const code = (error as { code?: unknown }).code
      span.setAttribute(ATTR_ERROR_TYPE, typeof code === 'string' ? code : 'error')
      if (typeof code === 'string') span.setAttribute(ATTR_DB_RESPONSE_STATUS_CODE, code)
      span.setStatus({ code: SpanStatusCode.ERROR })
    } else if (result) {
      const rows = result.rowCount ?? result.affectedRows ?? result.rows?.length
      if (typeof rows === 'number') span.setAttribute('db.response.returned_rows', rows)
    }
    span.end()
  }

  /** Wraps a promise-returning query call in a statement span. */
  function tracedQuery<R>(text: string, run: () => Promise<R>): Promise<R> {
    const span = startQuery(text)
    if (!span) return run()
    return context.with(trace.setSpan(context.active(), span), run).then(
      (result) => {
        endQuery(span, undefined, result as never)
        return result
      },
      (error: unknown) => {
        endQuery(span, error)
        throw error
      },
    )
  }

  type QueryFn = (...args: unknown[]) => unknown
  function wrapPgClient(client: pg.PoolClient): void {
    const target = client as unknown as { query: QueryFn; [WRAPPED]?: true }
    if (target[WRAPPED]) return
    target[WRAPPED] = true
    const original = target.query
    target.query = function (this: unknown, ...args: unknown[]) {
      const first = args[0] as { text?: unknown; submit?: unknown } | string | undefined
      // Cursors and streams (submittables) are left alone.
      if (first && typeof first === 'object' && typeof first.submit === 'function') return original.apply(this, args)
      const text = typeof first === 'string' ? first : typeof first?.text === 'string' ? first.text : undefined
      if (text === undefined) return original.apply(this, args)
      const last = args.length - 1
      const callback = args[last]
      if (typeof callback === 'function') {
        // pg-pool's own pool.query() calls back.
        const span = startQuery(text)
        if (!span) return original.apply(this, args)
        args[last] = (error: unknown, result: never) => {
          endQuery(span, error, result)
          ;(callback as (e: unknown, r: unknown) => void)(error, result)
        }
        return context.with(trace.setSpan(context.active(), span), () => original.apply(this, args))
      }
      return tracedQuery(text, () => original.apply(this, args) as Promise<unknown>)
    }
  }

  function instrumentPool(pool: pg.Pool): void {
    const target = pool as unknown as { connect: (callback?: (...args: unknown[]) => void) => unknown }
    const connect = target.connect.bind(pool)
    target.connect = (callback) => {
      if (typeof callback === 'function') {
        // pool.query() takes a client through connect(callback): the callback may run when another
        // request releases one (a busy pool), so it is bound to the asking request's context.
        const bound = context.bind(context.active(), callback)
        return connect((error: unknown, client: unknown, release: unknown) => {
          if (client) wrapPgClient(client as pg.PoolClient)
          bound(error, client, release)
        })
      }
      return (connect() as Promise<pg.PoolClient>).then((client) => {
        wrapPgClient(client)
        return client
      })
    }
  }

  function wrapPgliteQueries(target: PGlite | Transaction): void {
    const queries = target as unknown as { query: (text: string, ...rest: unknown[]) => Promise<unknown>; [WRAPPED]?: true }
    if (queries[WRAPPED]) return
    queries[WRAPPED] = true
    const query = queries.query.bind(target)
    queries.query = (text, ...rest) => tracedQuery(text, () => query(text, ...rest))
  }

  function instrumentPglite(client: PGlite): void {
    wrapPgliteQueries(client)
    const tx = client as unknown as { transaction: (fn: (t: Transaction) => Promise<unknown>) => Promise<unknown> }
    const transaction = tx.transaction.bind(client)
    tx.transaction = (fn) =>
      transaction((t) => {
        wrapPgliteQueries(t)
        return fn(t)
      })
  }

  // ---- HTTP requests --------------------------------------------------------------------------

  /** Each request's context (its span active), from the child-logger factory to onResponse. */
  const requests = new WeakMap<IncomingMessage, Context>()

  const childLoggerFactory: NonNullable<FastifyServerOptions['childLoggerFactory']> = function (logger, bindings, options, raw) {
    const request = raw as IncomingMessage
    // Health probes (every few seconds from each load balancer) are not traced, as they are not logged.
    if (request.url?.startsWith('/health/')) return logger.child(bindings, options)
    const parent = propagation.extract(ROOT_CONTEXT, request.headers)
    const method = request.method ?? 'GET'
    const span = tracer.startSpan(
      method,
      {
        kind: SpanKind.SERVER,
        attributes: {
          [ATTR_HTTP_REQUEST_METHOD]: method,
          // Without the query string: it may carry tokens (preview links, unsubscribe).
          [ATTR_URL_PATH]: (request.url ?? '/').split('?', 1)[0] ?? '/',
        },
      },
      parent,
    )
    requests.set(request, trace.setSpan(parent, span))
    const { traceId, spanId } = span.spanContext()
    return logger.child({ ...bindings, trace_id: traceId, span_id: spanId }, options)
  }

  function enter(request: { raw: IncomingMessage }, done: () => void): void {
    const active = requests.get(request.raw)
    if (active) context.with(active, done)
    else done()
  }

  function end(request: { raw: IncomingMessage; method: string; routeOptions: { url?: string | undefined } }, status: number): void {
    const active = requests.get(request.raw)
    if (!active) return
    requests.delete(request.raw)
    const span = trace.getSpan(active)
    if (!span) return
    const route = request.routeOptions.url
    if (route) {
      span.updateName(`${request.method} ${route}`)
      span.setAttribute(ATTR_HTTP_ROUTE, route)
    }
    span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status)
    if (status >= 500) {
      span.setAttribute(ATTR_ERROR_TYPE, String(status))
      span.setStatus({ code: SpanStatusCode.ERROR })
    }
    span.end()
  }

  function instrumentApp(app: FastifyInstance): void {
    // Hooks run in the context `done` is called in: the request's span is active for everything
    // after. Again before validation: a body arrives on stream events outside that context.
    app.addHook('onRequest', (request, _reply, done) => enter(request, done))
    app.addHook('preValidation', (request, _reply, done) => enter(request, done))
    app.addHook('onResponse', (request, reply, done) => {
      end(request, reply.statusCode)
      done()
    })
    app.addHook('onRequestAbort', (request, done) => {
      end(request, 499)
      done()
    })
  }

  // ---- everything else -------------------------------------------------------------------------

  async function span<T>(name: string, options: SpanOptions, fn: (span: SpanHandle) => Promise<T>): Promise<T> {
    return tracer.startActiveSpan(name, { kind: KINDS[options.kind ?? 'internal'], root: options.root === true, attributes: options.attributes ?? {} }, async (span) => {
      const handle: SpanHandle = {
        setAttribute: (key, value) => span.setAttribute(key, value),
        fail: (reason) => span.setStatus({ code: SpanStatusCode.ERROR, message: reason }),
      }
      try {
        return await fn(handle)
      } catch (error) {
        span.setAttribute(ATTR_ERROR_TYPE, error instanceof Error ? error.name : 'error')
        span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message.slice(0, 200) : undefined })
        throw error
      } finally {
        span.end()
      }
    })
  }

  return {
    span,
    inject(headers) {
      propagation.inject(context.active(), headers)
    },
    childLoggerFactory,
    instrumentApp,
    instrumentDatabase(database: Database) {
      // Once per pool or instance, however many apps share the database (tests).
      const once = (target: object, instrument: () => void) => {
        if (instrumented.has(target)) return
        instrumented.add(target)
        instrument()
      }
      for (const { pool } of database.pools) once(pool, () => instrumentPool(pool))
      const { readPool, pglite } = database
      if (readPool) once(readPool, () => instrumentPool(readPool))
      if (pglite) once(pglite, () => instrumentPglite(pglite))
    },
    flush: () => provider.forceFlush().catch(() => {}),
    async shutdown() {
      await provider.shutdown().catch(() => {})
      trace.disable()
      context.disable()
      propagation.disable()
    },
  }
}
