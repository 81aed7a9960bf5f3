import t from 'tap'
import { connect, type Socket } from 'node:net'
import { createArticleReadRepository } from '../../src/db/repositories/article-reads.js'
import { createRelatedRepository } from '../../src/db/repositories/related.js'
import { createRelatedLists } from '../../src/services/related.js'
import { build } from '../helpers/build.js'

/**
 * On the embedded database (one thread for every statement), background passes step aside for
 * requests: the server counts the requests in flight (from their handler until their response ends
 * or their client goes away), and the Related Posts backfill awaits its pause before it selects a
 * batch and before each ranking.
 */
const pglite = !process.env.TEST_DATABASE_URL
const quiet = { warn() {} }

/** Waits (event-loop turns, no clock) until `check` holds. */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setImmediate(resolve))
}

t.test('the server counts each request in flight from its handler until its response ends', async (t) => {
  // Without the response cache: a hit is answered in onRequest, before any handler (and not counted).
  const app = await build(t, { env: { RESPONSE_CACHE: 'false' } })
  const foreground = app.services.foreground
  if (!pglite) {
    t.equal(foreground, undefined, 'on PostgreSQL nothing is counted (statements run on the server, not on this thread)')
    t.equal(app.services.embeddedMaintenance, undefined, 'nor is there embedded upkeep (autovacuum runs there)')
    return
  }
  t.ok(foreground)
  // Every count and release, seen through the object the hook calls.
  let entered = 0
  let left = 0
  const enter = foreground!.enter.bind(foreground)
  foreground!.enter = () => {
    entered++
    const leave = enter()
    return () => {
      left++
      leave()
    }
  }
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as { port: number }
  const open = () =>
    new Promise<Socket>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => resolve(socket))
      socket.once('error', reject)
    })
  const get = async (url: string) => {
    const res = await fetch(`http://127.0.0.1:${port}${url}`)
    await res.arrayBuffer()
    return res.status
  }

  t.equal(await get('/v1/sections'), 200)
  await until(() => left === 1)
  t.equal(entered, 1, 'an answered request was counted')
  t.equal(foreground!.inFlight, 0, 'and is not any more')

  // A body that never ends: the client is slow, the thread is free, nothing should wait for it.
  const stalled = await open()
  stalled.write('POST /v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"email":')
  t.equal(await get('/v1/sections'), 200, 'another request meanwhile')
  await until(() => left === 2)
  t.equal(entered, 2, 'the request still sending its body is not counted')
  stalled.destroy()

  // A client that goes away right after sending: counted or not (by when it went), never left behind.
  const gone = await open()
  gone.write('POST /v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 48\r\n\r\n{"email":"nobody@example.com","password":"wrong"}')
  gone.destroy()
  for (const url of ['/v1/nowhere', '/v1/articles?limit=-1']) t.ok((await get(url)) >= 400, `${url}: refused before any handler`)
  t.equal((await app.inject({ url: '/v1/sections' })).statusCode, 200)
  await until(() => foreground!.inFlight === 0 && entered === left)
  t.pass(`every count released (${entered} counted): abandoned, refused and injected requests included`)
})

t.test('the server’s background passes pause through the foreground', { skip: !pglite && 'PGlite only' }, async (t) => {
  const app = await build(t, { seed: true })
  const foreground = app.services.foreground!
  const idle = foreground.idle.bind(foreground)
  let calls = 0
  foreground.idle = (maxWaitMs) => {
    calls++
    return idle(maxWaitMs)
  }
  for (const [name, run] of [
    ['related lists', () => app.services.relatedLists.computeAll()],
    ['embedded upkeep', () => app.services.embeddedMaintenance!.round()],
    ['housekeeping', () => app.services.housekeeping.round()],
  ] as const) {
    calls = 0
    await run()
    t.ok(calls > 0, `${name}: paused ${calls} times`)
  }
})

t.test('a server with workers starts them: the Related Posts lists get ranked', async (t) => {
  const app = await build(t, { seed: true, workers: true })
  const pending = async () => (await createRelatedRepository(app.database.db).listsToCompute(app.clock.now(), null, 1000)).length
  while ((await pending()) > 0) await new Promise((resolve) => setTimeout(resolve, 20))
  t.pass('every public article has its list')
})

t.test('the Related Posts pass awaits its pause before each batch and each ranking', async (t) => {
  const app = await build(t, { seed: true })
  const repo = createRelatedRepository(app.database.db)
  const events: string[] = []
  const gates: (() => void)[] = []
  const lists = createRelatedLists({
    related: {
      ...repo,
      listsToCompute: (...args: Parameters<typeof repo.listsToCompute>) => (events.push('select'), repo.listsToCompute(...args)),
      computeList: (...args: Parameters<typeof repo.computeList>) => (events.push('rank'), repo.computeList(...args)),
    },
    articles: createArticleReadRepository(app.database.db),
    clock: app.clock,
    log: quiet,
    pollMs: 3_600_000,
    batch: 5,
    pause: () => {
      events.push('pause')
      return new Promise<void>((resolve) => gates.push(resolve))
    },
  })
  let finished = false
  const all = lists.computeAll().finally(() => (finished = true))
  await until(() => gates.length === 1)
  t.same(events, ['pause'], 'held at its first pause: nothing selected or ranked')
  gates[0]!()
  await until(() => gates.length === 2)
  t.same(events, ['pause', 'select', 'pause'], 'held again before its first ranking')
  let released = 1
  while (!finished) {
    await until(() => finished || gates.length > released)
    if (gates.length > released) gates[released++]!()
  }
  const computed = await all
  t.ok(computed > 5, `${computed} lists ranked over several batches`)
  t.equal(events.filter((e) => e === 'rank').length, computed)
  events.forEach((event, i) => {
    if (event !== 'pause') t.equal(events[i - 1], 'pause', `${event} #${i}: right after a pause`)
  })
})
