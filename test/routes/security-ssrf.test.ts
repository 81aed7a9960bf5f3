import t from 'tap'
import { eq } from 'drizzle-orm'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { outbox, webhooks } from '../../src/db/schema/index.js'
import { guardedRequest, TargetRefused } from '../../src/lib/net-guard.js'
import { assertProblem } from '../helpers/assertions.js'
import { createUser } from '../helpers/auth.js'
import { build, type TestApp } from '../helpers/build.js'
import { startReceiver } from '../helpers/receiver.js'

/**
 * The SSRF guard against a real receiver on 127.0.0.1: every spelling of a loopback, private or
 * link-local address is refused at registration and again at delivery (WEBHOOK_ALLOW_PRIVATE=false),
 * and the spellings that do reach the receiver are delivered when private targets are allowed.
 */

/** Spellings of 127.0.0.1 that the WHATWG parser or the kernel turn into the receiver's address. */
const reachingReceiver = (port: number) => [
  `http://[::ffff:7f00:1]:${port}/hooks`,
  `http://[0:0:0:0:0:ffff:127.0.0.1]:${port}/hooks`,
  `http://2130706433:${port}/hooks`,
  `http://0x7f.1:${port}/hooks`,
  `http://127.1:${port}/hooks`,
  `http://017700000001:${port}/hooks`,
  `http://localhost:${port}/hooks`,
]

/** Non-public targets in forms that embed or translate an IPv4 address, and plain non-public ones. */
const otherNonPublic = [
  'http://[::ffff:169.254.169.254]/latest/meta-data',
  'http://[::ffff:a00:1]/',
  'http://[::127.0.0.1]/',
  'http://[64:ff9b::7f00:1]/',
  'http://[64:ff9b:1::a00:1]/',
  'http://[2002:7f00:1::]/',
  'http://[2002:a9fe:a9fe::1]/',
  'http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/',
  'http://[fd00::1]/',
  'http://[fe80::1]/',
  'http://[::]/',
  'http://0.0.0.0/',
  'http://100.64.0.1/',
]

async function insertHook(app: TestApp, url: string, createdBy: string): Promise<string> {
  const [row] = await app.database.db.insert(webhooks).values({ url, events: ['*'], secret: 'whsec_test', createdBy }).returning()
  return row!.id
}

t.test('WEBHOOK_ALLOW_PRIVATE=false: every form is refused at registration and at delivery; the receiver hears nothing', async (t) => {
  const receiver = await startReceiver()
  t.teardown(() => receiver.close())
  const port = Number(new URL(receiver.url).port)
  const app = await build(t)
  const admin = await createUser(app, 'admin')
  const targets = [...reachingReceiver(port), ...otherNonPublic]

  for (const url of targets) {
    const body = assertProblem(t, await app.inject({ method: 'POST', url: '/v1/admin/webhooks', headers: admin.auth, payload: { url, events: ['*'] } }), 422, 'UNPROCESSABLE')
    t.same(body.invalid_params, [{ name: 'body.url', reason: 'private address' }], url)
  }
  t.equal((await app.database.db.select().from(webhooks)).length, 0, 'nothing was registered')

  // A URL stored while its name resolved elsewhere (DNS rebinding), or before this guard: each
  // delivery vets the address it connects to.
  for (const url of targets) {
    const id = await insertHook(app, url, admin.id)
    const fired = await app.inject({ method: 'POST', url: `/v1/admin/webhooks/${id}/test`, headers: admin.auth })
    t.equal(fired.statusCode, 200, url)
    t.match(fired.json().data, { ok: false, status: null, error: /^refused: the target .*(address|addresses)/ }, url)
    const changed = await app.inject({ method: 'PATCH', url: `/v1/admin/webhooks/${id}`, headers: admin.auth, payload: { url: `${url}?again` } })
    assertProblem(t, changed, 422, 'UNPROCESSABLE')
  }

  // The outbox path: a real event, delivered to every stored hook, refused each time.
  const editor = await createUser(app, 'editor')
  t.equal((await app.inject({ method: 'POST', url: '/v1/admin/tags', headers: editor.auth, payload: { name: 'Guarded' } })).statusCode, 201)
  await app.services.outbox.runOnce()
  const jobs = await app.database.db.select().from(outbox).where(eq(outbox.topic, 'webhook.deliver'))
  t.equal(jobs.length, targets.length, 'one delivery per stored hook')
  for (const job of jobs) t.match(job, { status: 'pending', attempts: 1, lastError: /^refused: the target / })
  t.equal(receiver.received.length, 0, 'the receiver on 127.0.0.1 was never reached')
})

t.test('WEBHOOK_ALLOW_PRIVATE=true: the same spellings register and are delivered to the receiver', async (t) => {
  const receiver = await startReceiver()
  t.teardown(() => receiver.close())
  const port = Number(new URL(receiver.url).port)
  const app = await build(t, { env: { WEBHOOK_ALLOW_PRIVATE: 'true' } })
  const admin = await createUser(app, 'admin')
  for (const [index, url] of reachingReceiver(port).entries()) {
    const created = await app.inject({ method: 'POST', url: '/v1/admin/webhooks', headers: admin.auth, payload: { url, events: ['*'] } })
    t.equal(created.statusCode, 201, url)
    const fired = await app.inject({ method: 'POST', url: `/v1/admin/webhooks/${created.json().data.id}/test`, headers: admin.auth })
    t.match(fired.json().data, { ok: true, status: 200, error: null }, url)
    t.equal(receiver.received.length, index + 1, `${url} reached the receiver`)
  }
})

t.test('the guarded request (for any server-side fetch): refusals are typed; redirects are followed only when asked', async (t) => {
  const hits: string[] = []
  const server = http.createServer((req, res) => {
    hits.push(req.url ?? '')
    if (req.url === '/from') res.writeHead(302, { location: '/to' }).end()
    else res.end('arrived')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())))
  const port = (server.address() as AddressInfo).port
  for (const [url, problem] of [
    [`http://[::ffff:7f00:1]:${port}/from`, 'private'],
    [`http://localhost:${port}/from`, 'private'],
    [`http://2130706433:${port}/from`, 'private'],
    [`https://[::ffff:7f00:1]:${port}/from`, 'private'],
    [`https://localhost:${port}/from`, 'private'],
    ['ftp://example.com/file', 'scheme'],
    ['http://a%25b.example/', 'unparseable'],
  ] as const) {
    const error = await guardedRequest(url, { allowPrivate: false, timeoutMs: 5000 }).catch((e: unknown) => e)
    t.ok(error instanceof TargetRefused, url)
    t.equal((error as TargetRefused).problem, problem, url)
  }
  t.same(hits, [], 'nothing connected')
  const direct = await guardedRequest(`http://127.0.0.1:${port}/from`, { allowPrivate: true, timeoutMs: 5000 })
  t.equal(direct.status, 302, 'a redirect is returned as it is by default')
  const followed = await guardedRequest(`http://127.0.0.1:${port}/from`, { allowPrivate: true, timeoutMs: 5000, maxRedirects: 1, maxResponseBytes: 100 })
  t.match(followed, { status: 200, url: `http://127.0.0.1:${port}/to` })
  t.equal(followed.body.toString(), 'arrived')
  const tooBig = await guardedRequest(`http://127.0.0.1:${port}/to`, { allowPrivate: true, timeoutMs: 5000, maxResponseBytes: 3 }).catch((e: unknown) => e)
  t.match(tooBig, { message: 'the answer is larger than 3 bytes' })
  t.same(hits, ['/from', '/from', '/to', '/to'])
})
