import t from 'tap'
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

/**
 * Every shell command the README shows runs, as written, somewhere: the curl examples here against
 * a real `npm start` on a fresh embedded database (the quick start), the rest in a named CI step or
 * test file. A command added to the README without either fails this test, so an example that
 * stops working (a host that does not resolve, a password that is not printed, a 404) is caught.
 * Only the host is rewritten: `localhost:3000` becomes the port the server took, and
 * `<printed password>` the password the server printed.
 */
const ROOT = path.resolve(import.meta.dirname, '..')
const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8')
const ci = readFileSync(path.join(ROOT, '.ci/run'), 'utf8')

/** The ```sh blocks of a Markdown document, in order. */
function shellBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((match) => match[1]!)
}

/** A block's commands: comment-only lines dropped, trailing comments kept (bash ignores them). */
const commandsOf = (block: string) =>
  block
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))

/** Commands not run here, and where they are run instead (a .ci/run step or a test file). */
const RUN_ELSEWHERE: Record<string, { ci: string } | { test: string }> = {
  'npm ci && npm start': { ci: 'npm ci' }, // and `npm start` is the server of this test
  'npm test                # the test suite (embedded PGlite)': { ci: 'npm test' },
  'TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm test   # the same suite on PostgreSQL': { ci: 'TEST_DATABASE_URL="$PG_URL" npm test' },
  'DATABASE_URL=postgres://user:pass@localhost:5432/newsroom JWT_SECRET=$(openssl rand -hex 32) npm start': { test: 'test/server.test.ts' },
  'npm run typecheck && npm run lint     # strict TypeScript; ESLint (also enforces routes → services → repositories)': { ci: 'npm run lint' },
  'npm test                              # the test suite': { ci: 'npm test' },
  'npm test                              # tap, through app.inject, each test file on its own fresh database': { ci: 'npm test' },
  'npm run openapi                       # regenerate openapi/openapi.json and its recorded examples': { test: 'test/openapi.test.ts' },
}

const blocks = shellBlocks(readme)
const curlBlocks = blocks.filter((block) => /\bcurl\b/.test(block))
const otherCommands = blocks.filter((block) => !/\bcurl\b/.test(block)).flatMap(commandsOf)

t.test('every README command that is not a curl example runs in CI or in a named test', async (t) => {
  t.ok(blocks.length >= 5, `found the README's shell blocks (${blocks.length})`)
  for (const command of otherCommands) {
    const where = RUN_ELSEWHERE[command]
    if (!where) {
      t.fail(`README command with no runner: ${command} (run it here, or name its CI step or test in RUN_ELSEWHERE)`)
      continue
    }
    if ('ci' in where) t.ok(ci.includes(where.ci), `${command} → .ci/run runs \`${where.ci}\``)
    else t.ok(existsSync(path.join(ROOT, where.test)), `${command} → ${where.test}`)
  }
})

t.test('the quick start and every curl example of the README work as written against `npm start`', async (t) => {
  t.ok(curlBlocks.length >= 3, `found the curl examples (${curlBlocks.length} blocks)`)
  const dataDir = mkdtempSync(path.join(tmpdir(), 'newsroom-readme-'))
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }))
  // The quick start: `npm start` with nothing configured (the embedded database in a fresh DATA_DIR).
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'info' }
  for (const name of ['DATABASE_URL', 'SEED', 'ADMIN_EMAIL', 'ADMIN_PASSWORD', 'REDIS_URL', 'PUBLIC_URL', 'SITE_URL']) delete env[name]
  const npm = spawn('npm', ['start', '--silent'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  npm.stdout.on('data', (chunk) => (out += chunk))
  npm.stderr.on('data', (chunk) => (out += chunk))
  const closed = new Promise<void>((resolve) => npm.on('close', () => resolve()))
  t.teardown(async () => {
    npm.kill('SIGTERM')
    await closed
  })
  const base = await new Promise<string>((resolve, reject) => {
    const check = () => {
      const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(out)
      if (match) resolve(match[1]!)
    }
    npm.stdout.on('data', check)
    void closed.then(() => reject(new Error(`npm start ended before listening:\n${out}`)))
  })
  // The README promises the demo admin account is printed once, in this shape.
  const printed = /Demo admin account created — log in with:\n\s+email:\s+admin@example\.com\n\s+password:\s+(\S+)/.exec(out)
  t.ok(printed, 'the first start prints the demo admin account as the README shows')
  const password = printed?.[1] ?? 'not printed'
  const host = new URL(base).host

  for (const block of curlBlocks) {
    const script = block.replaceAll('localhost:3000', host).replaceAll('<printed password>', password)
    // -e and pipefail: any command that fails fails the block; curl fails on an HTTP error (>= 400).
    const prelude = 'set -euo pipefail\ncurl() { command curl --fail-with-body --silent --show-error "$@"; }\n'
    const run = spawnSync('bash', ['-c', prelude + script], { encoding: 'utf8', timeout: 120_000 })
    const first = commandsOf(block)[0]
    t.equal(run.status, 0, `README block starting "${first}" runs (exit ${run.status}):\n${run.stderr}${run.stdout.slice(-2000)}`)
    if (block.includes('navies-test-new-drones-in-the-pacific')) {
      // The editing walk-through ends reading the article it published, from the public API.
      t.match(run.stdout, /"title":"Navies Test New Drones In The Pacific"/, 'the article drafted, scheduled and published through the README is public')
    }
  }
})
