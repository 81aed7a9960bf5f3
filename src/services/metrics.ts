import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client'

/** Latency buckets (seconds): a cached read is well under a millisecond, a slow write seconds. */
export const LATENCY_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

/** The route label of a request no route matched: one value, whatever the URL was. */
export const UNMATCHED_ROUTE = '(unmatched)'

/** Counts and a latency histogram of one (method, route, status): plain numbers, no allocation to update. */
interface Series {
  status: number
  count: number
  sum: number
  /** Cumulative at scrape; here each observation lands in one slot (the last one is +Inf). */
  buckets: Float64Array
}

/**
 * One route's series by status code. `observe` is the whole per-request cost of the HTTP metrics:
 * a lookup by status and a bucket scan; nothing is allocated once a status has been seen.
 */
export class RouteSeries {
  private readonly byStatus = new Map<number, Series>()

  readonly method: string
  readonly route: string
  constructor(method: string, route: string) {
    this.method = method
    this.route = route
  }

  observe(status: number, seconds: number): void {
    let series = this.byStatus.get(status)
    if (!series) {
      series = { status, count: 0, sum: 0, buckets: new Float64Array(LATENCY_BUCKETS.length + 1) }
      this.byStatus.set(status, series)
    }
    series.count++
    series.sum += seconds
    let slot = 0
    while (slot < LATENCY_BUCKETS.length && seconds > LATENCY_BUCKETS[slot]!) slot++
    series.buckets[slot]!++
  }

  each(): IterableIterator<Series> {
    return this.byStatus.values()
  }
}

type MetricValue = { value: number; labels: Record<string, string | number>; metricName?: string }

/**
 * http_requests_total and http_request_duration_seconds, kept by RouteSeries (one per route, made
 * when the route is registered) and turned into Prometheus' shape only on scrape. prom-client's own
 * histogram builds a label key string on every observation; this keeps the hot path to arithmetic.
 */
class HttpMetrics {
  readonly routes: RouteSeries[] = []

  series(method: string, route: string): RouteSeries {
    const series = new RouteSeries(method, route)
    this.routes.push(series)
    return series
  }

  requestsMetric() {
    const help = 'HTTP requests answered, by method, route pattern (never the raw URL) and status code'
    return {
      name: 'http_requests_total',
      help,
      get: () => ({ name: 'http_requests_total', help, type: 'counter', aggregator: 'sum', values: this.values(false) }),
      reset: () => {},
    }
  }

  durationMetric() {
    const help = 'Time from request received to response sent (seconds), by method, route pattern and status code'
    return {
      name: 'http_request_duration_seconds',
      help,
      get: () => ({ name: 'http_request_duration_seconds', help, type: 'histogram', aggregator: 'sum', values: this.values(true) }),
      reset: () => {},
    }
  }

  private values(histogram: boolean): MetricValue[] {
    const out: MetricValue[] = []
    for (const route of this.routes) {
      for (const s of route.each()) {
        const labels = { method: route.method, route: route.route, status_code: s.status }
        if (!histogram) {
          out.push({ value: s.count, labels })
          continue
        }
        let cumulative = 0
        for (let i = 0; i < LATENCY_BUCKETS.length; i++) {
          cumulative += s.buckets[i]!
          out.push({ value: cumulative, labels: { ...labels, le: LATENCY_BUCKETS[i]! }, metricName: 'http_request_duration_seconds_bucket' })
        }
        out.push({ value: s.count, labels: { ...labels, le: '+Inf' }, metricName: 'http_request_duration_seconds_bucket' })
        out.push({ value: s.sum, labels, metricName: 'http_request_duration_seconds_sum' })
        out.push({ value: s.count, labels, metricName: 'http_request_duration_seconds_count' })
      }
    }
    return out
  }
}

/**
 * The app's metrics: one Registry per app (never prom-client's global one, so several apps in one
 * process — tests — do not collide). Counters are incremented where the event happens (through the
 * services that receive this object); gauges are read on scrape by `collect` callbacks that the
 * metrics plugin adds (response cache, pools, outbox backlog). Created only when metrics are on:
 * with metrics off, nothing receives it and no hook is registered.
 */
export function createMetrics() {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  const http = new HttpMetrics()
  registry.registerMetric(http.requestsMetric() as never)
  registry.registerMetric(http.durationMetric() as never)
  const registers = [registry]
  return {
    registry,
    http,
    rateLimitRejections: new Counter({
      name: 'newsroom_rate_limit_rejections_total',
      help: 'Requests refused with 429 by a rate limit (logins, comments, signups, uploads), by route pattern',
      labelNames: ['route'],
      registers,
    }),
    outboxJobs: new Counter({
      name: 'newsroom_outbox_jobs_processed_total',
      help: 'Outbox jobs run by this process, by topic and outcome (done, retry = failed and rescheduled, failed = given up)',
      labelNames: ['topic', 'outcome'],
      registers,
    }),
    webhookDeliveries: new Counter({
      name: 'newsroom_webhook_deliveries_total',
      help: 'Webhook delivery attempts, by outcome (done, retry, failed)',
      labelNames: ['outcome'],
      registers,
    }),
    emails: new Counter({
      name: 'newsroom_emails_sent_total',
      help: 'Emails handed to SMTP (or to the log without SMTP_URL), by kind (transactional, newsletter) and outcome (sent, failed)',
      labelNames: ['kind', 'outcome'],
      registers,
    }),
    /** Gauges filled on scrape; the metrics plugin gives them their collect callbacks. */
    gauge<L extends string>(name: string, help: string, labelNames: readonly L[], collect: (gauge: Gauge<L>) => void | Promise<void>): Gauge<L> {
      return new Gauge<L>({ name, help, labelNames, registers, collect(this: Gauge<L>) {
        return collect(this)
      } })
    },
    /** Counters whose running total lives elsewhere (the response cache's stats), copied on scrape. */
    mirroredCounter(name: string, help: string, read: () => number): Counter {
      return new Counter({ name, help, registers, collect(this: Counter) {
        this.reset()
        this.inc(read())
      } })
    },
  }
}

export type Metrics = ReturnType<typeof createMetrics>
