import t from 'tap'
import { CLIS, runCli, SCRIPT_CLIS } from '../helpers/clis.js'

/**
 * Every command line a user runs answers `--help`: usage on stdout, exit 0, before it opens a
 * database or starts anything (unknown options: unknown-option.test.ts).
 */
t.test('the CLIs found in package.json are the ones we know of', async (t) => {
  const names = SCRIPT_CLIS.map((c) => c.name)
  for (const name of ['npm run start', 'npm run seed', 'npm run user:create', 'npm run db:migrate', 'npm run openapi', 'npm run bench:data', 'npm run bench:discovery', 'npm run bench', 'npm run bench:newsletter', 'npm run bench:start', 'npm run test:security']) {
    t.ok(names.includes(name), name)
  }
})

for (const cli of CLIS) {
  t.test(`${cli.name} (${cli.file}) --help`, async (t) => {
    const help = await runCli(cli.file, ['--help'])
    t.equal(help.code, 0, `exits 0${help.code === 0 ? '' : `: ${help.stderr}`}`)
    t.match(help.stdout, /^Usage: /, 'usage on stdout')
    t.equal(help.stderr, '', 'nothing on stderr')
  })
}
