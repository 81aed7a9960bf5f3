import type { FastifyInstance, FastifyServerOptions } from 'fastify'
import type { Database } from '../db/client.js'

/** What lib/tracing.ts hands out and lib/otel.ts implements (a module of its own: neither imports the other's code). */

export type ChildLoggerFactory = NonNullable<FastifyServerOptions['childLoggerFactory']>

export type SpanAttributes = Record<string, string | number | boolean>

/** What code inside a span may add to it. */
export interface SpanHandle {
  setAttribute(key: string, value: string | number | boolean): void
  /** Marks the span failed (ERROR status) with a short reason that carries no data values. */
  fail(reason: string): void
}

export interface SpanOptions {
  kind?: 'internal' | 'client' | 'consumer'
  /** A trace of its own rather than a child of the active span (background jobs). */
  root?: boolean
  attributes?: SpanAttributes
}

export interface Tracing {
  /** Runs `fn` in a new span (the active one while it runs), ended when `fn` settles; a throw marks it failed. */
  span<T>(name: string, options: SpanOptions, fn: (span: SpanHandle) => Promise<T>): Promise<T>
  /** Adds the active span's W3C trace context (`traceparent`, `tracestate`) to outgoing request headers. */
  inject(headers: Record<string, string>): void
  /** Fastify's child-logger factory: starts the request's span (continuing an incoming `traceparent`) and binds trace_id/span_id to its logs. */
  readonly childLoggerFactory: ChildLoggerFactory
  /** The hooks that make the request's span active for its handlers and end it with route and status. Register first. */
  instrumentApp(app: FastifyInstance): void
  /** A child span per SQL statement (its parameterised text, never the values) on every pool or PGlite instance of the database. */
  instrumentDatabase(database: Database): void
  /** Exports every finished span now. */
  flush(): Promise<void>
  shutdown(): Promise<void>
}
