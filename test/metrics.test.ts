import t from 'tap'
import { ConfigError, loadConfig } from '../src/config.js'
import { createDatabase } from '../src/db/client.js'
import { createManualClock } from '../src/lib/clock.js'
import { createUser } from './helpers/auth.js'
import { build } from './helpers/build.js'
import { startReceiver } from './helpers/receiver.js'

const TOKEN = 'metrics-token-0123456789abcdef'
const SLUG = 'chinas-6th-generation-fighter-jet-takes-first-flight'

/** The value of one sample line (`name{labels} value`), or undefined when absent. */
export function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue
    const wanted = Object.entries(labels).every(([key, value]) => line.includes(`${key}="${value}"`))
    if (wanted) return Number(line.slice(line.lastIndexOf(' ') + 1))
  }
  return undefined
}

t.test('off by default: no /metrics route, a 404 problem', async (t) => {
  const app = await build(t)
  const res = await app.inject({ method: 'GET', url: '/metrics' })
  t.equal(res.statusCode, 404)
  t.match(res.headers['content-type'], /^application\/problem\+json/)
  t.equal(res.json().code, 'ROUTE_NOT_FOUND')
  t.equal(app.metricsAddress, undefined, 'the metrics plugin is not registered at all')
})

t.test('METRICS_TOKEN: a bearer token is required, compared in full', async (t) => {
  const app = await build(t, { seed: true, env: { METRICS_TOKEN: TOKEN } })
  for (const authorization of [undefined, 'Bearer wrong', `Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(0, -1)}`, `Basic ${TOKEN}`, 'Bearer']) {
    const res = await app.inject({ method: 'GET', url: '/metrics', headers: authorization === undefined ? {} : { authorization } })
    t.equal(res.statusCode, 401, `${authorization ?? 'no header'} → 401`)
    t.match(res.headers['content-type'], /^application\/problem\+json/)
    t.equal(res.json().code, 'UNAUTHORIZED')
    t.notMatch(res.body, TOKEN)
  }

  for (let i = 0; i < 3; i++) t.equal((await app.inject({ method: 'GET', url: `/v1/articles/${SLUG}` })).statusCode, 200)
  t.equal((await app.inject({ method: 'HEAD', url: `/v1/articles/${SLUG}` })).statusCode, 200)
  for (const path of ['/no/such/thing', '/another/missing/path?x=1', `/v1/${'z'.repeat(40)}`]) t.equal((await app.inject({ method: 'GET', url: path })).statusCode, 404)

  const res = await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } })
  t.equal(res.statusCode, 200)
  t.equal(res.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8')
  t.equal(res.headers['cache-control'], 'no-store')
  const text = res.body
  t.equal(sample(text, 'http_requests_total', { method: 'GET', route: '/v1/articles/:slug', status_code: '200' }), 3)
  t.equal(sample(text, 'http_requests_total', { method: 'HEAD', route: '/v1/articles/:slug', status_code: '200' }), 1, 'HEAD routes are counted on their own')
  t.equal(sample(text, 'http_request_duration_seconds_count', { method: 'GET', route: '/v1/articles/:slug', status_code: '200' }), 3)
  t.equal(sample(text, 'http_request_duration_seconds_bucket', { method: 'GET', route: '/v1/articles/:slug', status_code: '200', le: '+Inf' }), 3)
  // Bounded labels: every unmatched URL is one series; the raw paths appear nowhere.
  t.equal(sample(text, 'http_requests_total', { method: 'GET', route: '(unmatched)', status_code: '404' }), 3)
  t.notMatch(text, 'no/such/thing')
  t.notMatch(text, 'zzzzzzzz')
  t.equal(sample(text, 'newsroom_response_cache_hits_total'), 3, 'the first read filled the cache, the next two and the HEAD hit it')
  t.equal(sample(text, 'newsroom_response_cache_misses_total'), 1)
  t.ok(sample(text, 'newsroom_response_cache_bytes')! > 0)
  t.equal(sample(text, 'newsroom_outbox_jobs', { topic: 'email.send', status: 'pending' }), 0, 'known topics are reported at zero')
  t.equal(sample(text, 'newsroom_scheduler_lag_seconds'), 0)
  t.equal(sample(text, 'newsroom_backlog_query_failures_total'), 0)
  t.ok(sample(text, 'process_cpu_user_seconds_total') !== undefined, 'default process metrics')
  t.ok(sample(text, 'nodejs_eventloop_lag_seconds') !== undefined)
})

t.test('the outbox backlog and rate-limit rejections', async (t) => {
  const app = await build(t, { env: { METRICS_TOKEN: TOKEN, NEWSLETTER_RATE_IP: '1', NEWSLETTER_RESPONSE_FLOOR_MS: '0' } })
  const signup = (email: string) => app.inject({ method: 'POST', url: '/v1/newsletter/subscriptions', payload: { email } })
  const first = await signup('reader@example.com')
  t.ok(first.statusCode < 300, `signup accepted (${first.statusCode} ${first.body})`)
  t.equal((await signup('other@example.com')).statusCode, 429)
  const text = (await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } })).body
  t.equal(sample(text, 'newsroom_outbox_jobs', { topic: 'email.send', status: 'pending' }), 1, 'the confirmation email waits in the outbox')
  t.ok(sample(text, 'newsroom_outbox_oldest_due_age_seconds', { topic: 'email.send' })! >= 0)
  t.equal(sample(text, 'newsroom_rate_limit_rejections_total', { route: '/v1/newsletter/subscriptions' }), 1)

  await app.services.outbox.runOnce()
  const after = (await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } })).body
  t.equal(sample(after, 'newsroom_outbox_jobs', { topic: 'email.send', status: 'pending' }), 0)
  t.equal(sample(after, 'newsroom_outbox_jobs_processed_total', { topic: 'email.send', outcome: 'done' }), 1)
  t.equal(sample(after, 'newsroom_emails_sent_total', { kind: 'transactional', outcome: 'sent' }), 1)
})

t.test('METRICS_PORT: a listener of its own, without a token; the API port has no /metrics', async (t) => {
  const app = await build(t, { env: { METRICS_PORT: '0' } })
  t.equal((await app.inject({ method: 'GET', url: '/metrics' })).statusCode, 404)
  const address = app.metricsAddress()
  t.ok(address && address.port > 0, 'listening')
  const base = `http://127.0.0.1:${address!.port}`
  const res = await fetch(`${base}/metrics`)
  t.equal(res.status, 200)
  t.equal(res.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8')
  t.match(await res.text(), /# TYPE http_requests_total counter/)
  const other = await fetch(`${base}/v1/articles`)
  t.equal(other.status, 404)
  t.equal(other.headers.get('content-type'), 'application/problem+json')
  t.equal(((await other.json()) as { code: string }).code, 'ROUTE_NOT_FOUND')
})

t.test('metrics settings: off by default, on with either, bad values named', async (t) => {
  t.same(loadConfig({}).metrics, { enabled: false, token: undefined, port: undefined })
  t.same(loadConfig({ METRICS_TOKEN: TOKEN }).metrics, { enabled: true, token: TOKEN, port: undefined })
  t.same(loadConfig({ METRICS_PORT: '9464' }).metrics, { enabled: true, token: undefined, port: 9464 })
  const error = t.throws(() => loadConfig({ METRICS_TOKEN: 'short', METRICS_PORT: 'x' })) as ConfigError
  t.ok(error instanceof ConfigError)
  t.match(error.message, 'METRICS_TOKEN')
  t.match(error.message, 'METRICS_PORT')
  t.throws(() => loadConfig({ METRICS_TOKEN: 'has a space in it 0123456789' }), /METRICS_TOKEN/)
  t.throws(() => loadConfig({ PORT: '3000', METRICS_PORT: '3000' }), /METRICS_PORT must differ from PORT/)
})

t.test('webhook deliveries by outcome', async (t) => {
  let failing = true
  const receiver = await startReceiver(() => (failing ? 503 : 204))
  t.teardown(() => receiver.close())
  const clock = createManualClock('2026-06-01T12:00:00.000Z')
  const app = await build(t, { seed: true, clock, env: { METRICS_TOKEN: TOKEN, WEBHOOK_ALLOW_PRIVATE: 'true' } })
  const admin = await createUser(app, 'admin')
  t.equal((await app.inject({ method: 'POST', url: '/v1/admin/webhooks', headers: admin.auth, payload: { url: receiver.url, events: ['section.updated'] } })).statusCode, 201)
  await app.inject({ method: 'PATCH', url: '/v1/admin/sections/india', headers: { ...admin.auth, 'if-match': '*' }, payload: { description: 'New words' } })
  await app.services.outbox.runOnce()
  clock.advance(15_000)
  failing = false
  await app.services.outbox.runOnce()
  t.equal(receiver.received.length, 2)
  const text = (await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } })).body
  t.equal(sample(text, 'newsroom_webhook_deliveries_total', { outcome: 'retry' }), 1)
  t.equal(sample(text, 'newsroom_webhook_deliveries_total', { outcome: 'done' }), 1)
  t.equal(sample(text, 'newsroom_outbox_jobs_processed_total', { topic: 'webhook.deliver', outcome: 'retry' }), 1)
})

const PG = process.env.TEST_DATABASE_URL
t.test('PostgreSQL: pool gauges per pool, and queries aborted at the deadline are counted', { skip: PG ? false : 'needs TEST_DATABASE_URL (PostgreSQL)' }, async (t) => {
  const app = await build(t, { env: { METRICS_TOKEN: TOKEN } })
  t.equal((await app.inject({ method: 'GET', url: '/v1/sections' })).statusCode, 200)
  const text = (await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } })).body
  t.ok(sample(text, 'newsroom_db_pool_max', { pool: 'primary' })! > 0)
  t.ok(sample(text, 'newsroom_db_pool_connections', { pool: 'primary', state: 'idle' }) !== undefined)
  t.equal(sample(text, 'newsroom_db_pool_waiting', { pool: 'primary' }), 0)
  t.equal(sample(text, 'newsroom_db_query_deadline_aborts_total'), 0)

  // A query that outlives DATABASE_TIMEOUT_MS: its connection is closed and the abort counted.
  const database = await createDatabase({ kind: 'postgres', url: PG!, poolSize: 1, timeoutMs: 300 })
  t.teardown(() => database.close())
  await t.rejects(database.pool!.query('select pg_sleep(3)'))
  t.equal(database.stats.queryDeadlineAborts, 1)
})
