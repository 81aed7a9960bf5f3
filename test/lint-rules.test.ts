import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { ESLint } from 'eslint'
import t from 'tap'

/*
 * The boundaries the lint config draws, checked against code that crosses them: a rule that
 * silently stopped matching (a renamed folder, a changed pattern) would let them come back.
 */
const root = path.resolve(import.meta.dirname, '..')
const eslint = new ESLint({ cwd: root, overrideConfigFile: path.join(root, '.eslint.config.js') })

async function problems(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, filePath) })
  return result!.messages.map((m) => `${m.ruleId}: ${m.message}`)
}

t.test('src/db imports nothing from services, routes, plugins or seed (type-only imports included)', async (t) => {
  t.match(await problems('src/db/repositories/x.ts', "import { createScheduler } from '../../services/scheduler.js'\nexport const s = createScheduler\n"), [/no-restricted-imports.*src\/db imports nothing above it/])
  t.match(await problems('src/db/x.ts', "import type { Precondition } from '../services/preconditions.js'\nexport type P = Precondition\n"), [/no-restricted-imports/])
  t.match(await problems('src/db/x.ts', "import { seedDemoContent } from '../seed/seed.js'\nexport const s = seedDemoContent\n"), [/no-restricted-imports/])
  t.same(await problems('src/db/x.ts', "import { slugify } from '../lib/slugify.js'\nexport const s = slugify\n"), [], 'lib is below db')
})

t.test('drizzle internals are used in src/db/hot/driver.ts only', async (t) => {
  const code = "import { fillPlaceholders } from 'drizzle-orm'\nexport const f = fillPlaceholders\n"
  t.match(await problems('src/db/repositories/x.ts', code), [/no-restricted-imports.*driver\.ts only/])
  t.same(await problems('src/db/hot/driver.ts', code), [])
})

t.test('plugins, schemas and services never import a route module', async (t) => {
  for (const file of ['src/plugins/x.ts', 'src/schemas/x.ts', 'src/services/x.ts']) {
    t.match(await problems(file, "import { ArticleList } from '../routes/articles/schemas.js'\nexport const s = ArticleList\n"), [/no-restricted-imports.*src\/schemas/], file)
  }
})

t.test('an import cycle is an error naming the cycle, type-only imports included', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cycle-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  writeFileSync(path.join(dir, 'a.ts'), "import { b } from './b.js'\nexport const a = b + 1\nexport type A = number\n")
  writeFileSync(path.join(dir, 'b.ts'), "import { c } from './c.js'\nexport const b = c\n")
  writeFileSync(path.join(dir, 'c.ts'), "import type { A } from './a.js'\nexport const c: A = 1\n")
  writeFileSync(path.join(dir, 'd.ts'), "import { c } from './c.js'\nexport const d = c\n")
  // Files outside the project are ignored by the config; lint them as text under their own path.
  const check = async (name: string, code: string) => {
    const [result] = await new ESLint({ cwd: dir, overrideConfigFile: path.join(root, '.eslint.config.js') }).lintText(code, { filePath: path.join(dir, name) })
    return result!.messages.filter((m) => m.ruleId === 'local/no-import-cycle').map((m) => m.message)
  }
  t.match(await check('a.ts', "import { b } from './b.js'\nexport const a = b + 1\nexport type A = number\n"), [/Import cycle: a\.ts → b\.ts → c\.ts → a\.ts/])
  t.match(await check('c.ts', "import type { A } from './a.js'\nexport const c: A = 1\n"), [/Import cycle: c\.ts → a\.ts → b\.ts → c\.ts/], 'the type-only side too')
  t.same(await check('d.ts', "import { c } from './c.js'\nexport const d = c\n"), [], 'importing into a cycle is not itself one')
})
