import t from 'tap'
import { ConfigError, loadConfig, withEmbeddedSecrets } from '../src/config.js'

t.test('defaults: embedded database, port 3000, seed on', async (t) => {
  const config = loadConfig({})
  t.equal(config.port, 3000)
  t.equal(config.database.kind, 'pglite')
  t.equal(config.seed, true)
  t.equal(config.publicUrl, 'http://localhost:3000')
  t.equal(config.trustProxy, false)
  t.same(config.corsOrigins, [])
  t.equal(config.admin, undefined)
})

t.test('SEED: demo content by default only on the embedded database; with DATABASE_URL only when asked', async (t) => {
  const production = { DATABASE_URL: 'postgres://u@db:5432/news', JWT_SECRET: 'k'.repeat(32) }
  t.equal(loadConfig({}).seed, true, 'embedded default: the demo site')
  t.equal(loadConfig({ SEED: 'false' }).seed, false)
  t.equal(loadConfig(production).seed, false, 'DATABASE_URL: no demo content, no generated admin')
  t.equal(loadConfig({ ...production, SEED: '' }).seed, false, 'docker compose passes SEED empty when unset')
  t.equal(loadConfig({ ...production, SEED: 'true' }).seed, true, 'unless SEED=true')
  t.equal(loadConfig({ ...production, SEED: 'false' }).seed, false)
  t.throws(() => loadConfig({ ...production, SEED: 'maybe' }), /SEED must be true or false/)
})

t.test('values are parsed', async (t) => {
  const config = loadConfig({
    PORT: '8080',
    DATABASE_URL: 'postgres://u@db:5432/news',
    JWT_SECRET: 'k'.repeat(32),
    SEED: 'false',
    CORS_ORIGINS: 'https://a.example, https://b.example',
    PUBLIC_URL: 'https://api.example/',
    TRUST_PROXY: '2',
    ADMIN_EMAIL: 'boss@example.com',
    ADMIN_PASSWORD: 'long-enough-password',
  })
  t.equal(config.port, 8080)
  t.same(config.database, { kind: 'postgres', url: 'postgres://u@db:5432/news', poolSize: 10, timeoutMs: 10000 })
  t.equal(config.seed, false)
  t.same(config.corsOrigins, ['https://a.example', 'https://b.example'])
  t.equal(config.publicUrl, 'https://api.example')
  t.equal(config.trustProxy, 2)
  t.same(config.admin, { email: 'boss@example.com', password: 'long-enough-password' })
  t.same(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }).trustProxy, ['10.0.0.0/8', '127.0.0.1'])
  t.equal(loadConfig({ CORS_ORIGINS: '*' }).corsOrigins, '*')
})

t.test('every bad variable is named in one error', async (t) => {
  const error = t.throws(() =>
    loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', SEED: 'maybe', LOG_LEVEL: 'loud', ADMIN_EMAIL: 'not-an-email', ADMIN_PASSWORD: 'longenoughpassword' }),
  ) as ConfigError
  t.ok(error instanceof ConfigError)
  t.equal(error.problems.length, 5)
  for (const name of ['PORT', 'DATABASE_URL', 'SEED', 'LOG_LEVEL', 'ADMIN_EMAIL']) t.match(error.message, name)
  t.match(error.message, /PORT must be an integer >= 0 and <= 65535 \(got "eighty"\)/)
})

t.test('ADMIN_EMAIL and ADMIN_PASSWORD go together', async (t) => {
  t.throws(() => loadConfig({ ADMIN_EMAIL: 'a@example.com' }), /ADMIN_EMAIL and ADMIN_PASSWORD must be set together/)
})

t.test('JWT_SECRET: required with DATABASE_URL, generated once and kept on the embedded default', async (t) => {
  t.throws(() => loadConfig({ DATABASE_URL: 'postgres://u@db/news' }), /JWT_SECRET is required when DATABASE_URL is set/)
  t.throws(() => loadConfig({ JWT_SECRET: 'short' }), /JWT_SECRET must be a string of at least 32 characters/)
  const { mkdtempSync, rmSync, readFileSync } = await import('node:fs')
  const { tmpdir } = await import('node:os')
  const path = await import('node:path')
  const dir = mkdtempSync(path.join(tmpdir(), 'newsroom-secret-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const first = withEmbeddedSecrets(loadConfig({ DATA_DIR: dir }))
  const second = withEmbeddedSecrets(loadConfig({ DATA_DIR: dir }))
  t.ok(first.auth.jwtSecret && first.auth.jwtSecret.length >= 32)
  t.equal(second.auth.jwtSecret, first.auth.jwtSecret, 'the same key after a restart')
  t.equal(readFileSync(path.join(dir, 'jwt-secret'), 'utf8'), first.auth.jwtSecret)
  const configured = withEmbeddedSecrets(loadConfig({ DATA_DIR: dir, JWT_SECRET: 'c'.repeat(40) }))
  t.equal(configured.auth.jwtSecret, 'c'.repeat(40), 'a configured key wins')
})

t.test('OUTBOX_RETENTION_DAYS: 30 by default, at least 8 (a dedupe key stops a repeat only while its job is kept)', async (t) => {
  t.equal(loadConfig({}).outbox.retentionDays, 30)
  t.equal(loadConfig({ OUTBOX_RETENTION_DAYS: '8' }).outbox.retentionDays, 8)
  const error = t.throws(() => loadConfig({ OUTBOX_RETENTION_DAYS: '7' })) as ConfigError
  t.match(error.message, /OUTBOX_RETENTION_DAYS must be an integer >= 8 and <= 3650 \(got "7"\)/)
})
