import t from 'tap'
import { mkdtempSync, rmSync } from 'node:fs'
import net from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { createTestDatabase } from './helpers/database.js'
import { startServer } from './helpers/server-process.js'
import { startSmtpServer } from './helpers/smtp.js'

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(50)
  }
}

t.test('a process killed between signup and delivery: the email still goes out after restart', async (t) => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'newsroom-crash-'))
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }))
  // Embedded PGlite in DATA_DIR by default; a fresh PostgreSQL database when the suite runs on one.
  const testDb = process.env.TEST_DATABASE_URL ? await createTestDatabase() : undefined
  if (testDb) t.teardown(() => testDb.destroy())
  const database: Record<string, string> = testDb ? { DATABASE_URL: testDb.url! } : {}

  // An SMTP server that accepts connections and never answers: the first delivery hangs.
  let connections = 0
  const sockets: net.Socket[] = []
  const hanging = net.createServer((socket) => {
    connections++
    sockets.push(socket)
  })
  await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve))
  t.teardown(() => {
    for (const s of sockets) s.destroy()
    hanging.close()
  })
  const hangingUrl = `smtp://127.0.0.1:${(hanging.address() as net.AddressInfo).port}/?ignoreTLS=true`

  const env = {
    DATA_DIR: dataDir,
    JWT_SECRET: 'crash-test-secret-that-is-long-enough-000000',
    SEED: 'false',
    OUTBOX_POLL_MS: '100',
    OUTBOX_LEASE_MS: '1500',
    NEWSLETTER_RESPONSE_FLOOR_MS: '0',
    ...database,
  }
  const first = await startServer({ ...env, SMTP_URL: hangingUrl })
  t.teardown(() => first.stop('SIGKILL'))
  const signup = await fetch(`${first.url}/v1/newsletter/subscriptions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'survivor@example.com' }),
  })
  t.equal(signup.status, 202)
  await until(() => connections > 0, 10_000, 'the worker to start delivering')
  t.equal(await first.stop('SIGKILL'), null, 'killed mid-delivery')

  const smtp = await startSmtpServer()
  t.teardown(() => smtp.close())
  const second = await startServer({ ...env, SMTP_URL: smtp.url })
  t.teardown(() => second.stop('SIGKILL'))
  await until(() => smtp.received.length > 0, 20_000, 'the email after the restart')
  await sleep(500)
  t.equal(smtp.received.length, 1, 'delivered once')
  t.same(smtp.received[0]!.to, ['survivor@example.com'])
  t.equal(await second.stop(), 0)
})
