import t from 'tap'
import { execFile } from 'node:child_process'
import { cpSync, readdirSync, rmSync } from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'

const ROOT = path.resolve(import.meta.dirname, '../..')

t.test('migrations/ matches the drizzle schema (run `npm run db:generate` after changing src/db/schema)', async (t) => {
  // drizzle-kit wants a relative --out; generate into a scratch copy and expect nothing new.
  const scratch = path.join('.cache', `migration-drift-${process.pid}`)
  rmSync(path.join(ROOT, scratch), { recursive: true, force: true })
  cpSync(path.join(ROOT, 'migrations'), path.join(ROOT, scratch), { recursive: true })
  t.teardown(() => rmSync(path.join(ROOT, scratch), { recursive: true, force: true }))
  const before = readdirSync(path.join(ROOT, scratch)).sort()
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [path.join(ROOT, 'node_modules/drizzle-kit/bin.cjs'), 'generate', '--dialect=postgresql', '--schema=src/db/schema/index.ts', `--out=${scratch}`],
    { cwd: ROOT },
  )
  t.match(stdout, /No schema changes/)
  t.same(readdirSync(path.join(ROOT, scratch)).sort(), before, 'no new migration file')
})
