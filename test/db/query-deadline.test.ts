import t from 'tap'
import { sql } from 'drizzle-orm'
import net from 'node:net'
import { createDatabase } from '../../src/db/client.js'
import { isDatabaseUnavailable } from '../../src/db/errors.js'

/**
 * DATABASE_TIMEOUT_MS: a query the server never answers (hung server, a network that drops
 * packets) or answers too late (a runaway statement) fails within the deadline as "database
 * unavailable" (the API answers 503), and the pool goes on with fresh connections.
 */
const skip = process.env.TEST_DATABASE_URL ? false : 'needs PostgreSQL (TEST_DATABASE_URL)'

/** A TCP relay to PostgreSQL that can stop passing the server's replies along (a hung server, as the client sees it). */
async function relay(target: URL) {
  let frozen = false
  const sockets = new Set<net.Socket>()
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port || 5432), target.hostname)
    sockets.add(client).add(upstream)
    client.on('data', (chunk) => upstream.write(chunk))
    upstream.on('data', (chunk) => {
      if (!frozen) client.write(chunk)
    })
    const close = () => {
      client.destroy()
      upstream.destroy()
    }
    client.on('error', close).on('close', close)
    upstream.on('error', close).on('close', close)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = new URL(target)
  url.host = `127.0.0.1:${(server.address() as net.AddressInfo).port}`
  return {
    url: url.toString(),
    freeze: (value: boolean) => (frozen = value),
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}

t.test('a query unanswered past DATABASE_TIMEOUT_MS fails as unavailable, and the pool recovers', { skip }, async (t) => {
  const proxy = await relay(new URL(process.env.TEST_DATABASE_URL!))
  t.teardown(proxy.close)
  const timeoutMs = 1000
  const database = await createDatabase({ kind: 'postgres', url: proxy.url, poolSize: 2, timeoutMs })
  t.teardown(() => database.close())
  /**
   * A query on a new connection. Connecting shares the deadline (connectionTimeoutMillis), and on a
   * starved CPU (the suite's other files, stress-ng) a connection through the relay can take longer
   * than that: such an attempt is retried — what is under test is the query, not the connect.
   */
  const onFreshConnection = async (text: string) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return (await database.pool!.query(text)).rows
      } catch (error) {
        if (attempt >= 10 || !/connection timeout/.test(String((error as Error).message))) throw error
        t.comment(`connecting took longer than ${timeoutMs} ms (attempt ${attempt}): again`)
      }
    }
  }
  t.same(await onFreshConnection('select 1 as ok'), [{ ok: 1 }])

  proxy.freeze(true)
  let started = Date.now()
  const hung = await database.db.execute(sql`select 1`).then(
    () => undefined,
    (error: unknown) => error,
  )
  const hungMs = Date.now() - started
  t.ok(hung, 'the hung query fails')
  t.ok(isDatabaseUnavailable(hung), `classified as unavailable (503): ${String(hung)}`)
  t.ok(hungMs >= timeoutMs, `not before the deadline (${hungMs} ms)`)
  t.comment(`the hung query failed after ${hungMs} ms (deadline ${timeoutMs} ms; later only when the machine is busy)`)

  proxy.freeze(false)
  t.same(await onFreshConnection('select 2 as ok'), [{ ok: 2 }], 'the next query runs on a fresh connection')

  started = Date.now()
  const slow = await database.pool!.query('select pg_sleep(5)').then(
    () => undefined,
    (error: unknown) => error,
  )
  const slowMs = Date.now() - started
  t.ok(isDatabaseUnavailable(slow), 'a runaway statement is cut off too')
  t.ok(slowMs >= timeoutMs, `not before the deadline (${slowMs} ms)`)
  t.ok(slowMs < 5000, `before the statement would have ended by itself (${slowMs} ms of pg_sleep(5))`)
  t.same(await onFreshConnection('select 3 as ok'), [{ ok: 3 }])
})
