import t from 'tap'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { SMTPServer } from 'smtp-server'
import type { AddressInfo } from 'node:net'
import { createTestDatabase } from './helpers/database.js'
import { startServer, type ServerProcess } from './helpers/server-process.js'

/**
 * Issue 18 §4: a server killed in the middle of a newsletter send. Its recipients are delivered
 * after the restart (on PostgreSQL by two servers at once), every one exactly once.
 */
async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(100)
  }
}

/** A real SMTP sink; `hangAfter` newsletter messages it stops answering (the sender waits forever). */
async function sink(hangAfter = Number.POSITIVE_INFINITY) {
  const newsletters: string[] = []
  const confirmations: string[] = []
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('end', () => {
        const to = session.envelope.rcptTo[0]!.address
        if (/^Subject: Confirm your subscription/m.test(Buffer.concat(chunks).toString('utf8'))) {
          confirmations.push(to)
          callback()
        } else if (newsletters.length < hangAfter) {
          newsletters.push(to)
          callback()
        } // else: no answer, ever
      })
    },
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { url: `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}/?ignoreTLS=true`, newsletters, confirmations, close: () => server.close(() => {}) }
}

const RECIPIENTS = 24

t.test('killed mid-send: after the restart every recipient gets the article exactly once', async (t) => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'newsroom-send-crash-'))
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }))
  const testDb = process.env.TEST_DATABASE_URL ? await createTestDatabase() : undefined
  if (testDb) t.teardown(() => testDb.destroy())
  const env = {
    DATA_DIR: dataDir,
    JWT_SECRET: 'send-crash-test-secret-that-is-long-enough-0',
    SEED: 'true',
    ADMIN_EMAIL: 'chief@example.com',
    ADMIN_PASSWORD: 'send-crash-password',
    OUTBOX_POLL_MS: '100',
    OUTBOX_LEASE_MS: '3000',
    NEWSLETTER_RESPONSE_FLOOR_MS: '0',
    NEWSLETTER_RATE_IP: '1000',
    ...(testDb ? { DATABASE_URL: testDb.url! } : {}),
  }
  const first = await sink(8)
  t.teardown(() => first.close())
  const a = await startServer({ ...env, SMTP_URL: first.url })
  t.teardown(() => a.stop('SIGKILL'))
  const post = (server: ServerProcess, url: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${server.url}${url}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) })

  const login = (await (await post(a, '/v1/auth/login', { email: 'chief@example.com', password: 'send-crash-password' })).json()) as { access_token: string }
  const auth = { authorization: `Bearer ${login.access_token}` }
  for (let i = 0; i < RECIPIENTS; i++) t.equal((await post(a, '/v1/newsletter/subscriptions', { email: `reader${i}@example.com` })).status, 202)
  await until(() => first.confirmations.length === RECIPIENTS, 30_000, 'the confirmation emails')
  const outbox = (await (await fetch(`${a.url}/v1/admin/outbox?topic=email.send&limit=100`, { headers: auth })).json()) as { data: { text: string }[] }
  for (const mail of outbox.data) {
    const token = /\/newsletter\/confirm\?token=([A-Za-z0-9._-]+)/.exec(mail.text)![1]
    t.equal((await post(a, '/v1/newsletter/confirm', { token })).status, 200)
  }
  const [article] = ((await (await fetch(`${a.url}/v1/articles?limit=1`)).json()) as { data: { id: string }[] }).data
  const queued = await post(a, `/v1/admin/articles/${article!.id}/newsletter`, {}, auth)
  t.equal(queued.status, 202)
  const send = ((await queued.json()) as { data: { id: string } }).data
  const progress = async (server: ServerProcess) =>
    ((await (await fetch(`${server.url}/v1/admin/newsletter/sends/${send.id}`, { headers: auth })).json()) as { data: { status: string; recipients: number; delivered: number; queued: number } }).data

  // Eight accepted (and recorded), the next ones hang in the SMTP conversation: kill it there.
  await until(async () => (await progress(a)).delivered === 8, 30_000, 'eight deliveries')
  t.match(await progress(a), { status: 'sending', recipients: RECIPIENTS, delivered: 8 })
  t.equal(await a.stop('SIGKILL'), null, 'killed mid-send')

  const second = await sink()
  t.teardown(() => second.close())
  // On PostgreSQL two servers take over at once (SKIP LOCKED); PGlite allows one process.
  const takeover = testDb ? [env, env] : [env]
  const servers = await Promise.all(takeover.map((e) => startServer({ ...e, SMTP_URL: second.url })))
  t.teardown(() => Promise.all(servers.map((s) => s.stop('SIGKILL'))))
  await until(async () => (await progress(servers[0]!)).status === 'sent', 60_000, 'the send to finish')
  await sleep(500)
  const all = [...first.newsletters, ...second.newsletters]
  t.equal(all.length, RECIPIENTS, 'none lost, none twice')
  t.equal(new Set(all).size, RECIPIENTS)
  t.match(await progress(servers[0]!), { status: 'sent', recipients: RECIPIENTS, delivered: RECIPIENTS, queued: 0 })
  for (const s of servers) t.equal(await s.stop(), 0)
})
