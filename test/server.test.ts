import t from 'tap'
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { startServer } from './helpers/server-process.js'
import { createTestDatabase } from './helpers/database.js'
import { users } from '../src/db/schema/index.js'

t.test('first start: migrations, demo content, a printed admin account; restarts keep sessions', async (t) => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'newsroom-server-'))
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }))
  const env = { DATA_DIR: dataDir }

  const first = await startServer(env)
  t.teardown(() => first.stop('SIGKILL'))
  const printed = /email:\s+(\S+)\s+password:\s+(\S+)/.exec(first.output())
  t.ok(printed, 'the demo admin credentials are printed once')
  const [, email, password] = printed!
  t.equal(email, 'admin@example.com')
  t.equal(statSync(path.join(dataDir, 'jwt-secret')).mode & 0o777, 0o600, 'the generated JWT key is private')

  const login = await fetch(`${first.url}/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) })
  t.equal(login.status, 200)
  const { access_token: token } = (await login.json()) as { access_token: string }
  const me = (await (await fetch(`${first.url}/v1/auth/me`, { headers: { authorization: `Bearer ${token}` } })).json()) as { data: { role: string; author: { slug: string } } }
  t.match(me.data, { role: 'admin', author: { slug: 'the-defence-times' } })
  const articles = (await (await fetch(`${first.url}/v1/articles`)).json()) as { meta: { total: number } }
  t.equal(articles.meta.total, 18)
  t.equal(await first.stop(), 0, 'SIGTERM: a clean exit')
  t.notOk(existsSync(path.join(dataDir, 'server.lock')), 'the data directory lock is released')

  const second = await startServer(env)
  t.teardown(() => second.stop('SIGKILL'))
  t.notMatch(second.output(), /password:/, 'no new account on restart')
  const again = await fetch(`${second.url}/v1/auth/me`, { headers: { authorization: `Bearer ${token}` } })
  t.equal(again.status, 200, 'the access token from before the restart still works')
  t.equal(await second.stop(), 0)
})

t.test('ADMIN_EMAIL/ADMIN_PASSWORD make the first admin; SEED=false loads nothing', async (t) => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'newsroom-server-'))
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }))
  const server = await startServer({ DATA_DIR: dataDir, SEED: 'false', ADMIN_EMAIL: 'chief@example.com', ADMIN_PASSWORD: 'a-configured-password' })
  t.teardown(() => server.stop('SIGKILL'))
  t.notMatch(server.output(), /password:/)
  const login = await fetch(`${server.url}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'chief@example.com', password: 'a-configured-password' }),
  })
  t.equal(login.status, 200)
  const articles = (await (await fetch(`${server.url}/v1/articles`)).json()) as { meta: { total: number } }
  t.equal(articles.meta.total, 0)
  t.equal(await server.stop(), 0)
})

t.test('a bad configuration stops the boot naming every bad variable', async (t) => {
  const error = await startServer({ PORT: 'eighty', DATABASE_URL: 'postgres://x@127.0.0.1:1/x', LOG_LEVEL: 'loud' }).then(
    () => null,
    (e: Error) => e,
  )
  t.ok(error)
  t.match(error!.message, /exited with 1/)
  t.match(error!.message, /PORT must be/)
  t.match(error!.message, /LOG_LEVEL must be/)
  const noSecret = await startServer({ DATABASE_URL: 'postgres://x@127.0.0.1:1/x' }).then(
    () => null,
    (e: Error) => e,
  )
  t.match(noSecret!.message, /JWT_SECRET is required when DATABASE_URL is set/)
})

t.test('a production start (DATABASE_URL): no demo content, no generated admin, a warning without SMTP_URL', { skip: process.env.TEST_DATABASE_URL ? false : 'needs TEST_DATABASE_URL (a real PostgreSQL)' }, async (t) => {
  const db = await createTestDatabase()
  t.teardown(() => db.destroy())
  const dataDir = mkdtempSync(path.join(tmpdir(), 'newsroom-server-'))
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }))
  const server = await startServer({ DATA_DIR: dataDir, DATABASE_URL: db.url!, JWT_SECRET: 'p'.repeat(64) })
  t.teardown(() => server.stop('SIGKILL'))
  t.notMatch(server.output(), /password:/, 'no account printed')
  t.match(server.output(), /No user account exists\. Set ADMIN_EMAIL and ADMIN_PASSWORD/, 'it says how to make the first account')
  t.match(server.output(), /SMTP_URL is not set: no email is sent/, 'and that no email will go out')
  t.same(await db.database.db.select().from(users), [], 'no admin was created')
  const articles = (await (await fetch(`${server.url}/v1/articles`)).json()) as { meta: { total: number } }
  t.equal(articles.meta.total, 0, 'no demo articles')
  const sections = (await (await fetch(`${server.url}/v1/sections`)).json()) as { data: unknown[] }
  t.same(sections.data, [], 'no demo sections')
  t.equal(await server.stop(), 0)
})
