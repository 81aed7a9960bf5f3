import t from 'tap'
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { build } from './helpers/build.js'

const PROMETHEUS = '/usr/bin/prometheus'
const RULES = path.resolve(import.meta.dirname, '../ops/prometheus/alerts.yml')
const TOKEN = 'metrics-token-0123456789abcdef'
const SLUG = 'chinas-6th-generation-fighter-jet-takes-first-flight'

/** A port free right now (Prometheus takes no port 0 it would tell us about). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

interface Sample {
  metric: Record<string, string>
  value: [number, string]
}

t.test('a real Prometheus scrapes /metrics with the bearer token and answers queries on it', { skip: existsSync(PROMETHEUS) ? false : `${PROMETHEUS} is missing (Debian package prometheus)` }, async (t) => {
  const app = await build(t, { seed: true, env: { METRICS_TOKEN: TOKEN } })
  const appAddress = await app.listen({ port: 0, host: '127.0.0.1' })
  const appPort = new URL(appAddress).port

  const dir = mkdtempSync(path.join(tmpdir(), 'newsroom-prometheus-'))
  const promPort = await freePort()
  writeFileSync(
    path.join(dir, 'prometheus.yml'),
    [
      'global:',
      '  scrape_interval: 1s',
      '  scrape_timeout: 1s',
      '  evaluation_interval: 1s',
      'rule_files:',
      `  - ${JSON.stringify(RULES)}`,
      'scrape_configs:',
      '  - job_name: newsroom',
      '    metrics_path: /metrics',
      '    authorization:',
      '      type: Bearer',
      `      credentials: ${JSON.stringify(TOKEN)}`,
      '    static_configs:',
      `      - targets: ["127.0.0.1:${appPort}"]`,
      '',
    ].join('\n'),
  )
  let output = ''
  const prometheus: ChildProcess = spawn(
    PROMETHEUS,
    [`--config.file=${path.join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${promPort}`, '--log.level=warn'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  )
  prometheus.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  prometheus.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const exited = new Promise<void>((resolve) => prometheus.once('exit', () => resolve()))
  t.teardown(async () => {
    if (prometheus.exitCode === null && prometheus.signalCode === null) {
      prometheus.kill('SIGTERM')
      await exited
    }
    rmSync(dir, { recursive: true, force: true })
  })

  for (let i = 0; i < 3; i++) t.equal((await app.inject({ method: 'GET', url: `/v1/articles/${SLUG}` })).statusCode, 200)
  t.equal((await app.inject({ method: 'GET', url: '/no/such/endpoint' })).statusCode, 404)

  const base = `http://127.0.0.1:${promPort}`
  /** One step of a poll: the query's result now, or [] while Prometheus is not up or has not scraped yet. */
  const query = async (expr: string): Promise<Sample[]> => {
    try {
      const res = await fetch(`${base}/api/v1/query?query=${encodeURIComponent(expr)}`)
      if (!res.ok) return []
      return ((await res.json()) as { data: { result: Sample[] } }).data.result
    } catch {
      return []
    }
  }
  /** Polls until `accept` holds: bounded by a count (a scrape a second; generous for a loaded machine), never by a fixed sleep. */
  const until = async (expr: string, accept: (samples: Sample[]) => boolean): Promise<Sample[]> => {
    let samples: Sample[] = []
    for (let attempt = 0; attempt < 600; attempt++) {
      if (prometheus.exitCode !== null) throw new Error(`prometheus exited (${prometheus.exitCode}): ${output}`)
      samples = await query(expr)
      if (accept(samples)) return samples
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    t.fail(`${expr} never satisfied the check; last answer ${JSON.stringify(samples)}; prometheus said: ${output}`)
    return samples
  }
  const value = (samples: Sample[]) => Number(samples[0]?.value[1] ?? Number.NaN)

  const up = await until('up{job="newsroom"}', (s) => value(s) === 1)
  t.equal(value(up), 1, 'the target is up: the bearer token was accepted')

  const requests = await until('http_requests_total{route="/v1/articles/:slug",status_code="200",method="GET"}', (s) => value(s) >= 3)
  t.ok(value(requests) >= 3, `http_requests_total for the route pattern (${value(requests)})`)
  t.equal(requests.length, 1)
  t.equal(requests[0]!.metric.job, 'newsroom')

  const bucket = await until('http_request_duration_seconds_bucket{route="/v1/articles/:slug",status_code="200",le="+Inf"}', (s) => value(s) >= 3)
  t.ok(value(bucket) >= 3, 'the latency histogram has its +Inf bucket')
  const quantile = await until('histogram_quantile(0.5, sum by (le) (http_request_duration_seconds_bucket{route="/v1/articles/:slug"}))', (s) => Number.isFinite(value(s)))
  t.ok(value(quantile) > 0, `a median latency is computed from the buckets (${value(quantile)} s)`)

  const unmatched = await until('http_requests_total{route="(unmatched)"}', (s) => value(s) >= 1)
  t.equal(unmatched.length, 1, 'a 404 URL is one bounded series')
  t.equal((await query('count(http_requests_total{route=~".*no/such.*"})')).length, 0, 'the raw URL is no label value')

  const hits = await until('newsroom_response_cache_hits_total', (s) => value(s) >= 2)
  t.ok(value(hits) >= 2, 'the cache hit counter')
  const outbox = await until('newsroom_outbox_jobs{status="pending"}', (s) => s.length > 0)
  t.ok(outbox.some((s) => s.metric.topic === 'email.send'), 'the outbox depth gauge, per topic')
  t.ok((await until('newsroom_outbox_oldest_due_age_seconds', (s) => s.length > 0)).length > 0, 'the outbox age gauge')
  t.ok((await until('newsroom_scheduler_lag_seconds', (s) => s.length > 0)).length > 0, 'the scheduler lag gauge')
  t.ok((await until('process_resident_memory_bytes', (s) => value(s) > 0)).length > 0, 'process metrics')

  // The example alert rules load and evaluate against the real series without error (polled until each was evaluated once).
  type Rule = { name: string; health: string; lastError?: string }
  let loaded: Rule[] = []
  for (let attempt = 0; attempt < 600; attempt++) {
    const rules = (await fetch(`${base}/api/v1/rules`).then((r) => r.json())) as { data: { groups: { rules: Rule[] }[] } }
    loaded = rules.data.groups.flatMap((g) => g.rules)
    if (loaded.length > 0 && loaded.every((r) => r.health !== 'unknown')) break
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  t.ok(loaded.length >= 10, `${loaded.length} alert rules loaded`)
  for (const rule of loaded) t.equal(rule.health, 'ok', `${rule.name} evaluates (${rule.lastError ?? 'no error'})`)
})
