/**
 * `npm run bench:discovery`: latency of search, Related Posts and the latest list, one client,
 * sequential requests over real HTTP, on the configured database (fill it first:
 * `npm run bench:data -- --articles 100000`). Prints its configuration, then p50/p95/p99.
 * Targets (issue #4): search p95 < 50 ms, related p95 < 20 ms on 100,000 articles in PostgreSQL,
 * with the response cache off.
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
import { openConfiguredDatabase, type Database } from '../../src/db/client.js'
import { BENCH_JWT_SECRET, benchEnv, describeSettings, integerAtLeast, onOff } from './settings.js'

const USAGE = `Usage: npm run bench:discovery -- [--cache off|on] [--requests N] [--warmup N] [--accept-encoding VALUE]
Latency of search, related posts and the latest list (p50/p95/p99), one client, sequential requests
over HTTP, on the configured database: DATABASE_URL, or the embedded one in DATA_DIR (fill it first
with npm run bench:data). Every other API variable of the environment is ignored; the settings used
are printed before the table.
  --cache off|on            the in-process response cache, RESPONSE_CACHE (default off)
  --requests N              measured requests per endpoint (default 300, or BENCH_REQUESTS)
  --warmup N                unmeasured requests per endpoint first (default 20)
  --accept-encoding VALUE   Accept-Encoding sent with every request (default "gzip, deflate",
                            what Node's fetch sends; "identity" for uncompressed answers)
  -h, --help                this text`

export const SEARCHES = [
  'missile', 'china', 'taiwan', 'drone', 'submarine', 'air defence system', '"aircraft carrier"', 'hypersonic missile',
  'stealth fighter', 'navy exercise', 'india pakistan border', 'drone -china', 'radar or sonar', 'baltic sea', 'budget contract',
  'satellite imagery', 'frigate deployment', 'korean peninsula', 'hyperson', 'missle', 'cyber command', 'ceasefire negotiations',
]

export interface DiscoveryOptions {
  /** RESPONSE_CACHE. */
  cache: boolean
  requests: number
  warmup: number
  acceptEncoding: string
}

export const DEFAULT_OPTIONS: DiscoveryOptions = { cache: false, requests: 300, warmup: 20, acceptEncoding: 'gzip, deflate' }

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

/** Measures the three endpoints of the API listening at `base`, on `database`. */
export async function measureDiscovery(base: string, database: Database, options: DiscoveryOptions): Promise<{ publicCount: number; results: EndpointResult[] }> {
  const total = await database.db.execute(sql`select count(*)::int as n from articles where status in ('published','scheduled') and published_at <= now()`)
  const slugsResult = await database.db.execute(
    sql`select slug from articles where status = 'published' and published_at <= now() order by md5(id::text) limit 300`,
  )
  const slugs = (slugsResult as unknown as { rows: { slug: string }[] }).rows.map((r) => r.slug)
  const publicCount = (total as unknown as { rows: { n: number }[] }).rows[0]!.n

  const run = async (name: string, urls: string[]): Promise<EndpointResult> => {
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
    for (let i = 0; i < options.requests; i++) samples.push(await time(urls[i % urls.length]!))
    samples.sort((a, b) => a - b)
    if (!options.cache && (xCache.HIT ?? 0) > 0) {
      throw new Error(`${name}: the response cache is off, yet ${xCache.HIT} responses were X-Cache: HIT — this run would report cache hits as query latency`)
    }
    return { name, n: samples.length, p50: percentile(samples, 50), p95: percentile(samples, 95), p99: percentile(samples, 99), max: samples[samples.length - 1]!, xCache }
  }
  if (slugs.length === 0) throw new Error('no published articles: fill the database first (npm run bench:data)')
  const results = [
    await run('search /v1/search?q=…', SEARCHES.map((q) => `${base}/v1/search?q=${encodeURIComponent(q)}`)),
    await run('related /v1/articles/{slug}/related', slugs.map((s) => `${base}/v1/articles/${s}/related?limit=6`)),
    await run('latest /v1/articles?limit=20', [`${base}/v1/articles?limit=20`]),
  ]
  return { publicCount, results }
}

async function main() {
  const values = parseCommandLine(USAGE, {
    cache: { type: 'string', default: 'off' },
    requests: { type: 'string', default: process.env.BENCH_REQUESTS ?? String(DEFAULT_OPTIONS.requests) },
    warmup: { type: 'string', default: String(DEFAULT_OPTIONS.warmup) },
    'accept-encoding': { type: 'string', default: DEFAULT_OPTIONS.acceptEncoding },
  })
  let options: DiscoveryOptions
  try {
    options = {
      cache: onOff(values.cache, '--cache'),
      requests: integerAtLeast(1, values.requests, '--requests'),
      warmup: integerAtLeast(0, values.warmup, '--warmup'),
      acceptEncoding: values['accept-encoding']!,
    }
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`)
    process.exit(2)
  }
  const env = discoveryEnv(process.env, options)
  const config = discoveryConfig(env)
  const database = await openConfiguredDatabase(config.database)
  const app = await buildApp({ config, database, docs: false })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`
  try {
    const cacheWords = `response cache ${options.cache ? 'on' : 'off'}`
    process.stdout.write(`\nconfiguration (API variables; all others at their defaults):\n${describeSettings(env)}\n`)
    process.stdout.write(`client: one, sequential requests, ${options.warmup} warm-up + ${options.requests} measured per endpoint, Accept-Encoding: ${options.acceptEncoding}, Node ${process.version}\n`)
    const { publicCount, results } = await measureDiscovery(base, database, options)
    const f = (ms: number) => `${ms.toFixed(1)} ms`.padStart(10)
    process.stdout.write(`\n${database.kind === 'postgres' ? 'PostgreSQL' : 'PGlite'}, ${publicCount} public articles, one client, sequential requests, ${cacheWords}\n`)
    process.stdout.write(`${'endpoint'.padEnd(40)}${'n'.padStart(6)}${'p50'.padStart(10)}${'p95'.padStart(10)}${'p99'.padStart(10)}${'max'.padStart(10)}  X-Cache\n`)
    for (const r of results) {
      const states = Object.entries(r.xCache).map(([state, n]) => `${n} ${state}`).join(', ')
      process.stdout.write(`${r.name.padEnd(40)}${String(r.n).padStart(6)}${f(r.p50)}${f(r.p95)}${f(r.p99)}${f(r.max)}  ${states}\n`)
    }
  } finally {
    await app.close()
    await database.close()
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`)
    process.exit(1)
  })
}
