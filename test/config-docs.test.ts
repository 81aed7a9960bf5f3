import t from 'tap'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { EnvSchema } from '../src/config.js'

const ROOT = path.resolve(import.meta.dirname, '..')

t.test('docs/configuration.md names every environment variable src/config.ts reads', async (t) => {
  const doc = readFileSync(path.join(ROOT, 'docs/configuration.md'), 'utf8')
  const missing = Object.keys(EnvSchema.properties).filter((name) => !doc.includes(`\`${name}\``))
  t.same(missing, [], 'each appears as `NAME` in the table')
})
