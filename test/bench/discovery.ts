/**
 * `npm run bench:discovery`: latency of search (common and rare terms), Related Posts and the
 * latest list over real HTTP, with one client and with 20 connections, at 2,000, 20,000 and
 * 100,000 generated articles in PostgreSQL (one database per size, generated on the first run and
 * reused after), or on the configured database (DATABASE_URL / DATA_DIR with `--sizes` unset).
 * Prints its configuration, then p50/p95/p99 per size. Targets: search p95 < 50 ms and related
 * p95 < 20 ms at every size, with the response cache off.
 *
 * Every setting it reports is set here (test/bench/settings.ts), and every response's `X-Cache`
 * is counted: a run with the cache off that sees a HIT stops with an error instead of printing
 * cache hits as query latency.
 */
import { sql } from 'drizzle-orm'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { buildApp } from '../../src/app.js'
import { parseCommandLine } from '../../src/cli/args.js'
import { loadConfig, withEmbeddedSecrets, type Config } from '../../src/config.js'
import pg from 'pg'
import { generateBenchData } from '../../src/cli/bench-data.js'
import { openConfiguredDatabase, type Database, type Db } from '../../src/db/client.js'
import { runMigrations } from '../../src/db/migrate.js'
import { createRelatedRepository } from '../../src/db/repositories/related.js'
import { RELATED_WEIGHTS } from '../../src/services/related.js'
import { BENCH_JWT_SECRET, benchEnv, describeSettings, integerAtLeast, onOff } from './settings.js'

const USAGE = `Usage: npm run bench:discovery -- [--sizes N,N,…] [--admin-url URL] [--lists all|sampled] [--cache off|on]
                                [--requests N] [--warmup N] [--connections N,N] [--accept-encoding VALUE]
Latency of search (common and rare terms), related posts and the latest list (p50/p95/p99) over
HTTP, with one client and with 20 connections. With --sizes (the default when neither DATABASE_URL
nor DATA_DIR is set: 2000,20000,100000) it runs once per size on PostgreSQL database
newsroom_bench_discovery_<size>, generated with npm run bench:data's generator when missing and
reused after; otherwise on the configured database (DATABASE_URL, or the embedded one in DATA_DIR).
Every other API variable of the environment is ignored; the settings used are printed.
  --sizes N,N,…             article counts to measure (one database each)
  --admin-url URL           server for those databases (default postgres://postgres@127.0.0.1:5432/postgres,
                            or BENCH_ADMIN_URL)
  --lists all|sampled       before measuring, rank the Related Posts lists of every public article
                            (all, what a server's background pass does; default) or of the measured ones only
  --connections N,N         concurrent connections of each round (default 1,20)
  --cache off|on            the in-process response cache, RESPONSE_CACHE (default off)
  --requests N              measured requests per endpoint (default 300, or BENCH_REQUESTS)
  --warmup N                unmeasured requests per endpoint first (default 20)
  --accept-encoding VALUE   Accept-Encoding sent with every request (default "gzip, deflate",
                            what Node's fetch sends; "identity" for uncompressed answers)
  -h, --help                this text`

/** Terms matching 3–30 % of the generated articles: single words, phrases, exclusions, or. */
export const COMMON_SEARCHES = [
  'missile', 'china', 'taiwan', 'drone', 'submarine', 'air defence system', '"aircraft carrier"', 'hypersonic missile',
  'stealth fighter', 'navy exercise', 'drone -china', 'radar or sonar', 'baltic sea', 'satellite imagery', 'korean peninsula',
]
/** Under 1 %, or none as typed: then the prefix ("hyperson") and typo ("missle") fallbacks run too. */
export const RARE_SEARCHES = ['india pakistan border', 'budget contract', 'frigate deployment', 'cyber command', 'ceasefire negotiations', 'hyperson', 'missle']
export const SEARCHES = [...COMMON_SEARCHES, ...RARE_SEARCHES]

export interface DiscoveryOptions {
  /** RESPONSE_CACHE. */
  cache: boolean
  requests: number
  warmup: number
  acceptEncoding: string
  /** Concurrent connections of each round. */
  connections: number[]
}

export const DEFAULT_OPTIONS: DiscoveryOptions = { cache: false, requests: 300, warmup: 20, acceptEncoding: 'gzip, deflate', connections: [1, 20] }

/** The API settings of a discovery run: the database's location from `from`, everything reported set here. */
export function discoveryEnv(from: Record<string, string | undefined>, options: DiscoveryOptions): Record<string, string> {
  return benchEnv(from, {
    RESPONSE_CACHE: String(options.cache),
    COMPRESSION: 'true',
    COMPRESSION_MIN_BYTES: '1024',
    COMPRESSION_BROTLI_QUALITY: '5',
    COMPRESSION_GZIP_LEVEL: '6',
    DATABASE_POOL_SIZE: '10',
    SEED: 'false',
    LOG_LEVEL: 'warn',
    ...(from.DATABASE_URL ? { JWT_SECRET: BENCH_JWT_SECRET } : {}),
  })
}

export function discoveryConfig(env: Record<string, string>): Config {
  return withEmbeddedSecrets(loadConfig(env))
}

export interface EndpointResult {
  name: string
  connections: number
  n: number
  p50: number
  p95: number
  p99: number
  max: number
  /** X-Cache of every response, warm-up included: HIT, MISS, or "none" when absent. */
  xCache: Record<string, number>
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!
}

/** Public articles, and the slugs of up to 300 of them (a fixed pseudo-random sample) that related reads use. */
export async function sampleArticles(database: Database): Promise<{ publicCount: number; slugs: string[] }> {
  const total = await database.db.execute(sql`select count(*)::int as n from articles where status in ('published','scheduled') and published_at <= now()`)
  const slugsResult = await database.db.execute(
    sql`select slug from articles where status = 'published' and published_at <= now() order by md5(id::text) limit 300`,
  )
  const slugs = (slugsResult as unknown as { rows: { slug: string }[] }).rows.map((r) => r.slug)
  const publicCount = (total as unknown as { rows: { n: number }[] }).rows[0]!.n
  if (slugs.length === 0) throw new Error('no published articles: fill the database first (npm run bench:data)')
  return { publicCount, slugs }
}

/** Measures each endpoint of the API listening at `base`, once per number of connections. */
export async function measureDiscovery(base: string, database: Database, options: DiscoveryOptions): Promise<{ publicCount: number; results: EndpointResult[] }> {
  const { publicCount, slugs } = await sampleArticles(database)

  const run = async (name: string, urls: string[], connections: number): Promise<EndpointResult> => {
    const xCache: Record<string, number> = {}
    const time = async (url: string): Promise<number> => {
      const start = performance.now()
      const res = await fetch(url, { headers: { 'accept-encoding': options.acceptEncoding } })
      await res.arrayBuffer()
      const elapsed = performance.now() - start
      if (res.status !== 200) throw new Error(`${url} answered ${res.status}`)
      const state = res.headers.get('x-cache') ?? 'none'
      xCache[state] = (xCache[state] ?? 0) + 1
      return elapsed
    }
    for (const url of urls.slice(0, options.warmup)) await time(url)
    const samples: number[] = []
    let next = 0
    // `connections` clients, each sending its next request when its last one is answered.
    await Promise.all(
      Array.from({ length: connections }, async () => {
        for (let i = next++; i < options.requests; i = next++) samples.push(await time(urls[i % urls.length]!))
      }),
    )
    samples.sort((a, b) => a - b)
    if (!options.cache && (xCache.HIT ?? 0) > 0) {
      throw new Error(`${name}: the response cache is off, yet ${xCache.HIT} responses were X-Cache: HIT — this run would report cache hits as query latency`)
    }
    return { name, connections, n: samples.length, p50: percentile(samples, 50), p95: percentile(samples, 95), p99: percentile(samples, 99), max: samples[samples.length - 1]!, xCache }
  }
  const search = (terms: string[]) => terms.map((q) => `${base}/v1/search?q=${encodeURIComponent(q)}`)
  const results: EndpointResult[] = []
  for (const connections of options.connections) {
    results.push(
      await run('search, common terms', search(COMMON_SEARCHES), connections),
      await run('search, rare terms', search(RARE_SEARCHES), connections),
      await run('related /v1/articles/{slug}/related', slugs.map((s) => `${base}/v1/articles/${s}/related?limit=6`), connections),
      await run('latest /v1/articles?limit=20', [`${base}/v1/articles?limit=20`], connections),
    )
  }
  return { publicCount, results }
}

/** Search p95 < 50 ms and related p95 < 20 ms, at every number of connections. */
export function missedTargets(results: EndpointResult[]): string[] {
  return results.flatMap((r) => {
    const target = r.name.startsWith('search') ? 50 : r.name.startsWith('related') ? 20 : undefined
    return target !== undefined && r.p95 >= target ? [`${r.name}, ${r.connections} connection(s): p95 ${r.p95.toFixed(1)} ms ≥ ${target} ms`] : []
  })
}

/** The database of one size: created and filled on first use, reused after (its article count checked). */
async function sizedDatabase(adminUrl: string, size: number): Promise<string> {
  const name = `newsroom_bench_discovery_${size}`
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  let exists: boolean
  try {
    exists = (await admin.query('select 1 from pg_database where datname = $1', [name])).rowCount === 1
    if (!exists) await admin.query(`create database ${name}`)
  } finally {
    await admin.end()
  }
  const env = { DATABASE_URL: url.toString(), JWT_SECRET: BENCH_JWT_SECRET }
  const database = await openConfiguredDatabase(withEmbeddedSecrets(loadConfig(env)).database)
  try {
    await runMigrations(database)
    const count = ((await database.db.execute(sql`select count(*)::int as n from articles`)) as unknown as { rows: { n: number }[] }).rows[0]!.n
    if (count === 0) {
      process.stdout.write(`generating ${size} articles into ${name} (once; later runs reuse it)\n`)
      await generateBenchData(database.db as Db, { articles: size, tags: 2000, authors: 60, seed: 42, log: (line) => process.stdout.write(`${line}\n`) })
    } else if (count !== size) {
      throw new Error(`${name} holds ${count} articles, not ${size}: drop it (dropdb ${name}) to have it generated again`)
    }
  } finally {
    await database.close()
  }
  return url.toString()
}

/** One measured database: migrate, build the API, rank the related lists, measure, print. */
async function benchOne(from: Record<string, string | undefined>, options: DiscoveryOptions, lists: 'all' | 'sampled'): Promise<string[]> {
  const env = discoveryEnv(from, options)
  const config = discoveryConfig(env)
  const database = await openConfiguredDatabase(config.database)
  await runMigrations(database)
  const app = await buildApp({ config, database, docs: false })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`
  try {
    const cacheWords = `response cache ${options.cache ? 'on' : 'off'}`
    process.stdout.write(`\nconfiguration (API variables; all others at their defaults):\n${describeSettings(env)}\n`)
    process.stdout.write(`client: ${options.connections.join(' and ')} connection(s), ${options.warmup} warm-up + ${options.requests} measured requests per endpoint and round, Accept-Encoding: ${options.acceptEncoding}, Node ${process.version}\n`)
    // The state autovacuum keeps a live database in — statistics fresh, dead row versions gone —
    // set here rather than hoped for: a server with autovacuum off (or not yet round) would have
    // the planner guess every row count, and the figures would measure that instead. Once before
    // ranking the lists (without statistics, ranking 100,000 lists took ~1 s each instead of ~5 ms)
    // and once after, for the rows ranking wrote.
    const vacuum = async (when: string) => {
      const vacuumStarted = performance.now()
      await database.db.execute(sql`vacuum analyze`)
      process.stdout.write(`vacuum analyze ${when}: ${((performance.now() - vacuumStarted) / 1000).toFixed(1)} s (statistics fresh, as autovacuum keeps them)\n`)
    }
    await vacuum('before ranking')
    // Reads rank the pools themselves until a list exists; a server ranks them in the background.
    const started = performance.now()
    let ranked: number
    if (lists === 'all') ranked = await app.services.relatedLists.computeAll()
    else {
      const { slugs } = await sampleArticles(database)
      const repo = createRelatedRepository(database.db)
      const ids = ((await database.db.execute(sql`select id from articles where slug in (${sql.join(slugs.map((slug) => sql`${slug}`), sql`, `)})`)) as unknown as { rows: { id: string }[] }).rows
      const now = new Date()
      const totalPublic = (await sampleArticles(database)).publicCount
      for (const { id } of ids) await repo.computeList(id, now, { perTag: 100, perSection: 40, totalPublic, weights: RELATED_WEIGHTS })
      ranked = ids.length
    }
    const seconds = (performance.now() - started) / 1000
    process.stdout.write(`related lists: ${ranked} ranked (${lists === 'all' ? 'every public article without a valid list' : 'the measured articles'}) in ${seconds.toFixed(1)} s${ranked > 0 ? `, ${((seconds * 1000) / ranked).toFixed(1)} ms each` : ''}\n`)
    await vacuum('before measuring')
    const { publicCount, results } = await measureDiscovery(base, database, options)
    const f = (ms: number) => `${ms.toFixed(1)} ms`.padStart(10)
    process.stdout.write(`\n${database.kind === 'postgres' ? 'PostgreSQL' : 'PGlite'}, ${publicCount} public articles, ${cacheWords}\n`)
    process.stdout.write(`${'endpoint'.padEnd(38)}${'conns'.padStart(6)}${'n'.padStart(6)}${'p50'.padStart(10)}${'p95'.padStart(10)}${'p99'.padStart(10)}${'max'.padStart(10)}  X-Cache\n`)
    for (const r of results) {
      const states = Object.entries(r.xCache).map(([state, n]) => `${n} ${state}`).join(', ')
      process.stdout.write(`${r.name.padEnd(38)}${String(r.connections).padStart(6)}${String(r.n).padStart(6)}${f(r.p50)}${f(r.p95)}${f(r.p99)}${f(r.max)}  ${states}\n`)
    }
    return missedTargets(results).map((miss) => `${publicCount} public articles: ${miss}`)
  } finally {
    await app.close()
    await database.close()
  }
}

async function main() {
  const values = parseCommandLine(USAGE, {
    sizes: { type: 'string' },
    'admin-url': { type: 'string', default: process.env.BENCH_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' },
    lists: { type: 'string', default: 'all' },
    connections: { type: 'string', default: DEFAULT_OPTIONS.connections.join(',') },
    cache: { type: 'string', default: 'off' },
    requests: { type: 'string', default: process.env.BENCH_REQUESTS ?? String(DEFAULT_OPTIONS.requests) },
    warmup: { type: 'string', default: String(DEFAULT_OPTIONS.warmup) },
    'accept-encoding': { type: 'string', default: DEFAULT_OPTIONS.acceptEncoding },
  })
  let options: DiscoveryOptions
  let sizes: number[] | undefined
  let lists: 'all' | 'sampled'
  try {
    options = {
      cache: onOff(values.cache, '--cache'),
      requests: integerAtLeast(1, values.requests, '--requests'),
      warmup: integerAtLeast(0, values.warmup, '--warmup'),
      acceptEncoding: values['accept-encoding']!,
      connections: values.connections!.split(',').map((n) => integerAtLeast(1, n, '--connections')),
    }
    const sizeList = values.sizes ?? (process.env.DATABASE_URL || process.env.DATA_DIR ? undefined : '2000,20000,100000')
    sizes = sizeList?.split(',').map((n) => integerAtLeast(1, n, '--sizes'))
    if (values.lists !== 'all' && values.lists !== 'sampled') throw new Error(`--lists must be all or sampled, not "${values.lists}"`)
    lists = values.lists
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`)
    process.exit(2)
  }
  const missed: string[] = []
  if (!sizes) missed.push(...(await benchOne(process.env, options, lists)))
  else {
    for (const size of sizes) {
      const url = await sizedDatabase(values['admin-url']!, size)
      process.stdout.write(`\n=== ${size} articles (${url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:…@')})\n`)
      missed.push(...(await benchOne({ ...process.env, DATABASE_URL: url, DATA_DIR: undefined }, options, lists)))
    }
  }
  process.stdout.write(missed.length === 0 ? '\nevery target met (search p95 < 50 ms, related p95 < 20 ms)\n' : `\ntargets missed:\n${missed.map((m) => `  ${m}`).join('\n')}\n`)
  if (missed.length > 0) process.exitCode = 1
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`)
    process.exit(1)
  })
}
