import t, { type Test } from 'tap'
import autocannon from 'autocannon'
import type { AddressInfo } from 'node:net'
import { build } from './helpers/build.js'
import { createUser } from './helpers/auth.js'
import { keysUnder, REDIS_URL, redisUnavailable, uniquePrefix } from './helpers/redis.js'

/**
 * A bounded load run against a listening server: public writes (comments, newsletter signups) and
 * logins driven at and far above their limits while a mixed read load runs at the same time. Each
 * run is a number of requests, not a duration, so a starved machine sends the same load, only slower. The
 * writes may only answer 2xx or 429 (failed logins 401 or 429), the reads 2xx or 304 — never a 5xx,
 * never a socket error or timeout. The counts are printed so they can be quoted.
 */
/** Requests per run: three times each limit, and a read load beside them. */
const AMOUNT = { comments: 30, signups: 60, logins: 20, reads: 180 }
const LIMITS = { COMMENT_RATE_IP: '10', COMMENT_RATE_EMAIL: '5', NEWSLETTER_RATE_IP: '20', NEWSLETTER_RATE_EMAIL: '5', LOGIN_ACCOUNT_LIMIT: '5', LOGIN_IP_LIMIT: '50', NEWSLETTER_RESPONSE_FLOOR_MS: '0' }

type Histogram = Record<string, number>

function histogram(result: autocannon.Result): Histogram {
  const counts: Histogram = {}
  for (const [status, stats] of Object.entries(result.statusCodeStats ?? {})) counts[status] = Number(stats.count ?? 0)
  return counts
}

const only = (counts: Histogram, allowed: (status: number) => boolean) => Object.keys(counts).filter((status) => !allowed(Number(status)))
const total = (counts: Histogram) => Object.values(counts).reduce((sum, n) => sum + n, 0)

async function loadRun(t: Test, label: string, env: Record<string, string>) {
  const app = await build(t, { seed: true, env: { ...LIMITS, ...env } })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
  const list = (await app.inject({ method: 'GET', url: '/v1/articles?limit=3' })).json().data as { slug: string }[]
  const [first, second] = list.map((a) => a.slug) as [string, string]
  const etag = (await app.inject({ method: 'GET', url: `/v1/articles/${first}` })).headers.etag as string
  const editor = await createUser(app, 'editor')

  let sequence = 0
  const unique = () => `${process.pid}-${++sequence}`
  const json = { 'content-type': 'application/json' }
  const run = (opts: Omit<autocannon.Options, 'url'>) => autocannon({ ...opts, url: base, timeout: 60 })

  const [comments, signups, logins, reads] = await Promise.all([
    // Every comment is new (no duplicate detection in play): only the per-IP limit stops them.
    run({
      connections: 4,
      amount: AMOUNT.comments,
      requests: [
        {
          method: 'POST',
          path: `/v1/articles/${second}/comments`,
          headers: json,
          setupRequest: (request) => {
            const id = unique()
            return { ...request, body: JSON.stringify({ author_name: `Reader ${id}`, author_email: `reader-${id}@example.com`, body: `Comment number ${id}: a fair point about the article.` }) }
          },
        },
      ],
    }),
    run({
      connections: 4,
      amount: AMOUNT.signups,
      requests: [
        {
          method: 'POST',
          path: '/v1/newsletter/subscriptions',
          headers: json,
          setupRequest: (request) => ({ ...request, body: JSON.stringify({ email: `subscriber-${unique()}@example.com` }) }),
        },
      ],
    }),
    // A password-guessing run against one account, then the editor's real logins.
    run({
      connections: 4,
      amount: AMOUNT.logins,
      requests: [{ method: 'POST', path: '/v1/auth/login', headers: json, body: JSON.stringify({ email: editor.email, password: 'guessing-the-password' }) }],
    }),
    run({
      connections: 6,
      amount: AMOUNT.reads,
      requests: [
        { method: 'GET', path: '/v1/articles?limit=10' },
        { method: 'GET', path: `/v1/articles/${first}` },
        { method: 'GET', path: `/v1/articles/${first}`, headers: { 'if-none-match': etag } },
        { method: 'GET', path: '/v1/sections' },
        { method: 'GET', path: `/v1/articles/${first}/comments` },
        { method: 'GET', path: '/v1/search?q=china' },
      ],
    }),
  ])

  const counts = { comments: histogram(comments), signups: histogram(signups), logins: histogram(logins), reads: histogram(reads) }
  for (const [name, result] of Object.entries({ comments, signups, logins, reads })) {
    t.equal(result.errors, 0, `${label} ${name}: no socket errors`)
    t.equal(result.timeouts, 0, `${label} ${name}: no timeouts`)
    t.ok(total(counts[name as keyof typeof counts]) > 0, `${label} ${name}: requests were made`)
  }
  t.same(only(counts.comments, (s) => (s >= 200 && s < 300) || s === 429), [], `${label} comments: only 2xx and 429`)
  t.same(only(counts.signups, (s) => (s >= 200 && s < 300) || s === 429), [], `${label} signups: only 2xx and 429`)
  t.same(only(counts.logins, (s) => s === 401 || s === 429), [], `${label} failed logins: only 401 and 429`)
  t.same(only(counts.reads, (s) => (s >= 200 && s < 300) || s === 304), [], `${label} reads: only 2xx and 304`)
  const accepted = (c: Histogram) => total(c) - (c['429'] ?? 0)
  // Comments and signups count every attempt before it is handled, atomically: exactly the limit gets through.
  t.equal(accepted(counts.comments), 10, `${label}: exactly COMMENT_RATE_IP comments accepted`)
  t.equal(accepted(counts.signups), 20, `${label}: exactly NEWSLETTER_RATE_IP signups accepted`)
  // Logins count failures after the password check, so guesses already in flight may finish: at most one per connection.
  t.ok((counts.logins['401'] ?? 0) >= 5 && (counts.logins['401'] ?? 0) <= 5 + 4, `${label}: ${counts.logins['401']} guesses answered before the lockout`)
  t.ok((counts.comments['429'] ?? 0) > 0 && (counts.signups['429'] ?? 0) > 0 && (counts.logins['429'] ?? 0) > 0, `${label}: every limit was exceeded`)
  t.ok((counts.reads['304'] ?? 0) > 0, `${label}: conditional reads answered 304`)
  t.comment(`${label} load run (${JSON.stringify(AMOUNT)} requests): ${JSON.stringify(counts)}`)

  // After the run the server is healthy and the locked account's owner is refused until the window ends.
  t.equal((await app.inject({ method: 'GET', url: '/health/ready' })).statusCode, 200)
  t.equal((await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: editor.email, password: editor.password } })).statusCode, 429)
}

t.test('load at and above the limits, in-memory store: only 2xx/429 for writes, 2xx/304 for reads', async (t) => {
  await loadRun(t, 'memory', {})
})

const unavailable = await redisUnavailable()
t.test('the same load with the limits in Redis', { skip: unavailable }, async (t) => {
  const prefix = uniquePrefix('load')
  t.teardown(async () => (await keysUnder(prefix)).remove())
  await loadRun(t, 'redis', { REDIS_URL, REDIS_KEY_PREFIX: prefix })
})
