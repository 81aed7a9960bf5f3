import t from 'tap'
import { execFile } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import openapiTS, { astToString } from 'openapi-typescript'
import { OPENAPI_FILE } from '../src/cli/export-openapi.js'
import { clientProgram, type Document } from './helpers/openapi-client-program.js'

const run = promisify(execFile)
const root = path.resolve(import.meta.dirname, '..')

t.test('a client generated from openapi/openapi.json calls every operation and compiles under tsc --strict', async (t) => {
  const text = readFileSync(OPENAPI_FILE, 'utf8')
  const document = JSON.parse(text) as Document
  // Inside the repository, so that the program resolves openapi-fetch from node_modules.
  const dir = path.join(root, '.cache', `openapi-client-${process.pid}`)
  mkdirSync(dir, { recursive: true })
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))

  writeFileSync(path.join(dir, 'schema.d.ts'), astToString(await openapiTS(JSON.parse(text) as Parameters<typeof openapiTS>[0])))
  const { source, operationIds } = clientProgram(document)
  writeFileSync(path.join(dir, 'calls.ts'), source)
  writeFileSync(
    path.join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { strict: true, noEmit: true, target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2022', 'DOM'], types: [], skipLibCheck: true },
      files: ['schema.d.ts', 'calls.ts'],
    }),
  )

  // The program calls each operation of the document once: compare what it calls with the document.
  const inDocument = Object.entries(document.paths).flatMap(([p, item]) => Object.entries(item).map(([m, op]) => [`${m.toUpperCase()} ${p}`, op.operationId] as const))
  const called = new Set([...source.matchAll(/client\.(GET|POST|PUT|PATCH|DELETE)\("([^"]+)"/g)].map((m) => `${m[1]} ${m[2]}`))
  t.same(inDocument.filter(([call]) => !called.has(call)).map(([, id]) => id), [], 'operations the program does not call')
  t.equal(called.size, inDocument.length, 'one call per operation')
  t.equal(operationIds.length, new Set(operationIds).size)

  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc')
  const result = await run(process.execPath, [tsc, '-p', path.join(dir, 'tsconfig.json')], { cwd: dir }).then(
    () => ({ code: 0, output: '' }),
    (error: { code?: number; stdout?: string }) => ({ code: error.code ?? 1, output: error.stdout ?? String(error) }),
  )
  t.equal(result.code, 0, 'tsc --strict accepts the generated client and every call')
  t.equal(result.output.split('\n').slice(0, 30).join('\n'), '', 'no type errors')
})
