import t from 'tap'
import { mkdtempSync, rmSync } from 'node:fs'
import net from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { buildApp } from '../../src/app.js'
import { createDatabase } from '../../src/db/client.js'
import { createUser } from '../helpers/auth.js'
import type { TestContext } from '../helpers/build.js'
import { testConfig } from '../helpers/config.js'
import { createTestDatabase } from '../helpers/database.js'

/**
 * A database that stops answering (frozen, not gone: connections stay open, nothing comes back)
 * must cost a request one DATABASE_TIMEOUT_MS, never two. Nothing here measures wall time: what is
 * counted is what reached the database, and which deadlines had fired when the answer came.
 */
const skip = process.env.TEST_DATABASE_URL ? false : 'needs PostgreSQL (TEST_DATABASE_URL)'
const TIMEOUT_MS = 1000

/**
 * A TCP relay to PostgreSQL that reads the client's side of the wire protocol: it counts the
 * statements sent (simple queries and executes), can freeze — stop passing the server's replies
 * along, as a hung server looks to its clients — when a statement matching a pattern goes by (the
 * statement itself still reaches the server and runs), and counts the connections the client gave
 * up on (the query deadline closes them).
 */
async function relay(target: URL) {
  const state = { frozen: false, statements: 0, texts: [] as string[], closedByClient: 0, freezeOn: undefined as RegExp | undefined }
  const sockets = new Set<net.Socket>()
  const onMessage = (type: string, body: Buffer) => {
    if (type === 'Q' || type === 'E') state.statements++
    let text: string | undefined
    if (type === 'Q') text = body.toString('utf8', 0, Math.max(0, body.indexOf(0)))
    if (type === 'P') {
      const nameEnd = body.indexOf(0)
      text = body.toString('utf8', nameEnd + 1, body.indexOf(0, nameEnd + 1))
    }
    if (text === undefined) return
    state.texts.push(text)
    if (state.freezeOn?.test(text)) {
      state.frozen = true
      state.freezeOn = undefined
    }
  }
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port || 5432), target.hostname)
    sockets.add(client).add(upstream)
    let pending = Buffer.alloc(0)
    let started = false
    client.on('data', (chunk) => {
      pending = Buffer.concat([pending, chunk])
      for (;;) {
        if (!started) {
          if (pending.length < 8) break
          const length = pending.readInt32BE(0)
          if (pending.length < length) break
          // An SSLRequest (80877103) comes before the startup message; then messages are typed.
          if (pending.readInt32BE(4) !== 80877103) started = true
          pending = pending.subarray(length)
          continue
        }
        if (pending.length < 5) break
        const length = pending.readInt32BE(1)
        if (pending.length < length + 1) break
        onMessage(String.fromCharCode(pending[0]!), pending.subarray(5, length + 1))
        pending = pending.subarray(length + 1)
      }
      upstream.write(chunk)
    })
    upstream.on('data', (chunk) => {
      if (!state.frozen) client.write(chunk)
    })
    let closed = false
    client.on('close', () => {
      if (!closed) state.closedByClient++
      closed = true
      upstream.destroy()
    })
    upstream.on('close', () => {
      closed = true
      client.destroy()
    })
    client.on('error', () => {})
    upstream.on('error', () => {})
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = new URL(target)
  url.host = `127.0.0.1:${(server.address() as net.AddressInfo).port}`
  return {
    url: url.toString(),
    state,
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}

/** The app on a fresh seeded database, every connection of it through the relay. */
async function appBehindRelay(t: TestContext) {
  const testDb = await createTestDatabase({ seed: true })
  const proxy = await relay(new URL(testDb.url!))
  const database = await createDatabase({ kind: 'postgres', url: proxy.url, poolSize: 5, timeoutMs: TIMEOUT_MS })
  const dataDir = mkdtempSync(path.join(tmpdir(), 'newsroom-frozen-'))
  const app = await buildApp({ config: testConfig({ DATABASE_TIMEOUT_MS: String(TIMEOUT_MS) }, dataDir), database, logger: false, docs: false, workers: false })
  await app.ready()
  t.teardown(async () => {
    proxy.state.frozen = false
    await app.close().catch(() => undefined)
    await database.close().catch(() => undefined)
    await proxy.close()
    await testDb.destroy()
    rmSync(dataDir, { recursive: true, force: true })
  })
  /** A direct connection (not through the relay), to look at the database's state. */
  const direct = async <T extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> => {
    const client = new pg.Client({ connectionString: testDb.url })
    await client.connect()
    try {
      return (await client.query<T>(text, values)).rows
    } finally {
      await client.end()
    }
  }
  return { app, proxy, direct }
}

t.test('a cache miss on a frozen database: the waiting requests share the 503 instead of asking again', { skip }, async (t) => {
  const { app, proxy } = await appBehindRelay(t)
  const list = await app.inject({ url: '/v1/articles?limit=3' })
  t.equal(list.statusCode, 200, list.body)
  const slugs = (list.json().data as { slug: string }[]).map((a) => a.slug)
  t.equal(slugs.length, 3)
  t.equal((await app.inject({ url: `/v1/articles/${slugs[0]}` })).statusCode, 200, 'warm: settings and permalinks are loaded')
  let before = proxy.state.statements
  t.equal((await app.inject({ url: `/v1/articles/${slugs[1]}` })).statusCode, 200)
  const perMiss = proxy.state.statements - before
  t.ok(perMiss >= 1, `one miss sends ${perMiss} statement(s)`)

  proxy.state.frozen = true
  before = proxy.state.statements
  const answers = await Promise.all(Array.from({ length: 12 }, () => app.inject({ url: `/v1/articles/${slugs[2]}` })))
  const sent = proxy.state.statements - before
  for (const res of answers) {
    t.equal(res.statusCode, 503)
    t.match(res.headers['content-type'], /^application\/problem\+json/)
    t.ok(Number(res.headers['retry-after']) >= 1, 'with Retry-After')
    t.equal(res.json().code, 'SERVICE_UNAVAILABLE')
  }
  t.ok(sent <= perMiss, `the 12 requests sent what one miss sends (${sent} ≤ ${perMiss}), not a query each after the first 503`)
  t.equal(proxy.state.closedByClient, Math.min(sent, 5), 'each hung statement cost one deadline, no second round')
})

t.test('a keyed write that fails on a frozen database answers at its deadline, not after a second one for the key', { skip }, async (t) => {
  const { app, proxy, direct } = await appBehindRelay(t)
  const editor = await createUser(app, 'editor')
  const headers = { ...editor.auth, 'idempotency-key': 'frozen-insert' }
  proxy.state.freezeOn = /^insert into "tags"/i
  const res = await app.inject({ method: 'POST', url: '/v1/admin/tags', headers, payload: { name: 'Frozen' } })
  t.equal(res.statusCode, 503, res.body)
  t.match(res.headers['content-type'], /^application\/problem\+json/)
  t.ok(Number(res.headers['retry-after']) >= 1)
  // The write's statement met its deadline (its connection was closed). Letting the key go started
  // after that, on a connection of its own that cannot connect either: the answer did not wait for it.
  t.equal(proxy.state.closedByClient, 1, 'one deadline had passed when the answer came')

  proxy.state.frozen = false
  // Once the database answers again the key is freed (tried again in the background), and a retry runs the write.
  for (let i = 0; i < 200 && (await direct(`select 1 from idempotency_keys where key = 'frozen-insert'`)).length > 0; i++) await new Promise((r) => setTimeout(r, 100))
  t.same(await direct(`select 1 from idempotency_keys where key = 'frozen-insert'`), [], 'the key was freed: nothing was written')
  const retry = await app.inject({ method: 'POST', url: '/v1/admin/tags', headers, payload: { name: 'Frozen' } })
  t.equal(retry.statusCode, 201, retry.body)
  t.same(await direct(`select slug from tags where name = 'Frozen'`), [{ slug: 'frozen' }], 'written once')
})

t.test('a write committed as the database froze: the retry is pointed at what it created', { skip }, async (t) => {
  const { app, proxy, direct } = await appBehindRelay(t)
  const editor = await createUser(app, 'editor')
  const headers = { ...editor.auth, 'idempotency-key': 'frozen-commit' }
  proxy.state.freezeOn = /^commit/i
  const res = await app.inject({ method: 'POST', url: '/v1/admin/articles', headers, payload: { title: 'Committed in the dark', section: 'india', author: 'the-defence-times', body: 'Text' } })
  t.equal(res.statusCode, 503, 'the commit was never acknowledged')
  const [article] = await direct<{ id: string }>(`select id from articles where title = 'Committed in the dark'`)
  t.ok(article, 'but it happened')

  proxy.state.frozen = false
  // The attempt is over: once the database answers, its lease is ended (in the background).
  for (let i = 0; i < 200 && (await direct(`select 1 from idempotency_keys where key = 'frozen-commit' and locked_until > now()`)).length > 0; i++) await new Promise((r) => setTimeout(r, 100))
  const retry = await app.inject({ method: 'POST', url: '/v1/admin/articles', headers, payload: { title: 'Committed in the dark', section: 'india', author: 'the-defence-times', body: 'Text' } })
  t.equal(retry.statusCode, 409, retry.body)
  const problem = retry.json() as { code: string; detail: string; resource?: { type: string; id: string; location?: string } }
  t.equal(problem.code, 'IDEMPOTENCY_CONFLICT')
  t.match(problem.detail, /was applied/)
  const location = `http://api.test/v1/admin/articles/${article!.id}`
  t.same(problem.resource, { type: 'article', id: article!.id, location })
  t.equal(retry.headers.location, location)
  const read = await app.inject({ url: new URL(location).pathname, headers: editor.auth })
  t.equal(read.statusCode, 200, 'the client goes on from there')
  t.equal((await direct(`select 1 from articles where title = 'Committed in the dark'`)).length, 1, 'written once')
})
