/**
 * Writes a TypeScript program that calls every operation of an OpenAPI document through
 * openapi-fetch, with the document's own examples as arguments, and assigns every example body to
 * the type openapi-typescript generated for it. If it compiles under `tsc --strict`, a generated
 * client can call each operation as documented and the examples are what the types say.
 */
type Parameter = { $ref?: string; name?: string; in?: string; required?: boolean; example?: unknown }
type Media = { example?: unknown }
type Operation = {
  operationId: string
  parameters?: Parameter[]
  requestBody?: { content: Record<string, Media> }
  responses: Record<string, { content?: Record<string, Media> }>
}
export type Document = {
  paths: Record<string, Record<string, Operation>>
  components: { parameters?: Record<string, Parameter>; examples?: Record<string, { value: unknown }> }
}

const literal = (value: unknown) => JSON.stringify(value)
const key = (name: string) => (/^[A-Za-z_$][\w$]*$/.test(name) ? name : literal(name))
/** Header values a client would send, for the conditional and idempotency headers. */
const HEADER_VALUES: Record<string, string> = {
  'if-none-match': '"Xk9P2yGq0bq3aV8x1tJZ7fWm4eE"',
  'if-match': '"v3"',
  'idempotency-key': '0d5a8a38-7bde-4a4f-9c2e-5f0a4f1f6a22',
}

function parametersOf(document: Document, operation: Operation): Parameter[] {
  return (operation.parameters ?? []).map((p) => (p.$ref ? document.components.parameters?.[p.$ref.split('/').pop()!] ?? {} : p))
}

export function clientProgram(document: Document): { source: string; operationIds: string[] } {
  const lines = [
    "import createClient from 'openapi-fetch'",
    "import type { components, operations, paths } from './schema.js'",
    '',
    "const client = createClient<paths>({ baseUrl: 'https://api.thedefencetimes.example' })",
    'const seen: unknown[] = []',
    '',
    'export async function callEveryOperation(): Promise<unknown[]> {',
  ]
  const operationIds: string[] = []
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      const id = operation.operationId
      operationIds.push(id)
      const groups: Record<string, string[]> = {}
      for (const p of parametersOf(document, operation)) {
        if (!p.name || !p.in || p.in === 'cookie') continue
        const value = p.in === 'header' ? HEADER_VALUES[p.name] : p.example
        if (value === undefined) {
          if (p.required) throw new Error(`${id}: required ${p.in} parameter ${p.name} has no example`)
          continue
        }
        ;(groups[p.in] ??= []).push(`${key(p.name)}: ${literal(value)}`)
      }
      // Typed constants first: an object literal assigned to a declared type gets excess-property
      // checks, which arguments inferred through openapi-fetch's generic signatures do not.
      const op = `operations[${literal(id)}]`
      lines.push(`  {`, `    // ${id}`)
      const init: string[] = []
      if (Object.keys(groups).length > 0) {
        lines.push(`    const ${id}Params: ${op}['parameters'] = { ${Object.entries(groups).map(([where, fields]) => `${where}: { ${fields.join(', ')} }`).join(', ')} }`)
        init.push(`params: ${id}Params`)
      }
      if (operation.requestBody) {
        const [type, media] = Object.entries(operation.requestBody.content)[0] ?? []
        if (!type || media?.example === undefined) throw new Error(`${id}: the request body has no example`)
        lines.push(`    const ${id}Body: NonNullable<${op}['requestBody']>['content'][${literal(type)}] = ${literal(media.example)}`)
        init.push(`body: ${id}Body`)
      }
      lines.push(`    const { data, error, response } = await client.${method.toUpperCase()}(${literal(path)}${init.length > 0 ? `, { ${init.join(', ')} }` : ''})`)
      lines.push('    seen.push(data, error, response.status)')
      for (const [status, response] of Object.entries(operation.responses)) {
        for (const [type, media] of Object.entries(response.content ?? {})) {
          if (media.example === undefined || !/json/.test(type)) continue
          lines.push(`    const ${id}${status}: ${op}['responses'][${status}]['content'][${literal(type)}] = ${literal(media.example)}`)
          lines.push(`    seen.push(${id}${status})`)
        }
      }
      lines.push('  }')
    }
  }
  // The shared problem examples (for statuses no scenario reached on an operation) are problems too.
  for (const [name, example] of Object.entries(document.components.examples ?? {})) {
    lines.push(`  const ${name}: components['schemas']['Problem'] = ${literal(example.value)}`, `  seen.push(${name})`)
  }
  lines.push('  return seen', '}', '')
  return { source: lines.join('\n'), operationIds }
}
