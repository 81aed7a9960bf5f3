import t from 'tap'
import { runCli } from '../helpers/clis.js'

/**
 * `npm run bench:newsletter` cannot rot unnoticed: it loads, answers --help with its options, and
 * refuses a bad value before it creates a database or starts anything (the 100,000-subscriber run
 * itself is not part of the suite). --help and unknown options: help.test.ts, unknown-option.test.ts.
 */
const FILE = 'test/bench/newsletter.ts'

t.test('--help names what it measures and every option', async (t) => {
  const help = await runCli(FILE, ['--help'])
  t.equal(help.code, 0, help.stderr)
  t.match(help.stdout, /^Usage: npm run bench:newsletter/)
  for (const option of ['--subscribers', '--rate', '--cache', '--connections', '--read-rate', '--idle', '--timeout', '--node-options', '--no-build', '--admin-url', '--keep']) {
    t.match(help.stdout, option)
  }
})

t.test('a bad value: what is wrong, the usage, exit 2, nothing started', async (t) => {
  // An admin URL nobody listens on: a run that got past its arguments would fail differently.
  const admin = ['--admin-url', 'postgres://postgres@127.0.0.1:1/postgres']
  for (const [args, message] of [
    [['--subscribers', '0'], /--subscribers must be an integer ≥ 1, not "0"/],
    [['--rate', '200000'], /--rate must be at most 100000/],
    [['--cache', 'maybe'], /--cache must be on or off, not "maybe"/],
  ] as const) {
    const run = await runCli(FILE, [...args, ...admin])
    t.equal(run.code, 2, args.join(' '))
    t.match(run.stderr, message)
    t.match(run.stderr, /\n\nUsage: npm run bench:newsletter/)
    t.equal(run.stdout, '')
  }
})
