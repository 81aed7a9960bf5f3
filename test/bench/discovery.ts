/**
 * `npm run bench:discovery`: latency of search and Related Posts, one client, over real HTTP, on the
 * configured database (fill it first: `npm run bench:data -- --articles 100000`). Prints p50/p95/p99.
 * Targets (issue #4): search p95 < 50 ms, related p95 < 20 ms on 100,000 articles in PostgreSQL.
 */
import { sql } from 'drizzle-orm'
import { performance } from 'node:perf_hooks'
import { buildApp } from '../../src/app.js'
import { loadConfig, withEmbeddedSecrets } from '../../src/config.js'
import { openConfiguredDatabase } from '../../src/db/client.js'

const SEARCHES = [
  'missile', 'china', 'taiwan', 'drone', 'submarine', 'air defence system', '"aircraft carrier"', 'hypersonic missile',
  'stealth fighter', 'navy exercise', 'india pakistan border', 'drone -china', 'radar or sonar', 'baltic sea', 'budget contract',
  'satellite imagery', 'frigate deployment', 'korean peninsula', 'hyperson', 'missle', 'cyber command', 'ceasefire negotiations',
]

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!
}

async function time(url: string): Promise<number> {
  const start = performance.now()
  const res = await fetch(url)
  await res.arrayBuffer()
  if (res.status !== 200) throw new Error(`${url} answered ${res.status}`)
  return performance.now() - start
}

const config = withEmbeddedSecrets(loadConfig({ ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn', SEED: 'false' }))
const database = await openConfiguredDatabase(config.database)
const app = await buildApp({ config, database, docs: false })
await app.listen({ port: 0, host: '127.0.0.1' })
const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`
try {
  const total = await database.db.execute(sql`select count(*)::int as n from articles where status in ('published','scheduled') and published_at <= now()`)
  const slugsResult = await database.db.execute(
    sql`select slug from articles where status = 'published' and published_at <= now() order by md5(id::text) limit 300`,
  )
  const slugs = (slugsResult as unknown as { rows: { slug: string }[] }).rows.map((r) => r.slug)
  const publicCount = (total as unknown as { rows: { n: number }[] }).rows[0]!.n
  const rounds = Number(process.env.BENCH_REQUESTS ?? 300)
  const run = async (name: string, urls: string[]) => {
    for (const url of urls.slice(0, 20)) await time(url) // warm-up
    const samples: number[] = []
    for (let i = 0; i < rounds; i++) samples.push(await time(urls[i % urls.length]!))
    samples.sort((a, b) => a - b)
    return { name, n: samples.length, p50: percentile(samples, 50), p95: percentile(samples, 95), p99: percentile(samples, 99), max: samples[samples.length - 1]! }
  }
  const results = [
    await run('search /v1/search?q=…', SEARCHES.map((q) => `${base}/v1/search?q=${encodeURIComponent(q)}`)),
    await run('related /v1/articles/{slug}/related', slugs.map((s) => `${base}/v1/articles/${s}/related?limit=6`)),
    await run('latest /v1/articles?limit=20', [`${base}/v1/articles?limit=20`]),
  ]
  const f = (ms: number) => `${ms.toFixed(1)} ms`.padStart(10)
  process.stdout.write(`\n${database.kind === 'postgres' ? 'PostgreSQL' : 'PGlite'}, ${publicCount} public articles, one client, sequential requests, response cache off\n`)
  process.stdout.write(`${'endpoint'.padEnd(40)}${'n'.padStart(6)}${'p50'.padStart(10)}${'p95'.padStart(10)}${'p99'.padStart(10)}${'max'.padStart(10)}\n`)
  for (const r of results) process.stdout.write(`${r.name.padEnd(40)}${String(r.n).padStart(6)}${f(r.p50)}${f(r.p95)}${f(r.p99)}${f(r.max)}\n`)
} finally {
  await app.close()
  await database.close()
}
