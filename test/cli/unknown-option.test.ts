import t from 'tap'
import { CLIS, runCli } from '../helpers/clis.js'

/** Every command line refuses an option it does not know — naming it, then the usage, exit 2 — and does nothing else. */
for (const cli of CLIS) {
  t.test(`${cli.name} (${cli.file}) --no-such-option`, async (t) => {
    const unknown = await runCli(cli.file, ['--no-such-option'])
    t.equal(unknown.code, 2, 'exits 2')
    t.match(unknown.stderr, /^Unknown option '--no-such-option'\n\nUsage: /, 'names the option, then the usage')
    t.equal(unknown.stdout, '', 'and does nothing else')
  })
}

t.test('a stray argument is refused the same way', async (t) => {
  const stray = await runCli('src/cli/seed.ts', ['extra'])
  t.equal(stray.code, 2)
  t.match(stray.stderr, /Unexpected argument 'extra'.*\n\nUsage: npm run seed/s)
})

t.test('npm run bench refuses bad values and two runs at once before it builds anything', async (t) => {
  for (const [argv, message] of [
    [['--first-start-reads', 'ten'], /^--first-start-reads must be an integer ≥ 0, not "ten"\n\nUsage: npm run bench/],
    [['--soak', '5', '--first-start-reads', '5'], /^--soak and --first-start-reads are two different runs: one at a time\n\nUsage: npm run bench/],
  ] as const) {
    const refused = await runCli('test/bench/run.ts', [...argv])
    t.equal(refused.code, 2, argv.join(' '))
    t.match(refused.stderr, message)
    t.equal(refused.stdout, '')
  }
})
