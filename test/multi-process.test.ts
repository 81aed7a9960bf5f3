import t from 'tap'
import { setTimeout as sleep } from 'node:timers/promises'
import { createTestDatabase } from './helpers/database.js'
import { startReceiver } from './helpers/receiver.js'
import { startServer, type ServerProcess } from './helpers/server-process.js'

async function json(url: string, init?: RequestInit) {
  const res = await fetch(url, init)
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> & { data: never } }
}

async function eventually<T>(fn: () => Promise<T | undefined>, timeoutMs: number): Promise<{ value: T | undefined; ms: number }> {
  const started = Date.now()
  for (;;) {
    const value = await fn()
    if (value !== undefined || Date.now() - started > timeoutMs) return { value, ms: Date.now() - started }
    await sleep(25)
  }
}

t.test('two API processes on one PostgreSQL: caches follow each other, outbox and scheduler work once', { skip: process.env.TEST_DATABASE_URL ? false : 'needs TEST_DATABASE_URL (PGlite is one process by design)' }, async (t) => {
  const db = await createTestDatabase()
  t.teardown(() => db.destroy())
  const receiver = await startReceiver()
  t.teardown(() => receiver.close())
  const env = {
    DATABASE_URL: db.url!,
    JWT_SECRET: 'multi-process-test-secret-long-enough-000000',
    ADMIN_EMAIL: 'chief@example.com',
    ADMIN_PASSWORD: 'multi-process-password',
    WEBHOOK_ALLOW_PRIVATE: 'true',
    OUTBOX_POLL_MS: '100',
    SCHEDULER_POLL_MS: '200',
    // A production start loads no demo content unless asked; these sections are the demo's.
    SEED: 'true',
    // Cached lists live an hour: only LISTEN/NOTIFY can explain B seeing A's write.
    RESPONSE_CACHE_TTL: '3600',
  }
  const servers: ServerProcess[] = await Promise.all([startServer(env), startServer(env)])
  t.teardown(() => Promise.all(servers.map((s) => s.stop('SIGKILL'))))
  const [a, b] = servers as [ServerProcess, ServerProcess]

  const login = await json(`${a.url}/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'chief@example.com', password: 'multi-process-password' }) })
  t.equal(login.status, 200, 'the first admin exists once, seeded once')
  const auth = { authorization: `Bearer ${(login.body as unknown as { access_token: string }).access_token}`, 'content-type': 'application/json' }
  const hook = await json(`${a.url}/v1/admin/webhooks`, { method: 'POST', headers: auth, body: JSON.stringify({ url: receiver.url, events: ['article.published'] }) })
  t.equal(hook.status, 201)

  t.equal((await json(`${b.url}/v1/articles?limit=1`)).status, 200)
  const cached = await fetch(`${b.url}/v1/articles?limit=1`)
  t.equal(cached.headers.get('x-cache'), 'HIT', 'B serves the list from memory')
  await cached.arrayBuffer()

  const created = await json(`${a.url}/v1/admin/articles`, { method: 'POST', headers: auth, body: JSON.stringify({ title: 'Written Through A', section: 'india', status: 'published' }) })
  t.equal(created.status, 201)
  const seen = await eventually(async () => {
    const list = await json(`${b.url}/v1/articles?limit=1`)
    const first = (list.body.data as { title: string }[])[0]
    return first?.title === 'Written Through A' ? true : undefined
  }, 60_000)
  t.ok(seen.value, `B served the write made through A after ${seen.ms} ms (LISTEN/NOTIFY; its cached list would have lived an hour)`)

  const scheduledAt = new Date(Date.now() + 3000).toISOString()
  const scheduled = await json(`${b.url}/v1/admin/articles`, { method: 'POST', headers: auth, body: JSON.stringify({ title: 'Due Soon', section: 'india', status: 'scheduled', published_at: scheduledAt }) })
  t.equal(scheduled.status, 201)
  await eventually(async () => (receiver.received.length >= 2 ? true : undefined), 60_000)
  await sleep(1000)
  const types = receiver.received.map((r) => (JSON.parse(r.body) as { type: string; data: { current: { title: string } } }))
  t.same(types.map((e) => e.data.current.title).sort(), ['Due Soon', 'Written Through A'], 'each event delivered exactly once, with two workers and two schedulers running')
})

t.test('start-up work is not bound by the request deadline: two processes seeding one database with DATABASE_TIMEOUT_MS=1000 both start', { skip: process.env.TEST_DATABASE_URL ? false : 'needs TEST_DATABASE_URL (PGlite is one process by design)' }, async (t) => {
  // The second process waits on the first one's seed lock for as long as the seed takes (seconds:
  // it renders images); under the request deadline that wait was cut off and the start failed.
  const db = await createTestDatabase()
  t.teardown(() => db.destroy())
  const env = { DATABASE_URL: db.url!, JWT_SECRET: 'start-up-deadline-test-secret-long-enough-00', SEED: 'true', DATABASE_TIMEOUT_MS: '1000', ADMIN_EMAIL: 'chief@example.com', ADMIN_PASSWORD: 'start-up-deadline-password' }
  const servers = await Promise.all([startServer(env), startServer(env)])
  t.teardown(() => Promise.all(servers.map((s) => s.stop('SIGKILL'))))
  t.equal(servers.length, 2, 'both processes listen')
  const result = (await db.database.db.execute('select count(*)::int as n from sections')) as unknown as { rows: { n: number }[] }
  t.equal(Number(result.rows[0]!.n), 7, 'the demo content is there, once')
})
