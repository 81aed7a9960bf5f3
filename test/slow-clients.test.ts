import t from 'tap'
import net from 'node:net'
import type { AddressInfo } from 'node:net'
import { build } from './helpers/build.js'

/**
 * Slow-client protection against a real listening server: raw sockets that trickle their headers
 * or body a byte at a time (slowloris), or say nothing at all, are answered 408 and disconnected
 * within the configured times, while ordinary requests keep being served.
 */
// Long enough that a handful of ordinary requests fit in, however starved the CPU: they are
// checked to finish while every slow client still holds on (an order, not a time).
const HEADERS_TIMEOUT_MS = 2000
const REQUEST_TIMEOUT_MS = 2600
// Node checks the timeouts on an interval (headers / 4, src/app.ts): allow for it and a loaded machine.
const SLACK_MS = HEADERS_TIMEOUT_MS / 4 + 900

interface Outcome {
  /** What the server wrote back (a 408 status line, when it answered). */
  received: string
  /** Milliseconds from connecting until the server closed the connection. */
  closedAfterMs: number
  /** When it closed (Date.now()). */
  closedAt: number
}

/** Connects, writes `first`, then one byte of `trickle` every `everyMs` until the server closes. */
function slowClient(port: number, first: string, trickle: string, everyMs: number, giveUpMs = 10_000): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const started = Date.now()
    const socket = net.connect(port, '127.0.0.1')
    let received = ''
    let position = 0
    let timer: NodeJS.Timeout | undefined
    const giveUp = setTimeout(() => {
      socket.destroy()
      reject(new Error(`the server kept a slow client for ${giveUpMs} ms`))
    }, giveUpMs)
    socket.on('connect', () => {
      if (first) socket.write(first)
      if (!trickle) return
      timer = setInterval(() => {
        if (socket.destroyed || socket.writableEnded) return
        socket.write(trickle[position % trickle.length]!)
        position++
      }, everyMs)
    })
    socket.on('data', (chunk) => (received += chunk.toString('latin1')))
    socket.on('error', () => {}) // a reset after the server gives up is an expected way to close
    socket.on('close', () => {
      clearInterval(timer)
      clearTimeout(giveUp)
      const closedAt = Date.now()
      resolve({ received, closedAfterMs: closedAt - started, closedAt })
    })
  })
}

t.test('slowloris and slow bodies are cut off with 408 while normal requests keep working', async (t) => {
  const app = await build(t, {
    env: {
      HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
      REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
      CONNECTION_TIMEOUT_MS: '5000',
      KEEP_ALIVE_TIMEOUT_MS: '1000',
    },
  })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as AddressInfo
  t.equal(app.server.headersTimeout, HEADERS_TIMEOUT_MS)
  t.equal(app.server.requestTimeout, REQUEST_TIMEOUT_MS)
  t.equal(app.server.keepAliveTimeout, 1000)
  // fetch loads its HTTP client on first use: not while the slow clients are on.
  await (await fetch(`http://127.0.0.1:${port}/health/live`)).arrayBuffer()

  // Headers a byte at a time, forever: one attacker holding many sockets.
  const trickledHeaders = Array.from({ length: 30 }, () =>
    slowClient(port, 'GET /v1/site HTTP/1.1\r\nHost: 127.0.0.1\r\n', 'X-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n', 50),
  )
  // A complete header block, then a body a byte at a time.
  const body = JSON.stringify({ email: 'slow@example.com' })
  const trickledBody = slowClient(
    port,
    `POST /v1/newsletter/subscriptions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length * 100}\r\n\r\n`,
    body,
    50,
  )
  // Connects and says nothing.
  const silent = slowClient(port, '', '', 0)

  // While they hang on, ordinary requests are served: each one finishes before the server has cut
  // off any slow client (a server they could starve would serve them only after).
  let servedUntil = 0
  for (let i = 0; i < 5; i++) {
    const res = await fetch(`http://127.0.0.1:${port}/health/live`)
    await res.arrayBuffer()
    t.equal(res.status, 200, 'a normal request is served while slow clients hang on')
    servedUntil = Date.now()
  }

  const headerOutcomes = await Promise.all(trickledHeaders)
  const firstCutOff = Math.min(...headerOutcomes.map((outcome) => outcome.closedAt), (await silent).closedAt)
  t.ok(servedUntil <= firstCutOff, `the normal requests were served while every slow client held on (${firstCutOff - servedUntil} ms before the first was cut off)`)
  for (const outcome of headerOutcomes) {
    t.match(outcome.received, /^HTTP\/1\.1 408 /, 'a trickled header block is answered 408')
    t.ok(outcome.closedAfterMs < HEADERS_TIMEOUT_MS + SLACK_MS, `and closed after ${outcome.closedAfterMs} ms`)
  }
  const bodyOutcome = await trickledBody
  t.match(bodyOutcome.received, /^HTTP\/1\.1 408 /, 'a trickled body is answered 408')
  t.ok(bodyOutcome.closedAfterMs >= REQUEST_TIMEOUT_MS - 100, `not before the request timeout (${bodyOutcome.closedAfterMs} ms)`)
  t.ok(bodyOutcome.closedAfterMs < REQUEST_TIMEOUT_MS + SLACK_MS, `and closed after ${bodyOutcome.closedAfterMs} ms`)
  const silentOutcome = await silent
  t.ok(silentOutcome.closedAfterMs < HEADERS_TIMEOUT_MS + SLACK_MS, `a silent socket is closed after ${silentOutcome.closedAfterMs} ms`)
  t.comment(
    `slow clients cut off after: headers ${Math.min(...headerOutcomes.map((o) => o.closedAfterMs))}–${Math.max(...headerOutcomes.map((o) => o.closedAfterMs))} ms, body ${bodyOutcome.closedAfterMs} ms, silent ${silentOutcome.closedAfterMs} ms`,
  )

  // And afterwards the server is as good as new.
  const after = await fetch(`http://127.0.0.1:${port}/v1/sections`)
  await after.arrayBuffer()
  t.equal(after.status, 200)
})

t.test('a keep-alive connection left idle is closed after KEEP_ALIVE_TIMEOUT_MS', async (t) => {
  const app = await build(t, { env: { KEEP_ALIVE_TIMEOUT_MS: '400' } })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as AddressInfo
  const outcome = await slowClient(port, 'GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n', '', 0)
  t.match(outcome.received, /^HTTP\/1\.1 200 /, 'the request is answered')
  // Node holds an idle keep-alive socket up to one second past keepAliveTimeout (its safety buffer).
  t.ok(outcome.closedAfterMs >= 350 && outcome.closedAfterMs < 400 + 1000 + SLACK_MS, `then the idle connection closes after ${outcome.closedAfterMs} ms`)
})

t.test('timeouts are validated at boot', async (t) => {
  const { loadConfig, ConfigError } = await import('../src/config.js')
  const error = t.throws(() => loadConfig({ HEADERS_TIMEOUT_MS: '20000', REQUEST_TIMEOUT_MS: '10000' })) as Error
  t.ok(error instanceof ConfigError)
  t.match(error.message, /HEADERS_TIMEOUT_MS \(20000\) must not exceed REQUEST_TIMEOUT_MS \(10000\)/)
  const bad = t.throws(() => loadConfig({ REQUEST_TIMEOUT_MS: 'soon', KEEP_ALIVE_TIMEOUT_MS: '5' })) as Error
  t.match(bad.message, /REQUEST_TIMEOUT_MS must be an integer/)
  t.match(bad.message, /KEEP_ALIVE_TIMEOUT_MS must be an integer/)
  const config = loadConfig({})
  t.same(config.timeouts, { request: 30000, headers: 10000, connection: 120000, keepAlive: 72000 })
})
