import t from 'tap'
import { readFileSync } from 'node:fs'
import { generateOpenApi, OPENAPI_FILE, serialiseOpenApi } from '../src/cli/export-openapi.js'

type Operation = {
  operationId?: string
  summary?: string
  tags?: string[]
  security?: unknown[]
  responses: Record<string, { content?: Record<string, unknown> }>
}

t.test('openapi/openapi.json is what the code generates (run `npm run openapi` after changing routes)', async (t) => {
  const generated = serialiseOpenApi(await generateOpenApi())
  const committed = readFileSync(OPENAPI_FILE, 'utf8')
  t.equal(committed, generated, 'the committed OpenAPI document has drifted from the route schemas')
})

t.test('every operation is documented for client generators', async (t) => {
  const document = JSON.parse(readFileSync(OPENAPI_FILE, 'utf8'))
  t.equal(document.openapi, '3.1.0')
  const ids = new Set<string>()
  for (const [path, item] of Object.entries(document.paths as Record<string, Record<string, Operation>>)) {
    for (const [method, op] of Object.entries(item)) {
      const name = `${method.toUpperCase()} ${path}`
      t.ok(op.operationId, `${name} has an operationId`)
      t.notOk(ids.has(op.operationId!), `${name} operationId is unique`)
      ids.add(op.operationId!)
      t.ok(op.summary, `${name} has a summary`)
      t.ok(op.tags && op.tags.length > 0, `${name} has tags`)
      t.ok(Array.isArray(op.security), `${name} declares its security`)
      const statuses = Object.keys(op.responses)
      t.ok(statuses.some((s) => s.startsWith('2') || s.startsWith('3')), `${name} documents success`)
      t.ok(statuses.includes('500'), `${name} documents 500`)
      for (const status of statuses.filter((s) => Number(s) >= 400)) {
        t.ok(op.responses[status]!.content?.['application/problem+json'], `${name} ${status} is problem+json`)
      }
    }
  }
  t.ok(ids.size >= 14)
  t.ok(document.components.schemas.ArticleSummary, 'shared schemas are named components')
  t.notOk(JSON.stringify(document).includes('def-0'), 'no anonymous def-N components')
})
