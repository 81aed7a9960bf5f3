import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildApp } from '../app.js'
import { loadConfig } from '../config.js'
import { createDatabase } from '../db/client.js'
import { EXAMPLES_FILE } from '../plugins/openapi-examples.js'
import { parseCommandLine } from './args.js'
import { recordApi } from './openapi-examples/record.js'

export const OPENAPI_FILE = fileURLToPath(new URL('../../openapi/openapi.json', import.meta.url))

/**
 * The OpenAPI document as the code describes it. The configuration is fixed (not the caller's
 * environment) so the committed file does not depend on who generated it.
 */
export async function generateOpenApi(): Promise<Record<string, unknown>> {
  // Nothing is signed while the document is built: any key of the right length will do.
  const config = loadConfig({ LOG_LEVEL: 'silent', PUBLIC_URL: 'http://localhost:3000', JWT_SECRET: 'x'.repeat(32) })
  // Routes never query while the spec is built; an in-memory database just satisfies the wiring.
  const database = await createDatabase({ kind: 'pglite' })
  const app = await buildApp({ config, database, logger: false, docs: false })
  try {
    await app.ready()
    return app.swagger() as unknown as Record<string, unknown>
  } finally {
    await app.close()
    await database.close()
  }
}

export function serialiseOpenApi(document: Record<string, unknown>): string {
  return `${JSON.stringify(document, null, 2)}\n`
}

/** `npm run openapi`: records the examples from the running API, then writes the document that includes them. */
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  parseCommandLine(
    `Usage: npm run openapi
Boots the API on a fresh embedded database, records the examples (openapi/examples.json), then writes
openapi/openapi.json from the route schemas. Takes no options.`,
    {},
  )
  const { examples, unexercised } = await recordApi()
  if (unexercised.length > 0) {
    process.stderr.write(`no example recorded for ${unexercised.join(', ')}: call them in src/cli/openapi-examples/scenarios-*.ts\n`)
  }
  mkdirSync(path.dirname(EXAMPLES_FILE), { recursive: true })
  writeFileSync(EXAMPLES_FILE, serialiseOpenApi(examples as unknown as Record<string, unknown>))
  process.stdout.write(`wrote ${path.relative(process.cwd(), EXAMPLES_FILE)}\n`)
  const document = await generateOpenApi()
  mkdirSync(path.dirname(OPENAPI_FILE), { recursive: true })
  writeFileSync(OPENAPI_FILE, serialiseOpenApi(document))
  process.stdout.write(`wrote ${path.relative(process.cwd(), OPENAPI_FILE)}\n`)
}
