import t from 'tap'
import { eq } from 'drizzle-orm'
import { buildApp } from '../../src/app.js'
import { refreshTokens } from '../../src/db/schema/index.js'
import { assertProblem } from '../helpers/assertions.js'
import { createUser, type TestUser } from '../helpers/auth.js'
import { build, testConfig, type TestApp } from '../helpers/build.js'
import { createTestDatabase } from '../helpers/database.js'
import { startServer } from '../helpers/server-process.js'

/** An access token ends with its session (the login), not only at its expiry. */

interface Tokens {
  access_token: string
  refresh_token: string
}

const bearer = (tokens: Tokens) => ({ authorization: `Bearer ${tokens.access_token}` })
const sidOf = (tokens: Tokens) => JSON.parse(Buffer.from(tokens.access_token.split('.')[1]!, 'base64url').toString()).sid as string

async function login(app: TestApp, user: TestUser): Promise<Tokens> {
  const res = await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: user.email, password: user.password } })
  t.equal(res.statusCode, 200, 'logged in')
  return res.json()
}

async function works(app: { inject: TestApp['inject'] }, tokens: Tokens): Promise<number> {
  const me = await app.inject({ method: 'GET', url: '/v1/auth/me', headers: bearer(tokens) })
  const admin = await app.inject({ method: 'GET', url: '/v1/admin/articles', headers: bearer(tokens) })
  t.equal(me.statusCode, admin.statusCode, '/me and an admin route agree')
  if (me.statusCode === 401) assertProblem(t, me, 401, 'INVALID_TOKEN')
  return me.statusCode
}

t.test('logout ends the access tokens of that session at once; the same user’s other sessions go on', async (t) => {
  const app = await build(t)
  const user = await createUser(app, 'editor')
  const phone = await login(app, user)
  const laptop = await login(app, user)
  t.not(sidOf(phone), sidOf(laptop), 'each login is its own session')
  t.equal(await works(app, phone), 200)

  t.equal((await app.inject({ method: 'POST', url: '/v1/auth/logout', payload: { refresh_token: phone.refresh_token } })).statusCode, 204)
  t.equal(await works(app, phone), 401, 'the logged-out access token is refused before it expires')
  t.equal(await works(app, laptop), 200, 'the other session is untouched')
  t.equal(await works(app, { access_token: user.token, refresh_token: '' }), 200, 'and so is a third one')
  assertProblem(t, await app.inject({ method: 'POST', url: '/v1/auth/refresh', payload: { refresh_token: phone.refresh_token } }), 401, 'INVALID_REFRESH_TOKEN')
})

t.test('a reused refresh token ends every access token of its login, old and new; other logins go on', async (t) => {
  const app = await build(t)
  const user = await createUser(app, 'author')
  const first = await login(app, user)
  const other = await login(app, user)
  const rotated = (await app.inject({ method: 'POST', url: '/v1/auth/refresh', payload: { refresh_token: first.refresh_token } })).json() as Tokens
  t.equal(sidOf(rotated), sidOf(first), 'a refresh continues the session')
  t.equal(await works(app, first), 200, 'the earlier access token of the session still works')
  t.equal(await works(app, rotated), 200)

  // The first refresh token presented again: it was stolen. The whole login is revoked.
  assertProblem(t, await app.inject({ method: 'POST', url: '/v1/auth/refresh', payload: { refresh_token: first.refresh_token } }), 401, 'INVALID_REFRESH_TOKEN')
  t.equal(await works(app, first), 401, "the thief's copy of the access token is refused")
  t.equal(await works(app, rotated), 401, 'and so is the newest one of that login')
  t.equal(await works(app, other), 200, 'another login of the same user goes on')
  const rows = await app.database.db.select().from(refreshTokens).where(eq(refreshTokens.familyId, sidOf(first)))
  t.ok(rows.length === 2 && rows.every((r) => r.revokedAt !== null), 'the family is revoked in the database')
})

t.test('two app instances on one database agree at once (nothing is remembered in a process)', async (t) => {
  const app = await build(t)
  const second = await buildApp({ config: testConfig({}, app.dataDir), database: app.testDb.database, logger: false })
  t.teardown(() => second.close())
  const user = await createUser(app, 'contributor')
  const tokens = await login(app, user)
  t.equal(await works(second, tokens), 200)
  t.equal((await second.inject({ method: 'POST', url: '/v1/auth/logout', payload: { refresh_token: tokens.refresh_token } })).statusCode, 204)
  t.equal(await works(app, tokens), 401, 'refused by the instance that did not see the logout')
  t.equal(await works(second, tokens), 401)
})

t.test('two API processes on one PostgreSQL agree at once', { skip: process.env.TEST_DATABASE_URL ? false : 'needs TEST_DATABASE_URL (PGlite is one process by design)' }, async (t) => {
  const db = await createTestDatabase()
  t.teardown(() => db.destroy())
  const env = { DATABASE_URL: db.url!, JWT_SECRET: 'session-test-secret-long-enough-0000000000', ADMIN_EMAIL: 'chief@example.com', ADMIN_PASSWORD: 'session-test-password', SEED: 'false' }
  const [a, b] = await Promise.all([startServer(env), startServer(env)])
  t.teardown(() => Promise.all([a.stop('SIGKILL'), b.stop('SIGKILL')]))
  const post = (base: string, path: string, body: unknown) => fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  const me = async (base: string, tokens: Tokens) => (await fetch(`${base}/v1/auth/me`, { headers: bearer(tokens) })).status
  const tokens = (await (await post(a.url, '/v1/auth/login', { email: 'chief@example.com', password: 'session-test-password' })).json()) as Tokens
  const other = (await (await post(a.url, '/v1/auth/login', { email: 'chief@example.com', password: 'session-test-password' })).json()) as Tokens
  t.equal(await me(b.url, tokens), 200, 'B accepts a token A issued')
  t.equal((await post(b.url, '/v1/auth/logout', { refresh_token: tokens.refresh_token })).status, 204)
  t.equal(await me(a.url, tokens), 401, 'A refuses it right after B logged it out')
  t.equal(await me(b.url, tokens), 401)
  t.equal(await me(a.url, other), 200, 'the other session works on A')
  t.equal(await me(b.url, other), 200, 'and on B')
})
