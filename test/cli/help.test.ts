import t from 'tap'
import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'

/**
 * Every command line a user runs answers `--help` (usage on stdout, exit 0) and refuses an unknown
 * option (what is wrong and the usage on stderr, exit 2) — before it opens a database or starts
 * anything. The CLIs are read from package.json (every script that runs a file with tsx), plus the
 * benchmark scripts the documentation runs with npx.
 */
const ROOT = path.resolve(import.meta.dirname, '../..')
const scripts = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts
const fromScripts = Object.entries(scripts).flatMap(([name, command]) =>
  [...command.matchAll(/(?:^|&&\s*)tsx (?!watch\b)(\S+\.ts)/g)].map((m) => ({ name: `npm run ${name}`, file: m[1]! })),
)
const CLIS = [...fromScripts, { name: 'compression bench', file: 'test/bench/compression.ts' }, { name: 'bench ceiling', file: 'test/bench/baseline.ts' }]

/** No database, no secrets: a CLI that reached for them before reading its arguments would fail here. */
const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(DATABASE_URL|DATA_DIR|JWT_SECRET|TEST_DATABASE_URL)$/.test(name)))

function run(file: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', file, ...args], { cwd: ROOT, env: { ...env, DATA_DIR: '/nonexistent/newsroom-help-test' } }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr })
    })
  })
}

t.test('the CLIs found in package.json are the ones we know of', async (t) => {
  const names = fromScripts.map((c) => c.name)
  for (const name of ['npm run start', 'npm run seed', 'npm run user:create', 'npm run db:migrate', 'npm run openapi', 'npm run bench:data', 'npm run bench:discovery', 'npm run bench', 'npm run test:security']) {
    t.ok(names.includes(name), name)
  }
})

for (const cli of CLIS) {
  t.test(`${cli.name} (${cli.file})`, async (t) => {
    const [help, unknown] = await Promise.all([run(cli.file, ['--help']), run(cli.file, ['--no-such-option'])])
    t.equal(help.code, 0, `--help exits 0${help.code === 0 ? '' : `: ${help.stderr}`}`)
    t.match(help.stdout, /^Usage: /, 'usage on stdout')
    t.equal(help.stderr, '', 'nothing on stderr')
    t.equal(unknown.code, 2, 'an unknown option exits 2')
    t.match(unknown.stderr, /^Unknown option '--no-such-option'\n\nUsage: /, 'names the option, then the usage')
    t.equal(unknown.stdout, '', 'and does nothing else')
  })
}
