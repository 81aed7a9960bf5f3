import t from 'tap'
import { connect, type Socket } from 'node:net'
import { createArticleReadRepository } from '../../src/db/repositories/article-reads.js'
import { createRelatedRepository } from '../../src/db/repositories/related.js'
import { createRelatedLists } from '../../src/services/related.js'
import { build } from '../helpers/build.js'

/**
 * On the embedded database (one thread for every statement), background passes step aside for
 * requests: the server counts the requests in flight (answered or abandoned by their client), and
 * the Related Posts backfill awaits its pause before every statement.
 */
const pglite = !process.env.TEST_DATABASE_URL
const quiet = { warn() {} }

/** Waits (event-loop turns, no clock) until `check` holds. */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setImmediate(resolve))
}

t.test('the server counts each request in flight until its response closes', async (t) => {
  const app = await build(t)
  const foreground = app.services.foreground
  if (!pglite) {
    t.equal(foreground, undefined, 'on PostgreSQL nothing is counted (statements run on the server, not on this thread)')
    return
  }
  t.ok(foreground)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as { port: number }
  const open = () =>
    new Promise<Socket>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => resolve(socket))
      socket.once('error', reject)
    })

  // A body that never ends: in flight until the client goes away.
  const stalled = await open()
  stalled.write('POST /v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"email":')
  await until(() => foreground!.inFlight === 1)
  t.pass('a request waiting for its body is in flight')
  const answered = await fetch(`http://127.0.0.1:${port}/v1/sections`)
  t.equal(answered.status, 200)
  await answered.arrayBuffer()
  await until(() => foreground!.inFlight === 1)
  t.pass('an answered one is not, once its response has closed')
  stalled.destroy()
  await until(() => foreground!.inFlight === 0)
  t.pass('nor one its client abandoned')

  for (const url of ['/v1/nowhere', '/v1/articles?limit=-1']) {
    const res = await fetch(`http://127.0.0.1:${port}${url}`)
    t.ok(res.status >= 400, `${url}: ${res.status}`)
    await res.arrayBuffer()
  }
  await until(() => foreground!.inFlight === 0)
  t.pass('refused requests leave the count as they found it')
  t.equal((await app.inject({ url: '/v1/sections' })).statusCode, 200)
  await until(() => foreground!.inFlight === 0)
  t.pass('so do injected ones')
})

t.test('the Related Posts pass awaits its pause before every statement', async (t) => {
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
