import type { TracingConfig } from '../config.js'
import type { SpanHandle, SpanOptions, Tracing } from './tracing-types.js'

export type { SpanAttributes, SpanHandle, SpanOptions, Tracing } from './tracing-types.js'

/*
 * OpenTelemetry traces, on when OTEL_EXPORTER_OTLP_ENDPOINT (or …_TRACES_ENDPOINT) is set. This
 * module imports nothing from @opentelemetry: the SDK lives in ./otel.js, loaded by a dynamic
 * import only when tracing is configured, so a process without it never loads (or pays for) those
 * modules. Code that makes spans asks `activeTracing()` (undefined when off: one check) or calls
 * `traced()`, which runs the function as it is when tracing is off. test/tracing.test.ts checks
 * both halves: the spans at a local OTLP receiver, and no @opentelemetry module loaded when off.
 */

let active: Tracing | undefined
let starting: Promise<Tracing> | undefined

/** The process's tracing, when it has been started; undefined (tracing off) otherwise. */
export function activeTracing(): Tracing | undefined {
  return active
}

/**
 * Loads the SDK and starts exporting (once per process: OpenTelemetry's tracer provider and
 * context manager are global, so a second app in the same process shares the first one's).
 */
export function startTracing(config: TracingConfig): Promise<Tracing> {
  starting ??= import('./otel.js').then(({ createTracing }) => {
    active = createTracing(config)
    return active
  })
  return starting
}

/** Exports the finished spans now (tests; app close does it too). */
export async function flushTracing(): Promise<void> {
  await active?.flush()
}

/** Flushes and stops the exporter (process shutdown). */
export async function stopTracing(): Promise<void> {
  const tracing = active
  active = undefined
  starting = undefined
  await tracing?.shutdown()
}

const noSpan: SpanHandle = { setAttribute() {}, fail() {} }

/** `fn` in a span when tracing is on; `fn` itself otherwise. */
export function traced<T>(name: string, options: SpanOptions, fn: (span: SpanHandle) => Promise<T>): Promise<T> {
  return active ? active.span(name, options, fn) : fn(noSpan)
}

/** The active trace context's headers for an outgoing request, when tracing is on. */
export function injectTraceContext(headers: Record<string, string>): Record<string, string> {
  active?.inject(headers)
  return headers
}
