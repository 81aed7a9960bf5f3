import t from 'tap'
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { createDatabase } from '../src/db/client.js'
import { seedDemoContent } from '../src/seed/seed.js'
import { createManualClock } from '../src/lib/clock.js'
import { createStorage } from '../src/services/storage.js'
import { createUser } from './helpers/auth.js'
import { build, testConfig } from './helpers/build.js'
import { createTestDatabase } from './helpers/database.js'
import { freePort } from './helpers/redis.js'

/**
 * DATABASE_READ_URL on real PostgreSQL. The "replica" is a second database holding a copy of the
 * same content that never receives the primary's later writes — an infinitely lagging replica —
 * so which database answered is visible in the answer itself, and pg_stat_activity shows which
 * pool's connections ran the queries.
 */
const LAG_MS = 1000

t.test('public anonymous reads go to the replica; writes, authenticated reads and reads right after a change go to the primary', { skip: process.env.TEST_DATABASE_URL ? false : 'needs TEST_DATABASE_URL (the embedded database has no replica)' }, async (t) => {
  const [primary, replica] = await Promise.all([createTestDatabase(), createTestDatabase()])
  t.teardown(() => Promise.all([primary.destroy(), replica.destroy()]))
  const config = testConfig({ DATABASE_URL: primary.url!, DATABASE_READ_URL: replica.url!, DATABASE_READ_LAG_MS: String(LAG_MS), RESPONSE_CACHE: 'false' })
  t.equal(config.database.kind === 'postgres' && config.database.readUrl, replica.url)
  for (const copy of [primary, replica]) {
    await seedDemoContent(copy.database.db, { media: { storage: createStorage(config), renditions: config.media } })
  }
  const applicationName = `replica-test-${randomBytes(4).toString('hex')}`
  const database = await createDatabase({ kind: 'postgres', url: primary.url!, readUrl: replica.url!, poolSize: 3, applicationName })
  const clock = createManualClock()
  const app = await buildApp({ config, database, logger: false, docs: false, clock })
  t.teardown(async () => {
    await app.close()
    await database.close()
  })
  await app.ready()
  t.not(database.readDb, database.db, 'a second pool for the replica')

  const anonymous = async (url: string) => app.inject({ method: 'GET', url })
  const list = await anonymous('/v1/articles?limit=100')
  t.equal(list.statusCode, 200)
  t.equal(list.json().meta.total, 18, 'the replica serves the same content (a copy)')
  const first = list.json().data[0].slug as string
  t.equal((await anonymous(`/v1/articles/${first}`)).statusCode, 200)
  t.equal((await anonymous(`/v1/articles/${first}/related?limit=3`)).statusCode, 200)
  t.equal((await anonymous('/v1/search?q=china')).statusCode, 200)
  t.equal((await anonymous('/v1/sections')).statusCode, 200)
  t.equal((await anonymous('/v1/feeds/rss.xml')).statusCode, 200)

  // Which pool ran what: the replica pool's connections are on the replica database only.
  const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL })
  await admin.connect()
  t.teardown(() => admin.end())
  const activity = async () =>
    (
      await admin.query<{ application_name: string; datname: string; query: string }>(
        'select application_name, datname, query from pg_stat_activity where application_name in ($1, $2, $3, $4)',
        [applicationName, `${applicationName}-hot`, `${applicationName}-read`, `${applicationName}-read-hot`],
      )
    ).rows
  const afterReads = await activity()
  const replicaName = new URL(replica.url!).pathname.slice(1)
  const primaryName = new URL(primary.url!).pathname.slice(1)
  // Each database has two pools: the hot public reads' (generic plans) and everything else's.
  const readConnections = afterReads.filter((row) => row.application_name.startsWith(`${applicationName}-read`))
  t.ok(readConnections.length > 0, `the read pools opened ${readConnections.length} connection(s)`)
  t.ok(readConnections.every((row) => row.datname === replicaName), 'all on the replica database')
  t.ok(readConnections.some((row) => row.application_name === `${applicationName}-read-hot` && /from "articles"/.test(row.query)), 'the hot article reads ran there')
  t.ok(readConnections.some((row) => row.application_name === `${applicationName}-read` && /"articles"/.test(row.query)), 'and so did the others (related, search, feeds)')
  t.ok(afterReads.filter((row) => !row.application_name.startsWith(`${applicationName}-read`)).every((row) => row.datname === primaryName), 'the primary pools stay on the primary')

  // A write goes to the primary.
  const editor = await createUser(app, 'editor')
  const created = await app.inject({ method: 'POST', url: '/v1/admin/articles', headers: editor.auth, payload: { title: 'Written To The Primary', section: 'india', status: 'published', author: 'the-defence-times', body: 'Only the primary has this.' } })
  t.equal(created.statusCode, 201, 'the write is accepted (by the primary)')
  const slug = created.json().data.slug as string

  // Right after the change, everyone reads the primary: the replica may not have replayed it yet.
  t.equal((await anonymous(`/v1/articles/${slug}`)).statusCode, 200, 'read-after-write: within DATABASE_READ_LAG_MS the primary answers')
  clock.advance(LAG_MS + 100)

  const fromReplica = await anonymous(`/v1/articles/${slug}`)
  t.equal(fromReplica.statusCode, 404, 'after the lag window an anonymous read is served by the replica, which never got the write')
  t.equal((await anonymous('/v1/articles?limit=100')).json().meta.total, 18)
  t.notMatch((await anonymous('/v1/feeds/rss.xml')).body, 'Written To The Primary', 'feeds read the replica')
  const searched = (await anonymous('/v1/search?q=primary')).json().data as { slug: string }[]
  t.notOk(searched.some((hit) => hit.slug === slug), 'search reads the replica')

  const withToken = await app.inject({ method: 'GET', url: `/v1/articles/${slug}`, headers: editor.auth })
  t.equal(withToken.statusCode, 200, 'a request carrying a bearer token reads the primary (read-your-own-writes)')
  t.equal(withToken.json().data.title, 'Written To The Primary')
  const adminRead = await app.inject({ method: 'GET', url: `/v1/admin/articles/${created.json().data.id}`, headers: editor.auth })
  t.equal(adminRead.statusCode, 200, 'admin reads use the primary')
  const preview = await app.inject({ method: 'POST', url: `/v1/admin/articles/${created.json().data.id}/preview`, headers: editor.auth })
  t.equal(preview.statusCode, 200)
  const token = preview.json().data.token as string
  t.equal((await anonymous(`/v1/articles/${slug}?preview=${encodeURIComponent(token)}`)).statusCode, 200, 'a preview link reads the primary')
})

t.test('a replica that does not answer is skipped: public reads fall back to the primary', { skip: process.env.TEST_DATABASE_URL ? false : 'needs TEST_DATABASE_URL' }, async (t) => {
  const primary = await createTestDatabase()
  t.teardown(() => primary.destroy())
  const port = await freePort() // nothing listens there
  const config = testConfig({ DATABASE_URL: primary.url!, DATABASE_READ_URL: `postgres://postgres@127.0.0.1:${port}/gone`, RESPONSE_CACHE: 'false' })
  await seedDemoContent(primary.database.db, { media: { storage: createStorage(config), renditions: config.media } })
  const database = await createDatabase({ kind: 'postgres', url: primary.url!, readUrl: `postgres://postgres@127.0.0.1:${port}/gone`, poolSize: 2 })
  const clock = createManualClock()
  const app = await buildApp({ config, database, logger: false, docs: false, clock })
  t.teardown(async () => {
    await app.close()
    await database.close()
  })
  const list = await app.inject({ method: 'GET', url: '/v1/articles?limit=2' })
  t.equal(list.statusCode, 200)
  t.equal(list.json().meta.total, 18)
  t.equal((await app.inject({ method: 'GET', url: '/v1/site' })).statusCode, 200)
  t.equal((await app.inject({ method: 'GET', url: '/health/ready' })).statusCode, 200, 'the node stays in rotation: the primary can serve everything')
})

t.test('PGlite has no replica: reads and writes share one database', async (t) => {
  const app = await build(t)
  t.equal(app.database.readDb, app.database.db)
  t.equal(app.database.readPool, undefined)
})

t.test('DATABASE_READ_URL is validated at boot', async (t) => {
  const error = t.throws(() => loadConfig({ DATABASE_READ_URL: 'postgres://replica/db' })) as Error
  t.match(error.message, /DATABASE_READ_URL needs DATABASE_URL/)
  const bad = t.throws(() => loadConfig({ DATABASE_URL: 'postgres://p/db', JWT_SECRET: 'k'.repeat(32), DATABASE_READ_URL: 'mysql://replica' })) as Error
  t.match(bad.message, /DATABASE_READ_URL must be a value matching/)
  const config = loadConfig({ DATABASE_URL: 'postgres://p/db', JWT_SECRET: 'k'.repeat(32), DATABASE_READ_URL: 'postgres://r/db' })
  t.same(config.database, { kind: 'postgres', url: 'postgres://p/db', poolSize: 10, timeoutMs: 10000, readUrl: 'postgres://r/db', readLagMs: 5000 })
})
