import t from 'tap'
import { Ajv } from 'ajv'
import addFormats from 'ajv-formats'
import { compilePending, pendingSchemas } from '../src/plugins/schema-compilers.js'
import { sharedSchemas } from '../src/plugins/schemas.js'
import { build } from './helpers/build.js'

/**
 * Route schemas compile on a route's first request (src/plugins/schema-compilers.ts) and the app's
 * Ajv instances skip the meta-schema check (src/plugins/validation.ts). What either would have
 * caught at start is caught here: every schema the app registers is a valid JSON Schema, and every
 * one compiles.
 */
t.test('every route schema is valid JSON Schema and compiles; a route compiles on its first request', async (t) => {
  const app = await build(t)
  const schemas = pendingSchemas()
  t.ok(schemas.length > 300, `${schemas.length} schemas wait for their first use`)

  const checker = new Ajv({ strict: false, allowUnionTypes: true, validateSchema: true })
  addFormats.default(checker)
  for (const schema of sharedSchemas) checker.addSchema(schema) // validates each against the meta-schema
  let invalid = 0
  for (const schema of schemas) {
    if (!checker.validateSchema(schema as object)) {
      invalid++
      t.fail(`invalid schema ${JSON.stringify(schema).slice(0, 200)}: ${checker.errorsText()}`)
    }
  }
  t.equal(invalid, 0, 'all valid against the meta-schema')

  const before = pendingSchemas().length
  const res = await app.inject({ method: 'GET', url: '/v1/articles?limit=oops' })
  t.equal(res.statusCode, 400, 'the first request validates')
  t.ok(pendingSchemas().length < before, 'and compiled what it needed (only)')
  t.ok(pendingSchemas().length > 0)

  t.ok(compilePending() > 0, 'the rest compiles')
  t.equal(pendingSchemas().length, 0)
  const ok = await app.inject({ method: 'GET', url: '/v1/articles' })
  t.equal(ok.statusCode, 200)
})
