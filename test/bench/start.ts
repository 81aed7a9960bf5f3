/**
 * `npm run bench:start`: how long the compiled API takes from spawn to its first 200 on a read route,
 * with a migrated database — on PostgreSQL and on embedded PGlite — against a bare fastify + pg
 * server (one route, one query) measured in the same run, rounds interleaved so a busy moment hits
 * every case alike. Then a first start: `npm start` (as a newcomer runs it) on an empty
 * DATA_DIR, migrations and demo seeding included. Prints its configuration, median/min/max per case,
 * the ratio to the bare server and the targets of issue #20; exits 1 when one is missed.
 *
 * The servers get no API variable from the caller's environment: everything is set here
 * (test/bench/settings.ts), the rest takes its default.
 */
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { parseCommandLine } from '../../src/cli/args.js'
import { BENCH_JWT_SECRET, benchEnv, describeSettings, imageNodeOptions, integerAtLeast } from './settings.js'

const ROOT = path.resolve(import.meta.dirname, '../..')
const USAGE = `Usage: npm run bench:start -- [options]
Start-up benchmark: builds the API (npm run build), then measures spawn → first HTTP 200 of
\`node dist/server.js\` (NODE_ENV=production, no tsx) on a migrated PostgreSQL database it creates and
on a migrated PGlite DATA_DIR, and of a bare fastify + pg server (one route, one query); then the
first \`npm start\` on an empty DATA_DIR (migrations + demo seeding). Prints median, min and max per
case, the ratio to the bare server and the targets (< 1 s, ≤ 2× bare, first start < 5 s); exit 1
when one is missed. Deletes what it creates.
  --runs N                 starts per case (default 5)
  --first-starts N         first starts on an empty DATA_DIR (default 3; 0 skips them)
  --route PATH             the read route asked (default /v1/articles)
  --admin-url URL          PostgreSQL server to create the database on
                           (default postgres://postgres@127.0.0.1:5432/postgres, or BENCH_ADMIN_URL)
  --skip-build             use the dist/ already built
  --compare DIR            also start DIR's dist/server.js (another checkout of the project, built,
                           on the same migrations) in the same rounds: before/after in one run
  -h, --help               this text`
const args = parseCommandLine(USAGE, {
  runs: { type: 'string', default: '5' },
  'first-starts': { type: 'string', default: '3' },
  route: { type: 'string', default: '/v1/articles' },
  'admin-url': { type: 'string', default: process.env.BENCH_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' },
  'skip-build': { type: 'boolean', default: false },
  compare: { type: 'string' },
})
let runs: number
let firstStarts: number
try {
  runs = integerAtLeast(1, args.runs, '--runs')
  firstStarts = integerAtLeast(0, args['first-starts'], '--first-starts')
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`)
  process.exit(2)
}
const route = args.route!
const adminUrl = args['admin-url']!

/** The targets of issue #20. */
const TARGET_MS = 1000
const TARGET_RATIO = 2
const FIRST_START_TARGET_MS = 5000

// Loaded once the arguments are understood: --help answers without loading them.
const { default: pg } = await import('pg')
const { createDatabase } = await import('../../src/db/client.js')
const { runMigrations } = await import('../../src/db/migrate.js')

/** The bare server: fastify + pg, one route doing one query, nothing else. Run from the project root. */
const BARE_SERVER = `
import Fastify from 'fastify'
import pg from 'pg'
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 })
const app = Fastify()
app.get(${JSON.stringify(route)}, async () => (await pool.query('select now() as now')).rows[0])
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' })
`

async function freePort(): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as net.AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

/** One GET; the status, or 0 when nothing listens yet. */
function get(port: number): Promise<number> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1')
    let head = ''
    socket.setNoDelay(true)
    socket.on('connect', () => socket.write(`GET ${route} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`))
    socket.on('data', (chunk) => {
      head += chunk.toString('latin1')
      const match = /^HTTP\/1\.1 (\d{3})/.exec(head)
      if (match) {
        socket.destroy()
        resolve(Number(match[1]))
      }
    })
    socket.on('error', () => resolve(0))
    socket.on('close', () => resolve(0))
  })
}

/**
 * Spawns `argv` and asks `route` until it answers 200 (a refused connection is retried after 5 ms):
 * the milliseconds from spawn to that answer. Then SIGTERM, and waits for the exit.
 */
async function timeToFirst200(argv: string[], env: Record<string, string>, port: number, cwd = ROOT, timeoutMs = 120_000): Promise<number> {
  let output = ''
  const started = performance.now()
  const child = spawn(argv[0]!, argv.slice(1), { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] })
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  try {
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${argv.join(' ')} exited (${child.exitCode ?? child.signalCode}) before answering 200:\n${output}`)
      if (performance.now() - started > timeoutMs) throw new Error(`${argv.join(' ')} did not answer 200 within ${timeoutMs / 1000} s:\n${output}`)
      const status = await get(port)
      if (status === 200) return performance.now() - started
      if (status !== 0) throw new Error(`${argv.join(' ')} answered ${status} on ${route}:\n${output}`)
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000)
    await exited
    clearTimeout(timer)
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

if (!args['skip-build']) {
  process.stdout.write('building: npm run build\n')
  const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' })
  if (build.status !== 0) process.exit(build.status ?? 1)
}

const dbName = `bench_start_${process.pid}`
const databaseUrl = (() => {
  const url = new URL(adminUrl)
  url.pathname = `/${dbName}`
  return url.toString()
})()
const scratch = mkdtempSync(path.join(os.tmpdir(), 'bench-start-'))
const pgliteDir = path.join(scratch, 'pglite')
// As the Docker image runs it: compiled, production mode, the image's heap budget.
const nodeOptions = imageNodeOptions()
const apiSettings = { NODE_ENV: 'production', NODE_OPTIONS: nodeOptions, HOST: '127.0.0.1', JWT_SECRET: BENCH_JWT_SECRET, SEED: 'false' }

const admin = new pg.Client({ connectionString: adminUrl })
await admin.connect()
try {
  await admin.query(`create database ${dbName}`)
  for (const location of [{ DATABASE_URL: databaseUrl }, { DATA_DIR: pgliteDir }]) {
    const database = await createDatabase(location.DATABASE_URL ? { kind: 'postgres', url: location.DATABASE_URL } : { kind: 'pglite', dataDir: location.DATA_DIR! })
    try {
      await runMigrations(database)
    } finally {
      await database.close()
    }
  }

  const cases: { name: string; argv: string[]; env: (port: number) => Record<string, string>; bare?: boolean; cwd?: string; reference?: boolean }[] = [
    { name: 'bare fastify + pg', argv: [process.execPath, '--input-type=module', '--eval', BARE_SERVER], env: (port) => benchEnv(process.env, { NODE_ENV: 'production', DATABASE_URL: databaseUrl, PORT: String(port) }, []), bare: true },
    { name: 'API, PostgreSQL', argv: [process.execPath, 'dist/server.js'], env: (port) => benchEnv(process.env, { ...apiSettings, DATABASE_URL: databaseUrl, PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}` }, []) },
    { name: 'API, PGlite', argv: [process.execPath, 'dist/server.js'], env: (port) => benchEnv(process.env, { ...apiSettings, DATA_DIR: pgliteDir, PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}` }, []) },
  ]
  if (args.compare) {
    const cwd = path.resolve(args.compare)
    const label = path.basename(cwd)
    cases.push(
      { name: `${label}: API, PostgreSQL`, argv: [process.execPath, 'dist/server.js'], cwd, env: cases[1]!.env, reference: true },
      { name: `${label}: API, PGlite`, argv: [process.execPath, 'dist/server.js'], cwd, env: cases[2]!.env, reference: true },
    )
  }
  process.stdout.write(
    [
      `configuration: ${runs} starts per case (rounds interleaved), GET ${route} until 200 (retry every 5 ms), node ${process.version}, ${os.cpus().length} CPUs, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`,
      `  PostgreSQL: ${describeSettings({ DATABASE_URL: databaseUrl }).trim()} (migrated); PGlite: a migrated DATA_DIR`,
      `  API: node dist/server.js (${nodeOptions || 'no NODE_OPTIONS'})`,
      describeSettings(apiSettings),
      '',
    ].join('\n'),
  )
  const times = new Map<string, number[]>(cases.map((c) => [c.name, []]))
  for (let round = 0; round < runs; round++) {
    for (const c of cases) {
      const port = await freePort()
      times.get(c.name)!.push(await timeToFirst200(c.argv, c.env(port), port, c.cwd))
    }
  }

  let failed = false
  const bare = median(times.get(cases[0]!.name)!)
  const rows = cases.map((c) => {
    const values = times.get(c.name)!
    const m = median(values)
    const ratio = m / bare
    let verdict = ''
    if (!c.bare) {
      const fast = m < TARGET_MS
      const close = ratio <= TARGET_RATIO
      if (!c.reference) failed ||= !fast || !close
      verdict = `< ${TARGET_MS} ms: ${fast ? 'pass' : 'FAIL'}, ≤ ${TARGET_RATIO}× bare: ${close ? 'pass' : 'FAIL'}`
    }
    return [c.name, m.toFixed(0), Math.min(...values).toFixed(0), Math.max(...values).toFixed(0), c.bare ? '1.00' : ratio.toFixed(2), verdict]
  })

  if (firstStarts > 0) {
    const values: number[] = []
    for (let i = 0; i < firstStarts; i++) {
      const dataDir = path.join(scratch, `first-${i}`)
      const port = await freePort()
      // As a newcomer runs it: npm start, no settings but the port, an empty DATA_DIR.
      values.push(await timeToFirst200(['npm', 'start', '--silent'], benchEnv(process.env, { DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: `http://127.0.0.1:${port}` }, []), port))
      rmSync(dataDir, { recursive: true, force: true })
    }
    const m = median(values)
    failed ||= m >= FIRST_START_TARGET_MS
    rows.push(['npm start, empty DATA_DIR (migrate + seed)', m.toFixed(0), Math.min(...values).toFixed(0), Math.max(...values).toFixed(0), '', `< ${FIRST_START_TARGET_MS} ms: ${m < FIRST_START_TARGET_MS ? 'pass' : 'FAIL'}`])
  }

  const header = ['case', 'median ms', 'min ms', 'max ms', '× bare', 'targets']
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  const line = (cells: string[]) => cells.map((cell, i) => (i === 0 || i === 5 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ').trimEnd()
  process.stdout.write(`${line(header)}\n${rows.map(line).join('\n')}\n`)
  process.stdout.write(failed ? 'a target was missed\n' : 'all targets met\n')
  process.exitCode = failed ? 1 : 0
} finally {
  await admin.query(`drop database if exists ${dbName} with (force)`).catch(() => {})
  await admin.end()
  rmSync(scratch, { recursive: true, force: true })
}
