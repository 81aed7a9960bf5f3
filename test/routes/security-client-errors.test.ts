import t from 'tap'
import net, { type AddressInfo } from 'node:net'
import { build } from '../helpers/build.js'

/**
 * Requests Node's HTTP parser refuses never reach Fastify's router; a real listening server and raw
 * sockets show what a client gets: problem+json with the usual headers and a request id.
 */

interface RawAnswer {
  status: number
  headers: Record<string, string>
  body: string
  /** Every response on the connection, in order (a keep-alive exchange has several). */
  raw: string
}

/**
 * Writes the first request on a fresh connection, each next one once an answer has arrived, and
 * reads until the server closes the connection.
 */
function exchange(port: number, ...requests: string[]): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1')
    const chunks: Buffer[] = []
    const pending = [...requests]
    socket.on('connect', () => socket.write(pending.shift()!))
    socket.on('data', (chunk) => {
      chunks.push(chunk)
      if (pending.length > 0) socket.write(pending.shift()!)
    })
    socket.on('error', () => {})
    socket.on('close', () => {
      const raw = Buffer.concat(chunks).toString('latin1')
      const last = raw.lastIndexOf('HTTP/1.1 ')
      if (last < 0) return reject(new Error(`no HTTP answer: ${JSON.stringify(raw.slice(0, 200))}`))
      const message = raw.slice(last)
      const [head = '', body = ''] = message.split('\r\n\r\n')
      const [statusLine = '', ...lines] = head.split('\r\n')
      const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]))
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body, raw })
    })
  })
}

t.test('bytes that are not an HTTP request get problem+json with the security headers and a request id', async (t) => {
  const app = await build(t)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const port = (app.server.address() as AddressInfo).port
  const ok = await exchange(port, 'GET /health/live HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n')
  t.equal(ok.status, 200, 'the control request')

  const cases: [name: string, bytes: string, status: number, code: string, detail: RegExp][] = [
    ['a control character in a header value', 'GET /v1/site HTTP/1.1\r\nHost: test\r\nX-Note: a\x01b\r\n\r\n', 400, 'VALIDATION_FAILED', /^The request is not valid HTTP: Invalid header value char/],
    ['a NUL in a header value', 'GET /v1/site HTTP/1.1\r\nHost: test\r\nX-Note: a\x00b\r\n\r\n', 400, 'VALIDATION_FAILED', /^The request is not valid HTTP/],
    ['a space in a header name', 'GET /v1/site HTTP/1.1\r\nHost: test\r\nX Note: a\r\n\r\n', 400, 'VALIDATION_FAILED', /^The request is not valid HTTP/],
    ['a broken request line', 'HELLO THERE\r\n\r\n', 400, 'VALIDATION_FAILED', /^The request is not valid HTTP/],
    ['headers over the size limit', `GET /v1/site HTTP/1.1\r\nHost: test\r\nX-Padding: ${'p'.repeat(20_000)}\r\n\r\n`, 431, 'HEADERS_TOO_LARGE', /exceed the size this server accepts/],
    ['many headers over the size limit', `GET /v1/site HTTP/1.1\r\nHost: test\r\n${Array.from({ length: 400 }, (_, i) => `X-H${i}: ${'v'.repeat(60)}\r\n`).join('')}\r\n`, 431, 'HEADERS_TOO_LARGE', /exceed/],
  ]
  for (const [name, bytes, status, code, detail] of cases) {
    const answer = await exchange(port, bytes)
    t.equal(answer.status, status, name)
    t.equal(answer.headers['content-type'], 'application/problem+json; charset=utf-8', name)
    t.equal(answer.headers['cache-control'], 'private, no-store', name)
    t.equal(answer.headers['x-content-type-options'], 'nosniff', name)
    t.equal(answer.headers['x-frame-options'], 'DENY', name)
    t.match(answer.headers['content-security-policy'], /default-src 'none'/, name)
    t.match(answer.headers['permissions-policy'], /camera=\(\)/, name)
    t.match(answer.headers['x-request-id'], /^[0-9a-f-]{36}$/, name)
    t.equal(Number(answer.headers['content-length']), Buffer.byteLength(answer.body), name)
    const problem = JSON.parse(answer.body) as Record<string, unknown>
    t.match(problem, { type: `urn:newsroom:problem:${code.toLowerCase().replaceAll('_', '-')}`, title: String, status, code, detail }, name)
    t.equal(problem.requestId, answer.headers['x-request-id'], `${name}: the body names the request id`)
    t.notMatch(answer.body, /"error"|Client Error|statusCode/, `${name}: not Fastify's raw answer`)
  }

  // Keep-alive: a good request, then a bad one on the same connection; each gets its own answer.
  const both = await exchange(port, 'GET /health/live HTTP/1.1\r\nHost: test\r\n\r\n', 'GET /v1/site HTTP/1.1\r\nHost: test\r\nX-Note: \x7f\r\n\r\n')
  t.match(both.raw, /^HTTP\/1\.1 200 OK\r\n/, 'the first answer is intact')
  t.equal(both.status, 400, 'the second is the problem')
  t.equal(JSON.parse(both.body).code, 'VALIDATION_FAILED')
})
