import t, { type Test } from 'tap'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { buildApp } from '../../src/app.js'
import { generateBenchData } from '../../src/cli/bench-data.js'
import { discoveryConfig, discoveryEnv, measureDiscovery, DEFAULT_OPTIONS, type DiscoveryOptions } from '../bench/discovery.js'
import { createTestDatabase, type TestDatabase } from '../helpers/database.js'

t.test('the bench sets what it reports and ignores the rest of the environment', async (t) => {
  const from = { DATA_DIR: '/srv/bench', RESPONSE_CACHE: 'true', RESPONSE_CACHE_TTL: '5', COMPRESSION: 'false', PATH: '/usr/bin' }
  const off = discoveryEnv(from, { ...DEFAULT_OPTIONS, cache: false })
  t.equal(off.RESPONSE_CACHE, 'false', 'the caller’s RESPONSE_CACHE=true does not leak in')
  t.equal(off.COMPRESSION, 'true')
  t.equal(off.RESPONSE_CACHE_TTL, undefined, 'unreported API settings take their defaults')
  t.equal(off.DATA_DIR, '/srv/bench', 'the database location comes from the caller')
  t.equal(off.PATH, '/usr/bin')
  t.equal(discoveryEnv(from, { ...DEFAULT_OPTIONS, cache: true }).RESPONSE_CACHE, 'true')
  t.equal(discoveryConfig(off).cache.responseCache.enabled, false)
})

/** A small generated site on PGlite, shared by the runs below. */
let testDb: TestDatabase
t.before(async () => {
  testDb = await createTestDatabase()
  await generateBenchData(testDb.database.db, { articles: 40, tags: 30, authors: 4, seed: 3, log: () => {} })
})
t.teardown(() => testDb.destroy())

async function benchApp(t: Test, cache: boolean) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'newsroom-bench-test-'))
  const config = discoveryConfig({ ...discoveryEnv({ DATA_DIR: dataDir }, { ...DEFAULT_OPTIONS, cache }), LOG_LEVEL: 'silent' })
  const app = await buildApp({ config, database: testDb.database, logger: false, docs: false })
  await app.listen({ port: 0, host: '127.0.0.1' })
  t.teardown(async () => {
    await app.close()
    rmSync(dataDir, { recursive: true, force: true })
  })
  return { app, base: `http://127.0.0.1:${(app.server.address() as { port: number }).port}` }
}

const small: DiscoveryOptions = { ...DEFAULT_OPTIONS, requests: 4, warmup: 1, connections: [1, 3] }
const urls = ['/v1/search?q=missile', '/v1/articles?limit=20']

t.test('cache off: repeated reads answer X-Cache: MISS, and the bench saw only MISSes', async (t) => {
  const { app, base } = await benchApp(t, false)
  const slug = (await app.inject({ url: '/v1/articles?limit=1' })).json().data[0].slug as string
  for (const url of [...urls, `/v1/articles/${slug}/related?limit=6`]) {
    const answers = [await app.inject({ url }), await app.inject({ url })]
    t.same(answers.map((r) => r.statusCode), [200, 200], url)
    t.same(answers.map((r) => r.headers['x-cache']), ['MISS', 'MISS'], `${url}: computed both times`)
  }
  const { results } = await measureDiscovery(base, testDb.database, { ...small, cache: false })
  t.same(
    results.map((r) => `${r.name.split(/[ ,]/)[0]}×${r.connections}`),
    ['search×1', 'search×1', 'related×1', 'latest×1', 'search×3', 'search×3', 'related×3', 'latest×3'],
    'common and rare terms, related and latest; one connection, then three',
  )
  for (const r of results) t.same(r.xCache, { MISS: r.n + small.warmup }, `${r.name}: every response, warm-up included, a MISS`)
})

t.test('cache on: the second read is a HIT, and a run that says "cache off" refuses to report it', async (t) => {
  const { app, base } = await benchApp(t, true)
  for (const url of urls) {
    const answers = [await app.inject({ url }), await app.inject({ url })]
    t.same(answers.map((r) => r.headers['x-cache']), ['MISS', 'HIT'], url)
  }
  const { results } = await measureDiscovery(base, testDb.database, { ...small, cache: true })
  t.ok(results.every((r) => (r.xCache.HIT ?? 0) > 0), 'hits seen and counted')
  await t.rejects(measureDiscovery(base, testDb.database, { ...small, cache: false }), /response cache is off, yet \d+ responses were X-Cache: HIT/)
})
