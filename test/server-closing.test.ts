import t from 'tap'
import { eq } from 'drizzle-orm'
import net from 'node:net'
import { subscribers } from '../src/db/schema/index.js'
import { build } from './helpers/build.js'

/**
 * While the server closes (SIGTERM: app.close()), requests in flight finish, and a request that
 * still arrives on a busy keep-alive connection is refused like every other 503: problem+json with
 * Retry-After, and the connection closes.
 */
t.test('a request arriving while the server closes: 503 problem+json with Retry-After', async (t) => {
  // A signup answers no sooner than its floor: a request that is surely still in flight when closing starts.
  const app = await build(t, { env: { NEWSLETTER_RESPONSE_FLOOR_MS: '5000' } })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as net.AddressInfo
  const socket = net.connect(port, '127.0.0.1')
  let received = ''
  socket.setEncoding('utf8').on('data', (chunk: string) => (received += chunk))
  const ended = new Promise<void>((resolve) => socket.on('close', () => resolve()))
  await new Promise<void>((resolve) => socket.on('connect', () => resolve()))

  const body = JSON.stringify({ email: 'closing@example.com' })
  socket.write(`POST /v1/newsletter/subscriptions HTTP/1.1\r\nHost: api.test\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`)
  // The signup is stored before its floor: from then on it is in flight for seconds.
  const db = app.testDb.database.db
  while ((await db.select({ id: subscribers.id }).from(subscribers).where(eq(subscribers.email, 'closing@example.com'))).length === 0) await new Promise((r) => setImmediate(r))

  const closed = app.close()
  // The server stops listening once closing has begun (after the preClose hooks).
  while (app.server.listening) await new Promise((r) => setImmediate(r))
  socket.write('GET /v1/site HTTP/1.1\r\nHost: api.test\r\n\r\n')
  await ended
  await closed

  const responses = received.split(/(?=HTTP\/1\.1 )/)
  t.equal(responses.length, 2, received)
  t.match(responses[0], /^HTTP\/1\.1 202 /, 'the request in flight finished')
  const refused = responses[1]!
  t.match(refused, /^HTTP\/1\.1 503 /)
  t.match(refused, /\r\ncontent-type: application\/problem\+json/i)
  t.match(refused, /\r\nretry-after: \d+\r\n/i)
  t.match(refused, /\r\nconnection: close\r\n/i)
  t.match(refused, /\r\nx-request-id: /i, 'with the headers every answer carries')
  const problem = JSON.parse(refused.slice(refused.indexOf('\r\n\r\n') + 4)) as { code: string; status: number; retry_after: number }
  t.match(problem, { code: 'SERVICE_UNAVAILABLE', status: 503 })
  t.ok(problem.retry_after >= 1)
})
