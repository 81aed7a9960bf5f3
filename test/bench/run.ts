/**
 * `npm run bench`: generates 10,000 articles into a fresh PostgreSQL database (`-- --pglite` for
 * embedded PGlite), starts the API (response cache off, then on) and a bare fastify + pg baseline
 * running the same SQL, and loads each with autocannon (20 connections, fixed duration) on the main
 * public reads, plain and compressed (Accept-Encoding: br, gzip). Prints its configuration, then one
 * table — requests/s, p50, p99, errors, server RSS, bytes and server CPU time per response, ratio to
 * the baseline — and checks the targets of issue #8. Exits 1 when a target is missed. With
 * `--soak S` it instead holds a fixed rate of mixed reads for S seconds and reports the API's RSS
 * over time (issue #20's transient peak).
 *
 * The API and the baseline get no API variable from the caller's environment: everything the table
 * reports is set here (test/bench/settings.ts), the rest takes its default.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import net from 'node:net'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseCommandLine } from '../../src/cli/args.js'
import { BENCH_JWT_SECRET, benchEnv, describeSettings, imageNodeOptions, integerAtLeast } from './settings.js'
import { PGLITE_SHARED_BUFFERS_MB_DEFAULT, PGLITE_SHARED_BUFFERS_MB_RANGE } from '../../src/db/pglite-settings.js'

const ROOT = path.resolve(import.meta.dirname, '../..')
const USAGE = `Usage: npm run bench -- [options]
The delivery benchmark: the compiled API (response cache off, then on) against a bare fastify + pg
server running the same SQL, loaded with autocannon; prints its configuration, a table and the
targets it checks (exit 1 when one is missed). Builds its own database and deletes it afterwards.
  --pglite                 embedded PGlite instead of PostgreSQL (no ceiling then)
  --pglite-shared-buffers N  with --pglite: PGLITE_SHARED_BUFFERS_MB of the API (default 16)
  --articles N             generated articles (default 10000)
  --duration S             measured seconds per route (default 10, or BENCH_DURATION)
  --warmup S               seconds of load before each measured run (default 5, or BENCH_WARMUP)
  --connections N          autocannon connections (default 20)
  --admin-url URL          PostgreSQL server to create the database on
                           (default postgres://postgres@127.0.0.1:5432/postgres, or BENCH_ADMIN_URL)
  --brotli-quality N       COMPRESSION_BROTLI_QUALITY of the API (default 5)
  --gzip-level N           COMPRESSION_GZIP_LEVEL of the API (default 6)
  --soak S                 instead of the table: S seconds of a fixed-rate mix of the public reads
                           (latest, article, tag, search, related; RESPONSE_CACHE=true, the default)
                           against the API alone, its RSS sampled every 100 ms; prints the peak, the
                           RSS at the end and after 10 s at rest, and checks the peak < 250 MB
  --soak-rate N            requests per second of the soak (default 150)
  --first-start-reads S    instead of the table: the API's first start on the generated archive
                           (RESPONSE_CACHE=false), while its Related Posts backfill ranks every
                           article's list, read by one client, one request at a time (latest 20, an
                           article, its related, in turn) for S seconds; prints the latency per 5 s
                           and overall (p50, p95, p99, max); exit 1 on an error
  -h, --help               this text`
const args = parseCommandLine(USAGE, {
  pglite: { type: 'boolean', default: false },
  'pglite-shared-buffers': { type: 'string', default: String(PGLITE_SHARED_BUFFERS_MB_DEFAULT) },
  articles: { type: 'string', default: '10000' },
  duration: { type: 'string', default: process.env.BENCH_DURATION ?? '10' },
  warmup: { type: 'string', default: process.env.BENCH_WARMUP ?? '5' },
  connections: { type: 'string', default: '20' },
  'admin-url': { type: 'string', default: process.env.BENCH_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' },
  'brotli-quality': { type: 'string', default: '5' },
  'gzip-level': { type: 'string', default: '6' },
  soak: { type: 'string', default: '0' },
  'soak-rate': { type: 'string', default: '150' },
  'first-start-reads': { type: 'string', default: '0' },
})
let numbers: { articles: number; duration: number; warmup: number; connections: number; soak: number; soakRate: number; firstStartReads: number }
try {
  numbers = {
    articles: integerAtLeast(1, args.articles, '--articles'),
    duration: integerAtLeast(1, args.duration, '--duration'),
    warmup: integerAtLeast(0, args.warmup, '--warmup'),
    connections: integerAtLeast(1, args.connections, '--connections'),
    soak: integerAtLeast(0, args.soak, '--soak'),
    soakRate: integerAtLeast(1, args['soak-rate'], '--soak-rate'),
    firstStartReads: integerAtLeast(0, args['first-start-reads'], '--first-start-reads'),
  }
  if (numbers.soak > 0 && numbers.firstStartReads > 0) throw new Error('--soak and --first-start-reads are two different runs: one at a time')
  integerAtLeast(0, args['brotli-quality'], '--brotli-quality')
  integerAtLeast(1, args['gzip-level'], '--gzip-level')
  const { minimum, maximum } = PGLITE_SHARED_BUFFERS_MB_RANGE
  const buffers = args['pglite-shared-buffers']!
  if (!/^[0-9]+$/.test(buffers) || Number(buffers) < minimum || Number(buffers) > maximum) {
    throw new Error(`--pglite-shared-buffers must be an integer from ${minimum} to ${maximum} (MB), not ${JSON.stringify(buffers)}`)
  }
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`)
  process.exit(2)
}
// Loaded once the arguments are understood: --help answers without loading them.
const { default: autocannon } = await import('autocannon')
const { default: pg } = await import('pg')
const { generateBenchData } = await import('../../src/cli/bench-data.js')
const { createDatabase } = await import('../../src/db/client.js')
const { runMigrations } = await import('../../src/db/migrate.js')
/** The API's compression settings, set explicitly so the table says what it measured. */
const compressionEnv = { COMPRESSION: 'true', COMPRESSION_MIN_BYTES: '1024', COMPRESSION_BROTLI_QUALITY: args['brotli-quality']!, COMPRESSION_GZIP_LEVEL: args['gzip-level']! }
const duration = numbers.duration
/** Seconds of load before each measured run: the JIT and PostgreSQL's buffers settle first. */
const warmup = numbers.warmup
/** Rounds of API-then-ceiling for the two routes compared to the ceiling (cache off). */
const ROUNDS = 3
const connections = numbers.connections
const JWT_SECRET = BENCH_JWT_SECRET

function rssMb(pid: number): number {
  try {
    const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]
    return kb ? Number(kb) / 1024 : 0
  } catch {
    return 0
  }
}

/** CPU time of a process, all threads (utime + stime from /proc, in ticks of 10 ms), in µs. */
function cpuUs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')
    return (Number(fields[11]) + Number(fields[12])) * 10_000
  } catch {
    return 0
  }
}

async function start(script: string, env: Record<string, string>, ready: RegExp): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: ROOT, env: benchEnv(process.env, env, []), stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start:\n${out}`)), 120_000)
    const onData = (chunk: Buffer) => {
      out += chunk.toString()
      const match = ready.exec(out)
      if (match) {
        clearTimeout(timer)
        resolve({ child, url: match[1]! })
      }
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', onData)
    child.on('exit', (code) => reject(new Error(`${script} exited with ${code}:\n${out}`)))
  })
}

async function freePort(): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as net.AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

/** The API at LOG_LEVEL=warn (no per-request logging, as in production): ready when /health/ready says so. */
async function startApi(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  // As the Docker image runs it: compiled, production mode, the image's heap budget.
  const nodeOptions = imageNodeOptions()
  const child = spawn(process.execPath, ['dist/server.js'], { cwd: ROOT, env: benchEnv(process.env, { NODE_ENV: 'production', NODE_OPTIONS: nodeOptions, ...env, PORT: String(port), PUBLIC_URL: url }, []), stdio: ['ignore', 'inherit', 'inherit'] })
  const deadline = Date.now() + 120_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the API exited with ${child.exitCode}`)
    const ok = await fetch(`${url}/health/ready`).then((r) => r.ok, () => false)
    if (ok) return { child, url }
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  throw new Error('the API did not become ready within 120 s')
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return
  child.removeAllListeners('exit')
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve())
    child.kill('SIGTERM')
    setTimeout(() => child.kill('SIGKILL'), 10_000).unref()
  })
}

interface Row {
  run: string
  route: string
  rps: number
  p50: number
  p99: number
  errors: number
  rssMb: number
  /** Mean bytes per response on the wire, headers included. */
  kb: number
  /** The server's CPU time per response (every thread: zlib's included), µs. */
  cpu: number
  ratio?: number
  ratioTo?: string
}

async function load(run: string, route: string, base: string, paths: string[], pid: number, headers: Record<string, string> = {}, expect = 200): Promise<Row> {
  const requests = paths.map((p) => ({ method: 'GET' as const, path: p, headers }))
  await autocannon({ url: base, connections, duration: warmup, requests })
  let rss = rssMb(pid)
  const sampler = setInterval(() => (rss = Math.max(rss, rssMb(pid))), 200)
  const cpuBefore = cpuUs(pid)
  const result = await autocannon({ url: base, connections, duration, requests })
  const cpu = result.requests.total > 0 ? (cpuUs(pid) - cpuBefore) / result.requests.total : 0
  clearInterval(sampler)
  const codes = (result as unknown as { statusCodeStats: Record<string, { count: number }> }).statusCodeStats ?? {}
  const unexpected = Object.entries(codes).filter(([code]) => Number(code) !== expect).reduce((n, [, v]) => n + v.count, 0)
  const kb = result.requests.total > 0 ? result.throughput.total / result.requests.total / 1024 : 0
  return { run, route, rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors + result.timeouts + unexpected, rssMb: Math.round(rss), kb, cpu }
}

/**
 * `--soak S`: the API alone (response cache on, as by default), a fixed rate of mixed public reads for
 * S seconds, RSS sampled every 100 ms: the peak, the RSS when the load stops and after 10 s at rest.
 */
async function soak(env: Record<string, string>): Promise<void> {
  const api = await startApi(env)
  try {
    const pid = api.child.pid!
    const sample = ((await (await fetch(`${api.url}/v1/articles?limit=100`)).json()) as { data: { slug: string; tags: { slug: string }[] }[] }).data
    if (sample.length === 0) throw new Error('no public article to load: raise --articles')
    const tags = [...new Set(sample.flatMap((a) => a.tags.map((t) => t.slug)))].slice(0, 20)
    const paths = [
      ...['', '?limit=20', '?limit=50'].map((q) => `/v1/articles${q}`),
      ...sample.map((a) => `/v1/articles/${a.slug}`),
      ...sample.slice(0, 30).map((a) => `/v1/articles/${a.slug}/related`),
      ...tags.map((t) => `/v1/articles?tag=${t}&limit=20`),
      ...['missile', 'china', 'submarine', 'air defence', '"aircraft carrier"', 'navy', 'drone', 'treaty'].map((q) => `/v1/search?q=${encodeURIComponent(q)}`),
    ]
    const idle = rssMb(pid)
    let peak = idle
    let peakAt = 0
    const started = Date.now()
    const sampler = setInterval(() => {
      const rss = rssMb(pid)
      if (rss > peak) [peak, peakAt] = [rss, (Date.now() - started) / 1000]
    }, 100)
    const result = await autocannon({ url: api.url, connections, duration: numbers.soak, overallRate: numbers.soakRate, requests: paths.map((p) => ({ method: 'GET' as const, path: p })) })
    clearInterval(sampler)
    const atEnd = rssMb(pid)
    await new Promise((resolve) => setTimeout(resolve, 10_000))
    const rested = rssMb(pid)
    const codes = (result as unknown as { statusCodeStats: Record<string, { count: number }> }).statusCodeStats ?? {}
    const errors = result.errors + result.timeouts + Object.entries(codes).filter(([code]) => code !== '200').reduce((n, [, v]) => n + v.count, 0)
    process.stdout.write(
      `\n${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, ${args.pglite ? 'PGlite' : 'PostgreSQL'}, ${args.articles} articles\n` +
        `soak: ${numbers.soak} s at ${numbers.soakRate} req/s over ${connections} connections, ${paths.length} URLs (latest, article, related, tag, search), RSS sampled every 100 ms\n\n` +
        `requests ${result.requests.total} (${result.requests.average.toFixed(0)} req/s), p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, errors ${errors}\n` +
        `RSS: ${idle.toFixed(0)} MB at rest before, peak ${peak.toFixed(0)} MB (at ${peakAt.toFixed(0)} s), ${atEnd.toFixed(0)} MB when the load stopped, ${rested.toFixed(0)} MB after 10 s at rest\n\n`,
    )
    const checks: [string, boolean][] = [
      [`peak RSS < 250 MB (${peak.toFixed(0)} MB)`, peak < 250],
      [`zero errors (${errors})`, errors === 0],
    ]
    for (const [name, ok] of checks) process.stdout.write(`${ok ? 'PASS' : 'FAIL'}  ${name}\n`)
    process.exitCode = checks.every(([, ok]) => ok) ? 0 : 1
  } finally {
    await stop(api.child)
  }
}

/** The `q` quantile of ascending `sorted` values. */
const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? 0

/**
 * `--first-start-reads S`: the API's first start on the generated archive, whose Related Posts
 * backfill then ranks every article's list, read by one client one request at a time for S seconds
 * from the moment it is ready. On PGlite this is what a reader of a newly imported site meets.
 */
async function firstStartReads(env: Record<string, string>): Promise<void> {
  const api = await startApi(env)
  try {
    const sample = ((await (await fetch(`${api.url}/v1/articles?limit=50`)).json()) as { data: { slug: string }[] }).data
    if (sample.length === 0) throw new Error('no public article to load: raise --articles')
    const paths = sample.flatMap((a, i) => [`/v1/articles?limit=20&page=${(i % 7) + 1}`, `/v1/articles/${a.slug}`, `/v1/articles/${a.slug}/related`])
    const all: number[] = []
    let window: number[] = []
    let errors = 0
    const started = Date.now()
    let windowEnds = started + 5000
    const line = (label: string, values: number[]) => {
      const sorted = [...values].sort((a, b) => a - b)
      const f = (q: number) => quantile(sorted, q).toFixed(1)
      return `${label.padEnd(12)} reads ${String(sorted.length).padStart(5)}  p50 ${f(0.5).padStart(7)}  p95 ${f(0.95).padStart(7)}  p99 ${f(0.99).padStart(7)}  max ${(sorted.at(-1) ?? 0).toFixed(1).padStart(7)} ms\n`
    }
    process.stdout.write(`\n${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, ${args.pglite ? 'PGlite' : 'PostgreSQL'}, ${numbers.articles} articles, one client, ${numbers.firstStartReads} s from ready\n\n`)
    for (let i = 0; Date.now() - started < numbers.firstStartReads * 1000; i++) {
      const t0 = performance.now()
      const res = await fetch(`${api.url}${paths[i % paths.length]!}`)
      await res.arrayBuffer()
      const ms = performance.now() - t0
      if (res.status !== 200) errors++
      all.push(ms)
      window.push(ms)
      if (Date.now() >= windowEnds) {
        process.stdout.write(line(`${Math.round((windowEnds - started) / 1000)} s`, window))
        window = []
        windowEnds += 5000
      }
    }
    if (window.length > 0) process.stdout.write(line('rest', window))
    process.stdout.write(line('overall', all))
    process.stdout.write(`\n${errors === 0 ? 'PASS' : 'FAIL'}  zero errors (${errors})\n`)
    process.exitCode = errors === 0 ? 0 : 1
  } finally {
    await stop(api.child)
  }
}

async function main() {
  const cleanups: (() => Promise<void>)[] = []
  try {
    // 1. A fresh database with 10,000 generated articles.
    let databaseEnv: Record<string, string>
    if (args.pglite) {
      const dataDir = mkdtempSync(path.join(os.tmpdir(), 'newsroom-bench-'))
      cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }))
      const database = await createDatabase({ kind: 'pglite', dataDir })
      await runMigrations(database)
      await generateBenchData(database.db, { articles: Number(args.articles), tags: 500, authors: 40, seed: 42, log: () => {} })
      // As on PostgreSQL below: statistics fresh, visibility map set.
      await database.pglite!.exec('vacuum analyze')
      await database.close()
      databaseEnv = { DATA_DIR: dataDir, PGLITE_SHARED_BUFFERS_MB: args['pglite-shared-buffers']! }
    } else {
      const name = `newsroom_bench_${Date.now().toString(36)}`
      const admin = new pg.Client({ connectionString: args['admin-url'] })
      await admin.connect()
      await admin.query(`create database "${name}"`)
      await admin.end()
      const url = new URL(args['admin-url']!)
      url.pathname = `/${name}`
      databaseEnv = { DATABASE_URL: url.toString() }
      cleanups.push(async () => {
        const c = new pg.Client({ connectionString: args['admin-url'] })
        await c.connect()
        await c.query(`drop database if exists "${name}" with (force)`)
        await c.end()
      })
      const database = await createDatabase({ kind: 'postgres', url: url.toString(), poolSize: 4 })
      await runMigrations(database)
      process.stdout.write(`generating ${args.articles} articles into ${name}…\n`)
      await generateBenchData(database.db, { articles: Number(args.articles), tags: 500, authors: 40, seed: 42, log: () => {} })
      // Autovacuum's steady state: visibility map set (index-only counts), statistics fresh.
      await database.pool!.query('vacuum analyze')
      await database.close()
    }

    // The API runs as in production: compiled JavaScript (`npm run build`, as the Dockerfile does).
    await new Promise<void>((resolve, reject) => {
      const build = spawn('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' })
      build.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`npm run build exited with ${code}`))))
    })

    const rows: Row[] = []
    const ceilingRows: Row[] = []
    const roundNotes: string[] = []
    const env = { ...databaseEnv, ...compressionEnv, JWT_SECRET, SEED: 'false', LOG_LEVEL: 'warn', HOST: '127.0.0.1', PORT: '0', DATABASE_POOL_SIZE: '10' }
    // The soak and the first-start reads run one API with one setting of the cache, printed first.
    const oneApi = async (cache: boolean, run: (apiEnv: Record<string, string>) => Promise<void>) => {
      const apiEnv = { ...env, RESPONSE_CACHE: String(cache) }
      process.stdout.write(
        `\nconfiguration (API variables; PORT and PUBLIC_URL its own; all others at their defaults):\n${describeSettings({ ...apiEnv, PORT: undefined })}\n` +
          `API: compiled (dist/server.js), NODE_ENV=production, NODE_OPTIONS=${imageNodeOptions()}\n`,
      )
      await run(apiEnv)
    }
    if (numbers.soak > 0) return await oneApi(true, soak)
    if (numbers.firstStartReads > 0) return await oneApi(false, firstStartReads)
    process.stdout.write(
      `\nconfiguration (API variables of every run; RESPONSE_CACHE=false, then true; PORT and PUBLIC_URL each API's own; all others at their defaults):\n${describeSettings({ ...env, PORT: undefined })}\n` +
        `API: compiled (dist/server.js), NODE_ENV=production, NODE_OPTIONS=${imageNodeOptions()}; ` +
        `load: autocannon, ${connections} connections, ${warmup} s warm-up + ${duration} s measured per route${args.pglite ? ', no ceiling (PGlite is in-process)' : `, ${ROUNDS} API/ceiling rounds for latest 20 and article by slug with the cache off`}\n\n`,
    )

    // 2. The ceiling: bare fastify + pg (PostgreSQL only: PGlite is in-process).
    let baseline: { child: ChildProcess; url: string } | undefined
    if (!args.pglite) {
      baseline = await start('test/bench/baseline.ts', env, /baseline listening at (http:\/\/\S+)/)
      cleanups.push(() => stop(baseline!.child))
    }

    // 3. The API, response cache off, then on.
    for (const cache of ['off', 'on'] as const) {
      const api = await startApi({ ...env, RESPONSE_CACHE: cache === 'on' ? 'true' : 'false' })
      cleanups.push(() => stop(api.child)) // also when a run fails half-way: no API left running
      const pid = api.child.pid!
      const get = async (p: string) => (await fetch(`${api.url}${p}`)).json() as Promise<{ data: { slug: string; tags: { slug: string }[] }[] }>
      const sample = (await get('/v1/articles?limit=100')).data
      if (sample.length === 0) throw new Error('no public article to load: raise --articles')
      const slugs = sample.map((a) => `/v1/articles/${a.slug}`)
      const tag = sample.flatMap((a) => a.tags.map((t) => t.slug))[0]!
      // fetch asks for gzip by default; the 304 row revalidates the identity representation.
      const latestRes = await fetch(`${api.url}/v1/articles?limit=20`, { headers: { 'accept-encoding': 'identity' } })
      const etag = latestRes.headers.get('etag')!
      await latestRes.arrayBuffer()
      // The run is what its label says: read one URL twice and check where the second answer came from.
      const probe = async () => {
        const res = await fetch(`${api.url}/v1/articles?limit=19`)
        await res.arrayBuffer()
        return res.headers.get('x-cache')
      }
      const seen = [await probe(), await probe()]
      if (seen.join() !== (cache === 'on' ? 'MISS,HIT' : 'MISS,MISS')) throw new Error(`response cache ${cache}, yet a read twice answered X-Cache: ${seen.join(', ')}`)
      const run = `API, response cache ${cache}`
      const ceilingRun = 'bare fastify + pg (ceiling)'
      const ceilingPaths: Record<string, string[]> = { 'latest 20': ['/latest'], 'article by slug': sample.map((a) => `/article/${a.slug}`) }
      /**
       * With the cache off, the two routes compared to the ceiling are measured in ROUNDS pairs,
       * API then ceiling back to back, and the pair with the median ratio is reported: a shared
       * machine drifts over minutes, and a ratio of two runs far apart measures the drift too.
       * Errors count over every round; RSS is the highest seen.
       */
      const paired = async (route: string, paths: string[]) => {
        if (!baseline || cache === 'on') return void rows.push(await load(run, route, api.url, paths, pid))
        const pairs: [Row, Row][] = []
        for (let round = 0; round < ROUNDS; round++) {
          pairs.push([await load(run, route, api.url, paths, pid), await load(ceilingRun, route, baseline.url, ceilingPaths[route]!, baseline.child.pid!)])
        }
        const ratios = pairs.map(([a, b]) => a.rps / b.rps)
        const [api_, ceiling] = [...pairs].sort(([a1, b1], [a2, b2]) => a1.rps / b1.rps - a2.rps / b2.rps)[Math.floor(ROUNDS / 2)]!
        for (const [i, row] of [api_, ceiling].entries()) {
          row.errors = pairs.reduce((n, pair) => n + pair[i]!.errors, 0)
          row.rssMb = Math.max(...pairs.map((pair) => pair[i]!.rssMb))
        }
        roundNotes.push(`info  ${route}, cache off: API/ceiling per round ${ratios.map((r) => `${r.toFixed(2)}×`).join(', ')} (median reported)`)
        rows.push(api_)
        ceilingRows.push(ceiling)
      }
      await paired('latest 20', ['/v1/articles?limit=20'])
      await paired('article by slug', slugs)
      rows.push(await load(run, 'tag filter', api.url, [`/v1/articles?tag=${tag}&limit=20`], pid))
      rows.push(await load(run, 'search', api.url, ['missile', 'china', 'submarine', 'air defence', '"aircraft carrier"'].map((q) => `/v1/search?q=${encodeURIComponent(q)}`), pid))
      rows.push(await load(run, 'related', api.url, slugs.map((s) => `${s}/related`), pid))
      rows.push(await load(run, '304 (If-None-Match)', api.url, ['/v1/articles?limit=20'], pid, { 'if-none-match': etag }, 304))
      for (const coding of ['br', 'gzip']) {
        rows.push(await load(run, `latest 20, ${coding}`, api.url, ['/v1/articles?limit=20'], pid, { 'accept-encoding': coding }))
        rows.push(await load(run, `article by slug, ${coding}`, api.url, slugs, pid, { 'accept-encoding': coding }))
      }
      await stop(api.child)
      if (cache === 'off') rows.push(...ceilingRows)
    }

    // 4. Ratios, table, targets.
    const ceiling = (route: string) => rows.find((r) => r.run.startsWith('bare') && r.route === route)?.rps
    for (const row of rows) {
      if (row.run.startsWith('bare')) continue
      const to = row.route.startsWith('article by slug') || row.route === 'related' ? 'article by slug' : 'latest 20'
      const c = ceiling(to)
      if (c) Object.assign(row, { ratio: row.rps / c, ratioTo: to })
    }
    const cpu = os.cpus()[0]?.model ?? 'unknown CPU'
    process.stdout.write(`\n${os.cpus().length} × ${cpu}, Node ${process.version}, ${args.pglite ? 'PGlite' : 'PostgreSQL'}, ${args.articles} articles, ${connections} connections, ${warmup} s warm-up + ${duration} s per route\n`)
    process.stdout.write(`compression: br quality ${compressionEnv.COMPRESSION_BROTLI_QUALITY}, gzip level ${compressionEnv.COMPRESSION_GZIP_LEVEL}, bodies ≥ ${compressionEnv.COMPRESSION_MIN_BYTES} B; rows without a coding sent no Accept-Encoding\n\n`)
    const header = ['run', 'route', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'RSS MB', 'KB/resp', 'CPU µs/resp', 'ratio']
    const lines = rows.map((r) => [r.run, r.route, r.rps.toFixed(0), String(r.p50), String(r.p99), String(r.errors), String(r.rssMb), r.kb.toFixed(1), r.cpu.toFixed(0), r.ratio ? `${r.ratio.toFixed(2)}× ${r.ratioTo}` : '—'])
    const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)))
    const fmt = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`
    process.stdout.write(`${fmt(header)}\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|\n${lines.map(fmt).join('\n')}\n\n`)
    for (const note of roundNotes) process.stdout.write(`${note}\n`)

    const checks: [string, boolean][] = []
    const find = (run: string, route: string) => rows.find((r) => r.run === run && r.route === route)
    if (!args.pglite) {
      for (const route of ['latest 20', 'article by slug']) {
        checks.push([`cache off: ${route} ≥ 0.8× ceiling`, (find('API, response cache off', route)?.ratio ?? 0) >= 0.8])
        checks.push([`cache on: ${route} ≥ 3× ceiling`, (find('API, response cache on', route)?.ratio ?? 0) >= 3])
      }
      checks.push(['304 path ≥ 5× ceiling', (find('API, response cache on', '304 (If-None-Match)')?.ratio ?? 0) >= 5])
    }
    // p99 at 20 connections: every route served from memory, and the index-lookup reads with the
    // cache off. Search and related computed per request are bounded by the database's CPU (two
    // cores shared with the API and the load generator): reported, not a target here.
    // The target is the API's; the ceiling's own p99 is printed for comparison (its "latest 20"
    // counts the whole table on every request, where the API keeps counts in memory).
    const fast = (r: Row) => !r.run.startsWith('bare') && (r.run === 'API, response cache on' || ['latest 20', 'article by slug', '304 (If-None-Match)'].includes(r.route))
    checks.push(['p99 < 50 ms: every route with the response cache on; latest, slug and 304 with it off', rows.filter(fast).every((r) => r.p99 < 50)])
    for (const r of rows.filter((row) => !fast(row) && !row.run.startsWith('bare'))) process.stdout.write(`info  p99 ${r.p99} ms: ${r.route} with the response cache off (computed per request)\n`)
    checks.push(['zero errors', rows.every((r) => r.errors === 0)])
    checks.push(['API RSS < 250 MB', rows.filter((r) => !r.run.startsWith('bare')).every((r) => r.rssMb < 250)])
    for (const [name, ok] of checks) process.stdout.write(`${ok ? 'PASS' : 'FAIL'}  ${name}\n`)
    process.exitCode = checks.every(([, ok]) => ok) ? 0 : 1
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {})
  }
}

await main()
