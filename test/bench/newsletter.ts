/**
 * `npm run bench:newsletter`: one article sent to 100,000 confirmed subscribers (instant cadence,
 * every section) through a local SMTP sink, on a fresh PostgreSQL database. The API runs as its own
 * process (compiled, as the Docker image runs it) with its workers on; the sink counts the messages
 * each recipient receives. Prints its configuration, then the time to queue (until the send's
 * fan-out is done), messages/s delivered, peak RSS, duplicates and lost recipients, and the article
 * route's p99 idle and during the send, with the targets of issue 18. Exits 1 on a duplicate or a
 * lost recipient.
 *
 * Every API setting the output reports is set here (test/bench/settings.ts); the rest takes its default.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import type { Instance } from 'autocannon'
import { parseCommandLine } from '../../src/cli/args.js'
import { BENCH_JWT_SECRET, benchEnv, describeSettings, imageNodeOptions, integerAtLeast, onOff } from './settings.js'

const ROOT = path.resolve(import.meta.dirname, '../..')
const USAGE = `Usage: npm run bench:newsletter -- [options]
The newsletter benchmark: creates N confirmed subscribers (instant cadence, every section) in a
fresh PostgreSQL database, starts an SMTP sink and the compiled API (workers on, SMTP_URL the sink),
publishes an article and sends it to all of them (POST /v1/admin/articles/{id}/newsletter). Prints
its configuration, the time to queue, messages/s delivered, the API's peak RSS, duplicates and
lost recipients, and the article route's p99 idle and during the send, with the targets it checks.
Exits 1 when a recipient got the message twice or never. Deletes its database afterwards.
  --subscribers N          confirmed subscribers (default 100000)
  --rate N                 MAIL_RATE_PER_SECOND of the API (default 100000: effectively unlimited)
  --cache on|off           the API's response cache, RESPONSE_CACHE (default off: article reads hit the database)
  --connections N          connections of the article-route load (default 10)
  --read-rate N            article-route requests per second, idle and during the send (default 100)
  --idle S                 seconds the idle article-route load runs (default 10)
  --timeout S              longest wait for every recipient's message (default 1800)
  --node-options S         appended to the API's NODE_OPTIONS (the Dockerfile's, printed), e.g.
                           --node-options=--max-semi-space-size=16
  --no-build               run the existing dist/ instead of npm run build first
  --admin-url URL          PostgreSQL server to create the database on
                           (default postgres://postgres@127.0.0.1:5432/postgres, or BENCH_ADMIN_URL)
  --keep                   keep the database (its name is printed)
  -h, --help               this text`

const args = parseCommandLine(USAGE, {
  subscribers: { type: 'string', default: '100000' },
  rate: { type: 'string', default: '100000' },
  cache: { type: 'string', default: 'off' },
  connections: { type: 'string', default: '10' },
  'read-rate': { type: 'string', default: '100' },
  idle: { type: 'string', default: '10' },
  timeout: { type: 'string', default: '1800' },
  'node-options': { type: 'string', default: '' },
  'no-build': { type: 'boolean', default: false },
  'admin-url': { type: 'string', default: process.env.BENCH_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' },
  keep: { type: 'boolean', default: false },
})
let options: { subscribers: number; rate: number; cache: boolean; connections: number; readRate: number; idle: number; timeout: number }
try {
  options = {
    subscribers: integerAtLeast(1, args.subscribers, '--subscribers'),
    rate: integerAtLeast(1, args.rate, '--rate'),
    cache: onOff(args.cache, '--cache'),
    connections: integerAtLeast(1, args.connections, '--connections'),
    readRate: integerAtLeast(1, args['read-rate'], '--read-rate'),
    idle: integerAtLeast(1, args.idle, '--idle'),
    timeout: integerAtLeast(1, args.timeout, '--timeout'),
  }
  if (options.rate > 100_000) throw new Error(`--rate must be at most 100000 (MAIL_RATE_PER_SECOND's maximum), not "${args.rate}"`)
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`)
  process.exit(2)
}
// Loaded once the arguments are understood: --help answers without loading them.
const { default: autocannon } = await import('autocannon')
const { default: pg } = await import('pg')
const { SMTPServer } = await import('smtp-server')

const ADMIN = { email: 'bench-admin@bench.example', password: 'bench-admin-password-1234' }
/** The subscribers' addresses: reader-<n>@bench.example, n from 1. */
const address = (n: number) => `reader-${n}@bench.example`

/** Resident set size now, and its peak so far (VmHWM), of a process, in MB. */
function memory(pid: number): { rss: number; hwm: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const kb = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0)
    return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 }
  } catch {
    return { rss: 0, hwm: 0 }
  }
}

async function freePort(): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as net.AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

/** A sink that accepts every message, keeps no body, and counts messages per recipient. */
async function startSink() {
  const perRecipient = new Map<string, number>()
  let messages = 0
  let first = 0
  let last = 0
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    maxClients: 100,
    onData(stream, session, callback) {
      stream.on('end', () => {
        messages++
        last = performance.now()
        if (first === 0) first = last
        for (const rcpt of session.envelope.rcptTo) {
          const to = rcpt.address.toLowerCase()
          perRecipient.set(to, (perRecipient.get(to) ?? 0) + 1)
        }
        callback()
      })
      stream.resume()
    },
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.server.address() as net.AddressInfo).port
  return {
    url: `smtp://127.0.0.1:${port}/?ignoreTLS=true`,
    perRecipient,
    stats: () => ({ messages, first, last }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

async function startApi(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const child = spawn(process.execPath, ['dist/server.js'], { cwd: ROOT, env: benchEnv(process.env, { ...env, PORT: String(port), PUBLIC_URL: url }, []), stdio: ['ignore', 'inherit', 'inherit'] })
  const deadline = Date.now() + 300_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the API exited with ${child.exitCode}`)
    if (await fetch(`${url}/health/ready`).then((r) => r.ok, () => false)) return { child, url }
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  throw new Error('the API did not become ready within 300 s')
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve())
    child.kill('SIGTERM')
    setTimeout(() => child.kill('SIGKILL'), 15_000).unref()
  })
}

/** Article-route load at a fixed rate; `stop()` ends it early (the load during the send). */
function readLoad(url: string, duration: number) {
  let instance: Instance | undefined
  const done = new Promise<{ n: number; p50: number; p99: number; errors: number }>((resolve, reject) => {
    instance = autocannon({ url, connections: options.connections, overallRate: options.readRate, duration }, (error, result) => {
      if (error) return reject(error as Error)
      const codes = (result as unknown as { statusCodeStats?: Record<string, { count: number }> }).statusCodeStats ?? {}
      const unexpected = Object.entries(codes).filter(([code]) => code !== '200').reduce((n, [, v]) => n + v.count, 0)
      resolve({ n: result.requests.total, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors + result.timeouts + unexpected })
    })
  })
  return { done, stop: () => instance!.stop() }
}

async function main() {
  const cleanups: (() => Promise<void>)[] = []
  // Ctrl-C stops the API and drops the database too, as the end of a run does.
  process.once('SIGINT', () => {
    process.stderr.write('interrupted: stopping the API and dropping the database\n')
    void (async () => {
      for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {})
      process.exit(130)
    })()
  })
  let failed: boolean
  try {
    // 1. A fresh database.
    const name = `newsroom_bench_newsletter_${Date.now().toString(36)}`
    const admin = new pg.Client({ connectionString: args['admin-url'] })
    await admin.connect()
    await admin.query(`create database "${name}"`)
    await admin.end()
    const databaseUrl = new URL(args['admin-url']!)
    databaseUrl.pathname = `/${name}`
    cleanups.push(async () => {
      if (args.keep) return void process.stdout.write(`kept database ${name}\n`)
      const c = new pg.Client({ connectionString: args['admin-url'] })
      await c.connect()
      await c.query(`drop database if exists "${name}" with (force)`)
      await c.end()
    })

    // 2. The compiled API (as the Dockerfile builds and runs it) and the sink.
    if (!args['no-build']) {
      await new Promise<void>((resolve, reject) => {
        const build = spawn('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' })
        build.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`npm run build exited with ${code}`))))
      })
    }
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'newsroom-bench-newsletter-'))
    cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }))
    const sink = await startSink()
    cleanups.push(() => sink.close())
    const nodeOptions = [imageNodeOptions(), args['node-options']!].filter(Boolean).join(' ')
    const env = {
      DATABASE_URL: databaseUrl.toString(),
      JWT_SECRET: BENCH_JWT_SECRET,
      NODE_ENV: 'production',
      NODE_OPTIONS: nodeOptions,
      // The demo publication (sections, authors) to publish into: loaded by a first start (below).
      SEED: 'false',
      DATA_DIR: dataDir,
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      SMTP_URL: sink.url,
      MAIL_RATE_PER_SECOND: String(options.rate),
      RESPONSE_CACHE: String(options.cache),
      DATABASE_POOL_SIZE: '10',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
    }
    process.stdout.write(
      `\nconfiguration (API variables; PORT and PUBLIC_URL chosen at start; all others at their defaults; a first start with SEED=true loads the demo publication and is stopped):\n${describeSettings(env)}\n` +
        `API: compiled (dist/server.js), NODE_ENV=production, NODE_OPTIONS=${nodeOptions}; one process — src/server.ts runs the outbox and newsletter workers (fan-out and delivery) in the API process, there is no separate worker process, so "worker RSS" is that process's too\n` +
        `newsletter fan-out: chunks of 1000 recipients (src/services/container.ts), delivery through a pool of 5 SMTP connections\n` +
        `sink: smtp-server on 127.0.0.1, in the benchmark process, accepts everything, counts messages per recipient\n` +
        `article-route load: autocannon, ${options.connections} connections, ${options.readRate} req/s, ${options.idle} s idle, then for the whole send\n` +
        `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, PostgreSQL database ${name}\n\n`,
    )
    // The first start migrates and loads the demo content (its images through sharp) and is
    // stopped: the measured process starts on a prepared database, as a restarted server does.
    const prepare = await startApi({ ...env, SEED: 'true' })
    await stop(prepare.child)
    const api = await startApi(env)
    cleanups.push(() => stop(api.child))
    const pid = api.child.pid!
    let peakRss = memory(pid).rss
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, memory(pid).rss)), 100)
    cleanups.push(async () => clearInterval(sampler))

    // 3. The subscribers, in one INSERT … SELECT.
    const db = new pg.Client({ connectionString: databaseUrl.toString() })
    await db.connect()
    cleanups.push(() => db.end())
    const started = performance.now()
    await db.query(
      `insert into subscribers (email, status, cadence, sections, consent_at, consent_source, privacy_policy_version, confirmed_at)
       select 'reader-' || g || '@bench.example', 'confirmed', 'instant', '{}', now(), 'bench', '1', now() from generate_series(1, $1::int) g`,
      [options.subscribers],
    )
    await db.query('vacuum analyze subscribers')
    process.stdout.write(`${options.subscribers} confirmed subscribers created in ${((performance.now() - started) / 1000).toFixed(1)} s\n`)
    const others = Number((await db.query(`select count(*)::int as n from subscribers where status = 'confirmed' and cadence = 'instant' and email not like '%@bench.example'`)).rows[0].n)

    // 4. Log in, publish an article (not sent on publication: the send below is the measured one).
    // Access tokens are short-lived and a send outlasts one: log in again when it has expired.
    const auth: { authorization: string } = { authorization: '' }
    const logIn = async () => {
      const login = await fetch(`${api.url}/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) })
      if (!login.ok) throw new Error(`login answered ${login.status}: ${await login.text()}`)
      auth.authorization = `Bearer ${((await login.json()) as { access_token: string }).access_token}`
    }
    await logIn()
    const json = { ...auth, 'content-type': 'application/json' }
    const created = await fetch(`${api.url}/v1/admin/articles`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ title: 'Benchmark dispatch: the harbour board votes on the new ferry terminal', section: 'india', status: 'published', newsletter: false, body: 'The harbour board met on Tuesday to vote on dredging, tariffs and the new ferry terminal.\n\n'.repeat(8) }),
    })
    if (created.status !== 201) throw new Error(`creating the article answered ${created.status}: ${await created.text()}`)
    const article = ((await created.json()) as { data: { id: string; slug: string } }).data
    const articleUrl = `${api.url}/v1/articles/${article.slug}`
    const probe = await fetch(articleUrl)
    if (probe.status !== 200) throw new Error(`${articleUrl} answered ${probe.status}`)
    await probe.arrayBuffer()

    // 5. The article route idle.
    const idle = await readLoad(articleUrl, options.idle).done
    const idleRss = peakRss
    process.stdout.write(`idle article route: ${idle.n} requests, p99 ${idle.p99} ms\n`)

    // 6. The send, with the same load for its whole length.
    const during = readLoad(articleUrl, options.timeout + 60)
    const posted = performance.now()
    const sendRes = await fetch(`${api.url}/v1/admin/articles/${article.id}/newsletter`, { method: 'POST', headers: json, body: '{}' })
    if (sendRes.status !== 202) throw new Error(`the send answered ${sendRes.status}: ${await sendRes.text()}`)
    const sendId = ((await sendRes.json()) as { data: { id: string } }).data.id
    type Send = { status: string; recipients: number; queued: number; delivered: number; failed: number; bounced: number; skipped: number }
    const getSend = async (): Promise<Send> => {
      let res = await fetch(`${api.url}/v1/admin/newsletter/sends/${sendId}`, { headers: auth })
      if (res.status === 401) {
        await res.arrayBuffer()
        await logIn()
        res = await fetch(`${api.url}/v1/admin/newsletter/sends/${sendId}`, { headers: auth })
      }
      if (res.status !== 200) throw new Error(`GET /v1/admin/newsletter/sends/${sendId} answered ${res.status}: ${await res.text()}`)
      return ((await res.json()) as { data: Send }).data
    }
    const expected = options.subscribers + others
    let queuedAt: number | undefined
    let send = await getSend()
    let shown = posted
    const deadline = posted + options.timeout * 1000
    let quietSince: number | undefined
    let timedOut = false
    for (;;) {
      const now = performance.now()
      // Fanned out: the send leaves `queued` once its last chunk is written.
      if (queuedAt === undefined && send.status !== 'queued') {
        queuedAt = now
        process.stderr.write(`fan-out done: ${send.recipients} recipients queued in ${((now - posted) / 1000).toFixed(1)} s\n`)
      }
      const { messages } = sink.stats()
      if (queuedAt !== undefined && messages >= expected && send.status === 'sent') break
      // Sent (nothing pending) but fewer messages than recipients: wait a little for stragglers, then count.
      if (send.status === 'sent' || send.status === 'cancelled') {
        quietSince ??= now
        if (now - quietSince > 5000) break
      }
      if (now > deadline) {
        process.stdout.write(`timed out after ${options.timeout} s\n`)
        timedOut = true
        break
      }
      if (now - shown > 10_000) {
        shown = now
        process.stderr.write(`${((now - posted) / 1000).toFixed(0)} s: ${send.status}, ${send.recipients} recipients, ${messages} messages received, RSS ${memory(pid).rss.toFixed(0)} MB\n`)
      }
      // Its counts group the send's outbox jobs: asked every 250 ms until the fan-out is done (the
      // time to queue), then every 2 s, so the benchmark's own polling does not load the database.
      await new Promise((resolve) => setTimeout(resolve, queuedAt === undefined ? 250 : 2000))
      send = await getSend()
    }
    during.stop()
    const load = await during.done
    const { messages, first, last } = sink.stats()
    const hwm = memory(pid).hwm
    peakRss = Math.max(peakRss, memory(pid).rss)

    // 7. Every subscriber once: duplicates and lost.
    let duplicates = 0
    let lost = 0
    for (let n = 1; n <= options.subscribers; n++) {
      const times = sink.perRecipient.get(address(n)) ?? 0
      if (times === 0) lost++
      else if (times > 1) duplicates++
    }
    const extra = [...sink.perRecipient.entries()].filter(([to]) => !to.endsWith('@bench.example')).reduce((n, [, times]) => n + times, 0)

    const queueS = queuedAt === undefined ? Number.NaN : (queuedAt - posted) / 1000
    const deliverS = last > 0 ? (last - posted) / 1000 : Number.NaN
    const rate = last > 0 ? messages / deliverS : 0
    const rows: [string, string][] = [
      ['subscribers (confirmed, instant, all sections)', String(options.subscribers)],
      ['recipients fanned out', String(send.recipients)],
      ['time to queue (POST → fan-out done)', `${queueS.toFixed(1)} s`],
      ['delivery (POST → last message received)', `${deliverS.toFixed(1)} s (first message after ${((first - posted) / 1000).toFixed(1)} s)`],
      ['messages/s delivered', rate.toFixed(0)],
      ['send status / delivered / failed / bounced / skipped', `${send.status} / ${send.delivered} / ${send.failed} / ${send.bounced} / ${send.skipped}`],
      ['messages received by the sink', `${messages} (${extra} to the demo subscribers)`],
      ['duplicates (recipients sent > 1)', String(duplicates)],
      timedOut
        ? ['not received at the timeout', `${lost} (${send.queued} jobs still queued: not lost, not yet sent)`]
        : ['lost (subscribers never sent)', String(lost)],
      ['peak RSS, API = worker (sampled VmRSS; VmHWM)', `${peakRss.toFixed(0)} MB; ${hwm.toFixed(0)} MB (idle before the send: ${idleRss.toFixed(0)} MB)`],
      ['article route p99 idle / during (p50)', `${idle.p99} ms / ${load.p99} ms (${idle.p50} / ${load.p50} ms; ${idle.n} / ${load.n} requests)`],
      ['article route errors idle / during', `${idle.errors} / ${load.errors}`],
    ]
    const width = Math.max(...rows.map(([k]) => k.length))
    process.stdout.write(`\n${rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n')}\n\n`)
    const checks: [string, boolean][] = [
      [`time to queue < 10 s (${queueS.toFixed(1)} s)`, queueS < 10],
      [`article route p99 during ≤ 2× idle (${load.p99} ms vs ${idle.p99} ms)`, load.p99 <= 2 * idle.p99],
      [`RSS < 250 MB (peak ${Math.max(peakRss, hwm).toFixed(0)} MB, API and worker are one process)`, Math.max(peakRss, hwm) < 250],
      [`0 duplicates (${duplicates})`, duplicates === 0],
      [timedOut ? `0 lost: not known, ${lost} not yet received at the --timeout of ${options.timeout} s` : `0 lost (${lost})`, lost === 0],
      [`article route: no errors (${idle.errors + load.errors})`, idle.errors + load.errors === 0],
    ]
    for (const [label, ok] of checks) process.stdout.write(`${ok ? 'PASS' : 'FAIL'}  ${label}\n`)
    failed = duplicates > 0 || lost > 0
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {})
  }
  process.exitCode = failed ? 1 : 0
}

await main()
