import t from 'tap'
import { eq } from 'drizzle-orm'
import { refreshTokens, users } from '../../src/db/schema/index.js'
import { assertProblem } from '../helpers/assertions.js'
import { createUser } from '../helpers/auth.js'
import { build } from '../helpers/build.js'
import { craftJwt } from '../helpers/jwt.js'

const SECRET = 'test-secret-that-is-long-enough-for-hs256-0123456789'
const now = () => Math.floor(Date.now() / 1000)

t.test('login returns an OAuth 2-shaped token response; /me answers with it', async (t) => {
  const app = await build(t)
  const user = await createUser(app, 'editor')
  const res = await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: user.email.toUpperCase(), password: user.password } })
  t.equal(res.statusCode, 200)
  t.equal(res.headers['cache-control'], 'private, no-store')
  const body = res.json()
  t.same(Object.keys(body).sort(), ['access_token', 'expires_in', 'refresh_token', 'token_type'])
  t.equal(body.token_type, 'Bearer')
  t.equal(body.expires_in, 900)
  const [header, payload] = body.access_token.split('.').slice(0, 2).map((p: string) => JSON.parse(Buffer.from(p, 'base64url').toString()))
  t.match(header, { alg: 'HS256', typ: 'JWT' })
  t.match(payload, { sub: user.id, role: 'editor', aud: 'newsroom:access' })
  t.ok(payload.exp - payload.iat === 900, 'expires in 15 minutes')
  const me = await app.inject({ method: 'GET', url: '/v1/auth/me', headers: { authorization: `Bearer ${body.access_token}` } })
  t.equal(me.statusCode, 200)
  t.match(me.json().data, { id: user.id, email: user.email, role: 'editor', disabled: false })
  t.notOk('password_hash' in me.json().data)
  t.notMatch(me.body, /argon2/)
  const [row] = await app.database.db.select().from(users).where(eq(users.id, user.id))
  t.ok(row!.lastLoginAt, 'last login recorded')
  t.match(row!.passwordHash, /^\$argon2id\$/)
})

t.test('wrong password, unknown email and disabled account are indistinguishable', async (t) => {
  const app = await build(t)
  const user = await createUser(app, 'author')
  const disabled = await createUser(app, 'author')
  await app.database.db.update(users).set({ disabled: true }).where(eq(users.id, disabled.id))
  const bodies = []
  for (const payload of [
    { email: user.email, password: 'wrong-password' },
    { email: 'nobody@example.com', password: 'whatever-password' },
    { email: disabled.email, password: disabled.password },
  ]) {
    const res = await app.inject({ method: 'POST', url: '/v1/auth/login', payload })
    const body = assertProblem(t, res, 401, 'INVALID_CREDENTIALS')
    bodies.push({ ...body, requestId: undefined })
  }
  t.same(bodies[0], bodies[1])
  t.same(bodies[1], bodies[2])
})

t.test('failed logins are throttled per account (429 + Retry-After), even for the right password', async (t) => {
  const app = await build(t)
  const user = await createUser(app, 'author')
  for (let i = 0; i < 5; i++) {
    const res = await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: user.email, password: `wrong-${i}` }, remoteAddress: `10.0.0.${i + 1}` })
    t.equal(res.statusCode, 401, `failure ${i + 1} is a 401`)
  }
  const blocked = await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: user.email, password: user.password }, remoteAddress: '10.0.1.1' })
  const body = assertProblem(t, blocked, 429, 'RATE_LIMITED')
  t.ok(Number(blocked.headers['retry-after']) > 0 && Number(blocked.headers['retry-after']) <= 900)
  t.equal(body.retry_after, Number(blocked.headers['retry-after']))
  const unknown = await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: 'ghost@example.com', password: 'x' }, remoteAddress: '10.0.2.1' })
  t.equal(unknown.statusCode, 401, 'other accounts are not affected')
})

t.test('failed logins are throttled per IP across accounts', async (t) => {
  const app = await build(t, { env: { LOGIN_IP_LIMIT: '4' } })
  const user = await createUser(app, 'author')
  for (let i = 0; i < 4; i++) {
    const res = await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: `nobody${i}@example.com`, password: 'x' }, remoteAddress: '192.0.2.7' })
    t.equal(res.statusCode, 401)
  }
  const blocked = await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: user.email, password: user.password }, remoteAddress: '192.0.2.7' })
  assertProblem(t, blocked, 429, 'RATE_LIMITED')
  const elsewhere = await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: user.email, password: user.password }, remoteAddress: '192.0.2.8' })
  t.equal(elsewhere.statusCode, 200, 'another IP still logs in')
})

t.test('refresh tokens rotate; a reused one revokes the whole family', async (t) => {
  const app = await build(t)
  const user = await createUser(app, 'editor')
  const login = (await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: user.email, password: user.password } })).json()
  const first = await app.inject({ method: 'POST', url: '/v1/auth/refresh', payload: { refresh_token: login.refresh_token } })
  t.equal(first.statusCode, 200)
  const rotated = first.json()
  t.not(rotated.refresh_token, login.refresh_token)
  const [stored] = await app.database.db.select().from(refreshTokens).where(eq(refreshTokens.userId, user.id)).limit(1)
  t.notMatch(JSON.stringify(stored), login.refresh_token, 'only hashes are stored')

  const replay = await app.inject({ method: 'POST', url: '/v1/auth/refresh', payload: { refresh_token: login.refresh_token } })
  assertProblem(t, replay, 401, 'INVALID_REFRESH_TOKEN')
  t.match(replay.json().detail, /already used/)
  const stolen = await app.inject({ method: 'POST', url: '/v1/auth/refresh', payload: { refresh_token: rotated.refresh_token } })
  assertProblem(t, stolen, 401, 'INVALID_REFRESH_TOKEN')
  const rows = await app.database.db.select().from(refreshTokens).where(eq(refreshTokens.userId, user.id))
  const family = rows.filter((r) => r.familyId !== user.sessionId)
  t.ok(family.length === 2 && family.every((r) => r.revokedAt !== null), 'the family is revoked')
  t.equal(rows.find((r) => r.familyId === user.sessionId)?.revokedAt, null, 'another session of the user is not')

  assertProblem(t, await app.inject({ method: 'POST', url: '/v1/auth/refresh', payload: { refresh_token: 'x'.repeat(43) } }), 401, 'INVALID_REFRESH_TOKEN')
  assertProblem(t, await app.inject({ method: 'POST', url: '/v1/auth/refresh', payload: {} }), 400, 'VALIDATION_FAILED')
})

t.test('logout revokes the session and is idempotent', async (t) => {
  const app = await build(t)
  const user = await createUser(app, 'author')
  const login = (await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: user.email, password: user.password } })).json()
  const out = await app.inject({ method: 'POST', url: '/v1/auth/logout', payload: { refresh_token: login.refresh_token } })
  t.equal(out.statusCode, 204)
  t.equal(out.body, '')
  t.equal((await app.inject({ method: 'POST', url: '/v1/auth/logout', payload: { refresh_token: login.refresh_token } })).statusCode, 204)
  assertProblem(t, await app.inject({ method: 'POST', url: '/v1/auth/refresh', payload: { refresh_token: login.refresh_token } }), 401, 'INVALID_REFRESH_TOKEN')
})

t.test('changing the password ends every other session', async (t) => {
  const app = await build(t)
  const user = await createUser(app, 'author')
  const login = (await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: user.email, password: user.password } })).json()
  const auth = { authorization: `Bearer ${login.access_token}` }
  assertProblem(t, await app.inject({ method: 'POST', url: '/v1/auth/password', headers: auth, payload: { current_password: 'wrong', new_password: 'a-new-long-password' } }), 401, 'INVALID_CREDENTIALS')
  assertProblem(t, await app.inject({ method: 'POST', url: '/v1/auth/password', headers: auth, payload: { current_password: user.password, new_password: 'short' } }), 400, 'VALIDATION_FAILED')
  const changed = await app.inject({ method: 'POST', url: '/v1/auth/password', headers: auth, payload: { current_password: user.password, new_password: 'a-new-long-password' } })
  t.equal(changed.statusCode, 200)
  assertProblem(t, await app.inject({ method: 'GET', url: '/v1/auth/me', headers: auth }), 401, 'INVALID_TOKEN')
  assertProblem(t, await app.inject({ method: 'POST', url: '/v1/auth/refresh', payload: { refresh_token: login.refresh_token } }), 401, 'INVALID_REFRESH_TOKEN')
  t.equal((await app.inject({ method: 'GET', url: '/v1/auth/me', headers: { authorization: `Bearer ${changed.json().access_token}` } })).statusCode, 200)
  t.equal((await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: user.email, password: 'a-new-long-password' } })).statusCode, 200)
  t.equal((await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: user.email, password: user.password } })).statusCode, 401)
})

t.test('every JWT failure is a 401 problem, never a 500', async (t) => {
  const app = await build(t)
  const user = await createUser(app, 'admin')
  const claims = { sub: user.id, role: 'admin', sev: 1, sid: user.sessionId, aud: 'newsroom:access', iat: now() }
  const preview = app.previews.sign(user.id).token
  const cases: [string, string | undefined][] = [
    ['no header', undefined],
    ['not bearer', `Basic ${Buffer.from('a:b').toString('base64')}`],
    ['malformed', 'Bearer not.a.jwt'],
    ['garbage', 'Bearer !!!'],
    ['expired', `Bearer ${craftJwt({ alg: 'HS256', typ: 'JWT' }, { ...claims, exp: now() - 10 }, { hmac: SECRET })}`],
    ['no exp', `Bearer ${craftJwt({ alg: 'HS256', typ: 'JWT' }, claims, { hmac: SECRET })}`],
    ['no sub', `Bearer ${craftJwt({ alg: 'HS256', typ: 'JWT' }, { ...claims, sub: undefined, exp: now() + 60 }, { hmac: SECRET })}`],
    ['wrong key', `Bearer ${craftJwt({ alg: 'HS256', typ: 'JWT' }, { ...claims, exp: now() + 60 }, { hmac: 'another-secret-of-sufficient-length-000000' })}`],
    ['alg none', `Bearer ${craftJwt({ alg: 'none', typ: 'JWT' }, { ...claims, exp: now() + 60 }, { none: true })}`],
    ['RS256 (algorithm confusion)', `Bearer ${craftJwt({ alg: 'RS256', typ: 'JWT' }, { ...claims, exp: now() + 60 }, { rsa: true })}`],
    ['HS512 with the right key', `Bearer ${craftJwt({ alg: 'HS512', typ: 'JWT' }, { ...claims, exp: now() + 60 }, { hmac: SECRET, algorithm: 'sha512' })}`],
    ['preview token as access token', `Bearer ${preview}`],
    ['wrong session epoch', `Bearer ${craftJwt({ alg: 'HS256', typ: 'JWT' }, { ...claims, sev: 2, exp: now() + 60 }, { hmac: SECRET })}`],
    ['unknown user', `Bearer ${craftJwt({ alg: 'HS256', typ: 'JWT' }, { ...claims, sub: '00000000-0000-4000-8000-000000000000', exp: now() + 60 }, { hmac: SECRET })}`],
    ['no session id (issued before sessions ended tokens)', `Bearer ${craftJwt({ alg: 'HS256', typ: 'JWT' }, { ...claims, sid: undefined, exp: now() + 60 }, { hmac: SECRET })}`],
    ['unknown session', `Bearer ${craftJwt({ alg: 'HS256', typ: 'JWT' }, { ...claims, sid: '00000000-0000-4000-8000-000000000000', exp: now() + 60 }, { hmac: SECRET })}`],
    ['a session id that is not a uuid', `Bearer ${craftJwt({ alg: 'HS256', typ: 'JWT' }, { ...claims, sid: "x' or 1=1 --", exp: now() + 60 }, { hmac: SECRET })}`],
    ['a subject that is not a uuid', `Bearer ${craftJwt({ alg: 'HS256', typ: 'JWT' }, { ...claims, sub: 'admin', exp: now() + 60 }, { hmac: SECRET })}`],
  ]
  for (const [name, header] of cases) {
    const res = await app.inject({ method: 'GET', url: '/v1/admin/users', headers: header ? { authorization: header } : {} })
    t.equal(res.statusCode, 401, name)
    t.match(res.headers['content-type'], /problem\+json/, name)
    t.match(res.json().code, /^(UNAUTHORIZED|INVALID_TOKEN)$/, name)
    t.notMatch(res.body, /FAST_JWT|FST_JWT|stack/, name)
  }
  const valid = `Bearer ${craftJwt({ alg: 'HS256', typ: 'JWT' }, { ...claims, exp: now() + 60 }, { hmac: SECRET })}`
  t.equal((await app.inject({ method: 'GET', url: '/v1/admin/users', headers: { authorization: valid } })).statusCode, 200, 'the control token works')
})
