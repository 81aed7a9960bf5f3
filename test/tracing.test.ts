import t from 'tap'
import { execFile } from 'node:child_process'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { buildApp } from '../src/app.js'
import { flushTracing } from '../src/lib/tracing.js'
import { createUser } from './helpers/auth.js'
import { testConfig } from './helpers/config.js'
import { createTestDatabase } from './helpers/database.js'
import { startReceiver } from './helpers/receiver.js'
import { startSmtpServer } from './helpers/smtp.js'
import { TS_NODE_ARGS } from './helpers/ts-runner.js'
import { createMailer } from '../src/services/mailer.js'

const ROOT = path.resolve(import.meta.dirname, '..')

interface OtlpSpan {
  traceId: string
  spanId: string
  parentSpanId: string
  name: string
  kind: number
  attributes: Record<string, string | number | boolean>
  status: { code?: number }
}

type AnyValue = { stringValue?: string; intValue?: string | number; boolValue?: boolean; doubleValue?: number }
const valueOf = (v: AnyValue) => v.stringValue ?? (v.intValue !== undefined ? Number(v.intValue) : undefined) ?? v.boolValue ?? v.doubleValue ?? ''

/** A real OTLP/HTTP receiver on 127.0.0.1 (JSON encoding): POST /v1/traces, spans kept in arrival order. */
async function startOtlpReceiver() {
  const spans: OtlpSpan[] = []
  const resources: Record<string, string | number | boolean>[] = []
  const contentTypes: string[] = []
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/traces') {
        res.statusCode = 404
        return res.end()
      }
      contentTypes.push(String(req.headers['content-type']))
      res.setHeader('content-type', 'application/json')
      // Protobuf exports (the default protocol, from the child process below) are counted, not decoded.
      if (req.headers['content-type'] !== 'application/json') return res.end('{}')
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        resourceSpans: { resource: { attributes: { key: string; value: AnyValue }[] }; scopeSpans: { spans: (Omit<OtlpSpan, 'attributes'> & { attributes?: { key: string; value: AnyValue }[] })[] }[] }[]
      }
      for (const rs of body.resourceSpans) {
        resources.push(Object.fromEntries(rs.resource.attributes.map((a) => [a.key, valueOf(a.value)])))
        for (const ss of rs.scopeSpans) {
          for (const s of ss.spans) spans.push({ ...s, parentSpanId: s.parentSpanId ?? '', attributes: Object.fromEntries((s.attributes ?? []).map((a) => [a.key, valueOf(a.value)])) })
        }
      }
      res.end('{}')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spans,
    resources,
    contentTypes,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

const otlp = await startOtlpReceiver()
t.teardown(() => otlp.close())
const hooks = await startReceiver()
t.teardown(() => hooks.close())

const logLines: Record<string, unknown>[] = []
const testDb = await createTestDatabase({ seed: true })
const config = testConfig({
  OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
  OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
  OTEL_SERVICE_NAME: 'newsroom-test',
  OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=test',
  WEBHOOK_ALLOW_PRIVATE: 'true',
})
const app = await buildApp({
  config,
  database: testDb.database,
  docs: false,
  logger: { level: 'info', stream: { write: (line: string) => void logLines.push(JSON.parse(line) as Record<string, unknown>) } },
})
t.teardown(async () => {
  await app.close()
  await testDb.destroy()
})
await app.ready()

/** Exports what has ended (no waiting on the batch delay) and returns the spans received. */
async function exported(): Promise<OtlpSpan[]> {
  await flushTracing()
  return otlp.spans
}

const SLUG = 'chinas-6th-generation-fighter-jet-takes-first-flight'

t.test('an article read: the HTTP span and its SQL child spans, statement text without values; trace ids in the logs', async (t) => {
  const res = await app.inject({ method: 'GET', url: `/v1/articles/${SLUG}` })
  t.equal(res.statusCode, 200)
  const spans = await exported()
  const server = spans.find((s) => s.name === 'GET /v1/articles/:slug')
  if (!server) return t.fail(`no request span among ${spans.map((s) => s.name).join(', ')}`)
  t.equal(server.kind, 2, 'SERVER')
  t.equal(server.parentSpanId, '', 'a root span: no traceparent came in')
  t.match(server.attributes, { 'http.request.method': 'GET', 'http.route': '/v1/articles/:slug', 'http.response.status_code': 200, 'url.path': `/v1/articles/${SLUG}` })
  t.match(otlp.resources[0], { 'service.name': 'newsroom-test', 'deployment.environment.name': 'test' })
  t.match(otlp.contentTypes[0], /application\/json/)

  const sql = spans.filter((s) => s.parentSpanId === server.spanId)
  t.ok(sql.length >= 1, `SQL spans under the request (${sql.length})`)
  for (const s of sql) {
    t.equal(s.traceId, server.traceId)
    t.equal(s.kind, 3, 'CLIENT')
    t.equal(s.attributes['db.system.name'], 'postgresql')
    const text = String(s.attributes['db.query.text'])
    t.match(text, /^\s*(select|with|insert|update|delete|begin|commit)/i)
    t.equal(s.name, String(s.attributes['db.operation.name']))
    t.notMatch(text, SLUG, 'the slug is a parameter, not in the text')
  }
  t.ok(
    sql.some((s) => /\$1/.test(String(s.attributes['db.query.text']))),
    'the article is looked up by a parameterised statement',
  )

  const completed = logLines.find((line) => line.msg === 'request completed' && line.trace_id === server.traceId)
  t.ok(completed, 'the request log line carries the trace id')
  t.equal(completed?.span_id, server.spanId)
})

t.test('an incoming W3C traceparent is continued', async (t) => {
  const traceId = '4bf92f3577b34da6a3ce929d0e0e4736'
  const parent = '00f067aa0ba902b7'
  const res = await app.inject({ method: 'GET', url: '/v1/sections', headers: { traceparent: `00-${traceId}-${parent}-01` } })
  t.equal(res.statusCode, 200)
  const spans = await exported()
  const server = spans.find((s) => s.traceId === traceId && s.name === 'GET /v1/sections')
  t.ok(server, 'the request span is in the caller\'s trace')
  t.equal(server?.parentSpanId, parent, 'with the caller\'s span as parent')
  const children = spans.filter((s) => s.parentSpanId === server?.spanId)
  t.ok(children.every((s) => s.traceId === traceId))
  // A 404 has no route pattern: the span is named by the method only.
  const missing = await app.inject({ method: 'GET', url: '/no/such/path' })
  t.equal(missing.statusCode, 404)
  const unrouted = (await exported()).find((s) => s.attributes['url.path'] === '/no/such/path')
  t.match(unrouted, { name: 'GET', attributes: { 'http.response.status_code': 404 } })
  // Health probes are not traced (nor logged).
  t.equal((await app.inject({ method: 'GET', url: '/health/ready' })).statusCode, 200)
  t.notOk((await exported()).some((s) => String(s.attributes['url.path']).startsWith('/health/') || s.attributes['http.route'] === '/health/ready'), 'no span for /health/ready')
})

t.test('a webhook delivery is a span of its outbox job and carries traceparent to the receiver', async (t) => {
  const admin = await createUser(app, 'admin')
  const editor = await createUser(app, 'editor')
  const created = await app.inject({ method: 'POST', url: '/v1/admin/webhooks', headers: admin.auth, payload: { url: hooks.url, events: ['section.updated'] } })
  t.equal(created.statusCode, 201)
  const patched = await app.inject({ method: 'PATCH', url: '/v1/admin/sections/india', headers: { ...editor.auth, 'if-match': '*' }, payload: { description: 'Traced words' } })
  t.equal(patched.statusCode, 200)
  await app.services.outbox.runOnce()
  t.equal(hooks.received.length, 1)
  const traceparent = String(hooks.received[0]?.headers.traceparent)
  const match = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/.exec(traceparent)
  if (!match) return t.fail(`traceparent ${traceparent}`)
  const [, traceId, spanId] = match
  const spans = await exported()
  const post = spans.find((s) => s.spanId === spanId)
  t.match(post, { traceId, name: 'webhook POST', kind: 3, attributes: { 'http.request.method': 'POST', 'server.address': '127.0.0.1', 'http.response.status_code': 200 } })
  const job = spans.find((s) => s.spanId === post?.parentSpanId)
  t.match(job, { traceId, name: 'outbox webhook.deliver', parentSpanId: '', attributes: { 'outbox.topic': 'webhook.deliver', 'outbox.outcome': 'done' } })
  const jobSql = spans.filter((s) => s.parentSpanId === job?.spanId && s.attributes['db.system.name'] === 'postgresql')
  t.ok(jobSql.length >= 1, 'the job\'s own statements are its children')
  // The PATCH's transaction (BEGIN … COMMIT on one connection) is traced under its request too.
  const patch = spans.find((s) => s.name === 'PATCH /v1/admin/sections/:slug')
  t.ok(patch && spans.some((s) => s.parentSpanId === patch.spanId && /^update/i.test(String(s.attributes['db.query.text']))), 'the update statement is a child of the PATCH')
})

t.test('an SMTP send is a client span', async (t) => {
  const smtp = await startSmtpServer()
  t.teardown(() => smtp.close())
  const mailer = createMailer({ smtpUrl: smtp.url, from: 'news@example.com', log: { info() {}, debug() {} } })
  t.teardown(() => mailer.close())
  await mailer.send({ to: 'reader@example.com', subject: 'Hello', text: 'Hi', html: '<p>Hi</p>' })
  t.equal(smtp.received.length, 1)
  const port = Number(new URL(smtp.url).port)
  const send = (await exported()).find((s) => s.name === 'smtp send' && s.attributes['server.port'] === port)
  t.match(send, { kind: 3, attributes: { 'server.address': '127.0.0.1' }, status: {} })
  t.not(send?.status.code, 2, 'not failed')
})

/** Runs the fixture in a child process with these environment additions; returns the @opentelemetry modules it resolved. */
function loadedModules(env: Record<string, string>): Promise<{ resolved: number; otel: string[] }> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('OTEL_')))
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [...TS_NODE_ARGS, 'test/fixtures/tracing-modules.ts'], { cwd: ROOT, env: { ...clean, ...env }, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`${error.message}\n${stderr}`))
      const last = stdout.trim().split('\n').at(-1) ?? ''
      resolve(JSON.parse(last) as { resolved: number; otel: string[] })
    })
  })
}

t.test('without an endpoint no OpenTelemetry module is loaded; with one they are (the check sees them)', async (t) => {
  // The configured child exports with the default protocol, http/protobuf, to this file's receiver.
  const [off, on] = await Promise.all([loadedModules({}), loadedModules({ OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url })])
  t.ok(off.resolved > 500, `the fixture saw the app's modules (${off.resolved})`)
  t.same(off.otel, [], 'nothing under node_modules/@opentelemetry')
  t.ok(on.otel.some((url) => url.includes('/@opentelemetry/sdk-trace/')), 'the SDK is loaded when configured')
  t.ok(otlp.contentTypes.includes('application/x-protobuf'), 'and its spans arrive as protobuf by default')
})

t.test('src imports @opentelemetry only in src/lib/otel.ts, and that module only by a dynamic import', async (t) => {
  const files = (function walk(dir: string): string[] {
    return readdirSync(dir).flatMap((name) => {
      const full = path.join(dir, name)
      return statSync(full).isDirectory() ? walk(full) : full.endsWith('.ts') ? [full] : []
    })
  })(path.join(ROOT, 'src'))
  const importers = files.filter((file) => /from '@opentelemetry\/|import\('@opentelemetry\/|require\('@opentelemetry\//.test(readFileSync(file, 'utf8')))
  t.same(importers.map((file) => path.relative(ROOT, file)), ['src/lib/otel.ts'])
  const staticImporters = files.filter((file) => /^import (?!type )[^\n]*from '[./]*(lib\/)?otel\.js'/m.test(readFileSync(file, 'utf8')))
  t.same(staticImporters, [], 'no module imports otel.js statically')
  t.match(readFileSync(path.join(ROOT, 'src/lib/tracing.ts'), 'utf8'), /import\('\.\/otel\.js'\)/)
})
