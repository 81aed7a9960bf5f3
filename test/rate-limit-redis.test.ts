import t from 'tap'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { FastifyBaseLogger } from 'fastify'
import { closeRedis, connectRedis, createRedisHealth, createSharedStore, REDIS_COMMAND_TIMEOUT_MS } from '../src/plugins/rate-limit-store.js'
import { build, type TestApp } from './helpers/build.js'
import { createTestDatabase } from './helpers/database.js'
import { freePort, keysUnder, REDIS_URL, redisServerMissing, redisUnavailable, startPrivateRedis, uniquePrefix } from './helpers/redis.js'
import { startServer, type ServerProcess } from './helpers/server-process.js'

/**
 * Rate limits shared through the real Redis: counters that one API process raises are seen by the
 * others, so a client cannot multiply its allowance by the number of nodes behind the load
 * balancer. Redis going away never breaks a request: the limits fall back to each process's memory.
 */
const unavailable = await redisUnavailable()

const loginAs = (email: string) => ({ method: 'POST' as const, url: '/v1/auth/login', payload: { email, password: 'not-the-password' } })
const signUp = (email: string) => ({ method: 'POST' as const, url: '/v1/newsletter/subscriptions', payload: { email } })

async function cleanupAfter(t: { teardown(fn: () => unknown): void }, prefix: string) {
  t.teardown(async () => (await keysUnder(prefix)).remove())
}

t.test('two apps on one Redis share the login and signup limits; without Redis they do not', { skip: unavailable }, async (t) => {
  const prefix = uniquePrefix('shared')
  await cleanupAfter(t, prefix)
  const env = { REDIS_URL, REDIS_KEY_PREFIX: prefix, LOGIN_ACCOUNT_LIMIT: '4', LOGIN_IP_LIMIT: '100', NEWSLETTER_RATE_EMAIL: '3', NEWSLETTER_RESPONSE_FLOOR_MS: '0' }
  const [a, b] = (await Promise.all([build(t, { env }), build(t, { env })])) as [TestApp, TestApp]

  const statuses: number[] = []
  for (const app of [a, a, b, b]) statuses.push((await app.inject(loginAs('victim@example.com'))).statusCode)
  t.same(statuses, [401, 401, 401, 401], 'four failed logins, two through each app, are allowed')
  const blocked = await b.inject(loginAs('victim@example.com'))
  t.equal(blocked.statusCode, 429, 'the fifth, through B, is refused: B counted A’s failures')
  t.equal(blocked.headers['content-type'], 'application/problem+json; charset=utf-8')
  const retryAfter = Number(blocked.headers['retry-after'])
  t.ok(retryAfter > 800 && retryAfter <= 900, `Retry-After is the rest of the 15-minute window (${retryAfter} s)`)
  t.equal((await a.inject(loginAs('victim@example.com'))).statusCode, 429, 'and A refuses it too')
  t.equal((await a.inject(loginAs('someone-else@example.com'))).statusCode, 401, 'other accounts are not affected')

  const signups: number[] = []
  for (const app of [a, b, a]) signups.push((await app.inject(signUp('reader@example.com'))).statusCode)
  t.same(signups, [202, 202, 202])
  const tooMany = await b.inject(signUp('reader@example.com'))
  t.equal(tooMany.statusCode, 429, 'the fourth signup of one address in ten minutes is refused, across apps')
  t.ok(Number(tooMany.headers['retry-after']) > 500)

  const { keys } = await keysUnder(prefix)
  t.ok(keys.includes(`${prefix}login-account:victim@example.com`), 'the counters live in Redis under REDIS_KEY_PREFIX')
  t.ok(keys.includes(`${prefix}signup-email:reader@example.com`))

  // The control: the same traffic without Redis is counted per process, so B does not refuse.
  const local = { ...env, REDIS_URL: '' }
  const [c, d] = (await Promise.all([build(t, { env: local }), build(t, { env: local })])) as [TestApp, TestApp]
  for (let i = 0; i < 4; i++) await c.inject(loginAs('victim@example.com'))
  t.equal((await c.inject(loginAs('victim@example.com'))).statusCode, 429, 'in memory, one process limits itself')
  t.equal((await d.inject(loginAs('victim@example.com'))).statusCode, 401, 'but knows nothing of the other')
})

t.test('two API processes share the limits through Redis', { skip: unavailable }, async (t) => {
  const prefix = uniquePrefix('processes')
  await cleanupAfter(t, prefix)
  const env: Record<string, string> = {
    REDIS_URL,
    REDIS_KEY_PREFIX: prefix,
    SEED: 'false',
    JWT_SECRET: 'redis-rate-limit-test-secret-long-enough-0000',
    LOGIN_ACCOUNT_LIMIT: '4',
    LOGIN_IP_LIMIT: '100',
    COMMENT_RATE_IP: '100',
    NEWSLETTER_RATE_EMAIL: '2',
    NEWSLETTER_RESPONSE_FLOOR_MS: '0',
  }
  const dirs: string[] = []
  t.teardown(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })))
  const envFor = async (): Promise<Record<string, string>> => {
    if (process.env.TEST_DATABASE_URL) {
      const db = await createTestDatabase()
      t.teardown(() => db.destroy())
      return { ...env, DATABASE_URL: db.url! }
    }
    // Embedded: each process on its own data directory; Redis is what they share.
    const dir = mkdtempSync(path.join(tmpdir(), 'newsroom-redis-'))
    dirs.push(dir)
    return { ...env, DATA_DIR: dir }
  }
  const shared = process.env.TEST_DATABASE_URL ? await envFor() : undefined
  const servers: ServerProcess[] = []
  t.teardown(() => Promise.all(servers.map((s) => s.stop('SIGKILL'))))
  const envs = [shared ?? (await envFor()), shared ?? (await envFor())]
  await Promise.all(envs.map(async (processEnv) => servers.push(await startServer(processEnv))))
  const [a, b] = servers as [ServerProcess, ServerProcess]

  const post = (server: ServerProcess, request: { url: string; payload: unknown }) =>
    fetch(`${server.url}${request.url}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request.payload) })

  const statuses: number[] = []
  for (const server of [a, a, b, b]) {
    const res = await post(server, loginAs('editor@example.com'))
    await res.arrayBuffer()
    statuses.push(res.status)
  }
  t.same(statuses, [401, 401, 401, 401], 'half the allowed failures on process A, half on B')
  const blocked = await post(b, loginAs('editor@example.com'))
  const problem = (await blocked.json()) as { code: string; status: number }
  t.equal(blocked.status, 429, 'B refuses the next one: the count is shared')
  t.equal(problem.code, 'RATE_LIMITED')
  t.ok(Number(blocked.headers.get('retry-after')) > 800, `Retry-After: ${blocked.headers.get('retry-after')}`)

  const signups: number[] = []
  for (const server of [a, b, b]) {
    const res = await post(server, signUp('subscriber@example.com'))
    await res.arrayBuffer()
    signups.push(res.status)
  }
  t.same(signups, [202, 202, 429], 'signups of one address: one on A, one on B, the third refused by B')
  t.notMatch(a.output() + b.output(), /"level":50/, 'no errors logged')
})

t.test('Redis going down never breaks a request: limits fall back to this process, and Redis is used again when it returns', { skip: unavailable || (await redisServerMissing()) }, async (t) => {
  const redis = await startPrivateRedis()
  t.teardown(() => redis.stop())
  const prefix = uniquePrefix('outage')
  const app = await build(t, { env: { REDIS_URL: redis.url, REDIS_KEY_PREFIX: prefix, LOGIN_ACCOUNT_LIMIT: '3', LOGIN_IP_LIMIT: '100', NEWSLETTER_RESPONSE_FLOOR_MS: '0' } })

  t.equal((await app.inject(loginAs('a@example.com'))).statusCode, 401)
  t.same((await keysUnder(prefix, redis.url)).keys.sort(), [`${prefix}login-account:a@example.com`, `${prefix}login-ip:127.0.0.1`], 'counted in Redis')
  await redis.stop()

  // A refused connection fails each command at once (no offline queue); a silent Redis is the test below.
  const during: number[] = []
  for (let i = 0; i < 4; i++) during.push((await app.inject(loginAs('b@example.com'))).statusCode)
  t.same(during, [401, 401, 401, 429], 'with Redis down the limit still holds, counted in this process')
  t.equal((await app.inject(signUp('reader@example.com'))).statusCode, 202, 'public writes keep working')
  t.equal((await app.inject({ method: 'GET', url: '/health/live' })).statusCode, 200)

  await redis.start()
  const deadline = Date.now() + 8000
  let back = false
  while (!back && Date.now() < deadline) {
    await app.inject(loginAs('c@example.com'))
    back = (await keysUnder(prefix, redis.url)).keys.includes(`${prefix}login-account:c@example.com`)
    if (!back) await new Promise((r) => setTimeout(r, 200))
  }
  t.ok(back, 'once Redis answers again, counters go to Redis again')
})

t.test('an app whose Redis is down at boot starts and serves with local limits', async (t) => {
  const port = await freePort() // nothing listens there
  const app = await build(t, { env: { REDIS_URL: `redis://127.0.0.1:${port}`, LOGIN_ACCOUNT_LIMIT: '2' } })
  const statuses: number[] = []
  for (let i = 0; i < 3; i++) statuses.push((await app.inject(loginAs('x@example.com'))).statusCode)
  t.same(statuses, [401, 401, 429])
})

interface Counter {
  incr(key: string, callback: (error: Error | null, result?: { current: number }) => void, timeWindow: number, max: number): void
}
const silentLog = { warn: () => {}, info: () => {} } as unknown as FastifyBaseLogger

/** One INCR through the shared store; `blockMs` keeps the event loop busy right after sending it. */
function countOnce(store: Counter, key: string, blockMs = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    store.incr(key, (error, result) => (error ? reject(error) : resolve(result!.current)), 60_000, 1000)
    const until = performance.now() + blockMs
    while (performance.now() < until) {
      // a starved process: the reply arrives, nobody reads it
    }
  })
}

t.test("a process too busy to read Redis's reply in time still uses it: the limit does not leak under CPU starvation", { skip: unavailable }, async (t) => {
  const health = createRedisHealth(silentLog)
  const redis = await connectRedis(REDIS_URL, health)
  t.teardown(() => closeRedis(redis))
  const prefix = uniquePrefix('starved')
  t.teardown(async () => (await keysUnder(prefix)).remove())
  const Store = createSharedStore({ redis, prefix, health })
  const store = new Store({} as never) as unknown as Counter
  await redis.set(`${prefix}key`, '5', 'PX', 60_000) // five counted by other processes
  // Blocked past the command timeout: the reply waits unread in the socket while the timer is due.
  t.equal(await countOnce(store, 'key', REDIS_COMMAND_TIMEOUT_MS * 2), 6, "the count is Redis's, not a local one starting from zero")
  t.equal(await countOnce(store, 'key', REDIS_COMMAND_TIMEOUT_MS * 3), 7)
  t.equal(await redis.get(`${prefix}key`), '7', 'each request counted once')
  t.ok(health.healthy, 'and Redis was never taken for down')
})

t.test('a Redis that is connected but silent: after the command timeout the limit is counted in this process', { skip: unavailable || (await redisServerMissing()) }, async (t) => {
  const privateRedis = await startPrivateRedis()
  t.teardown(() => privateRedis.stop())
  const health = createRedisHealth(silentLog)
  const redis = await connectRedis(privateRedis.url, health)
  t.teardown(() => closeRedis(redis))
  const Store = createSharedStore({ redis, prefix: uniquePrefix('silent'), health })
  const store = new Store({} as never) as unknown as Counter
  t.equal(await countOnce(store, 'key'), 1, 'counted in Redis while it answers')
  privateRedis.pause(true)
  t.teardown(() => privateRedis.pause(false))
  t.equal(await countOnce(store, 'key'), 1, 'Redis silent: a local count, the request not held')
  t.equal(await countOnce(store, 'key'), 2)
  t.notOk(health.healthy, 'the outage is noticed')
  privateRedis.pause(false)
})

t.test('a Redis outage is logged once, again at most once a minute, and its end is logged', async (t) => {
  const lines: { level: string; message: string }[] = []
  const log = {
    warn: (_obj: unknown, message: string) => lines.push({ level: 'warn', message }),
    info: (message: string) => lines.push({ level: 'info', message }),
  } as unknown as FastifyBaseLogger
  const health = createRedisHealth(log)
  health.ok()
  t.same(lines, [], 'nothing while healthy')
  health.failed(new Error('ECONNREFUSED'))
  health.failed(new Error('ECONNREFUSED'))
  health.failed(new Error('ECONNREFUSED'))
  t.equal(health.healthy, false)
  t.same(lines.map((l) => l.level), ['warn'], 'one warning for a burst of failures')
  health.ok()
  health.ok()
  t.same(lines.map((l) => l.level), ['warn', 'info'])
  t.match(lines[1]!.message, /shared across processes again/)
})

t.test('REDIS_URL is validated at boot', async (t) => {
  const { loadConfig } = await import('../src/config.js')
  const error = t.throws(() => loadConfig({ REDIS_URL: 'localhost:6379' })) as Error
  t.match(error.message, /REDIS_URL must be a value matching \^rediss\?:\/\//)
  t.same(loadConfig({ REDIS_URL: 'redis://cache:6379/2' }).rateLimit, { redisUrl: 'redis://cache:6379/2', redisKeyPrefix: 'newsroom:rl:' })
  t.same(loadConfig({}).rateLimit, { redisUrl: undefined, redisKeyPrefix: 'newsroom:rl:' })
})
