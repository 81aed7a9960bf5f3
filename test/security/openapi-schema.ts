import fc from 'fast-check'
import { readFileSync } from 'node:fs'
import path from 'node:path'

/** The committed spec: the fuzzer drives every operation in it and checks answers against it. */
export type Schema = Record<string, unknown> & {
  $ref?: string
  type?: string | string[]
  enum?: unknown[]
  const?: unknown
  anyOf?: Schema[]
  oneOf?: Schema[]
  allOf?: Schema[]
  properties?: Record<string, Schema>
  required?: string[]
  items?: Schema
  minLength?: number
  maxLength?: number
  minimum?: number
  maximum?: number
  minItems?: number
  maxItems?: number
  format?: string
  pattern?: string
}

export interface Parameter {
  in: 'path' | 'query' | 'header'
  name: string
  required?: boolean
  schema: Schema
}

export interface Operation {
  method: string
  path: string
  operationId: string
  secured: boolean
  parameters: Parameter[]
  body: Schema | undefined
  bodyRequired: boolean
  responses: Record<string, { content?: Record<string, { schema?: Schema }> }>
}

export interface Spec {
  paths: Record<string, Record<string, Record<string, unknown>>>
  components: { schemas: Record<string, Schema>; parameters?: Record<string, Parameter> }
}

export function loadSpec(): Spec {
  return JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../openapi/openapi.json'), 'utf8')) as Spec
}

export function operationsOf(spec: Spec): Operation[] {
  const operations: Operation[] = []
  for (const [route, item] of Object.entries(spec.paths)) {
    for (const [method, raw] of Object.entries(item)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue
      const op = raw as {
        operationId: string
        security?: unknown[]
        parameters?: (Parameter | { $ref: string })[]
        requestBody?: { required?: boolean; content?: Record<string, { schema?: Schema }> }
        responses?: Operation['responses']
      }
      operations.push({
        method: method.toUpperCase(),
        path: route,
        operationId: op.operationId,
        secured: Array.isArray(op.security) && op.security.length > 0,
        // Shared parameters (If-Match, If-None-Match, …) are references to components.parameters.
        parameters: (op.parameters ?? []).map((p) => ('$ref' in p ? spec.components.parameters![p.$ref.split('/').pop()!]! : p)),
        body: op.requestBody?.content?.['application/json']?.schema,
        bodyRequired: op.requestBody?.required ?? false,
        responses: op.responses ?? {},
      })
    }
  }
  return operations
}

/** Payloads every parameter and field receives at least once. */
export const SQL_INJECTION = [
  "' OR '1'='1",
  "'; DROP TABLE articles; --",
  '1; SELECT pg_sleep(5)--',
  "' UNION SELECT email, password_hash FROM users --",
  '" OR ""="',
  "1' AND 1=(SELECT COUNT(*) FROM pg_tables)--",
  "$$; DROP TABLE users; $$",
  "\\'; --",
]

export const XSS = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '"><svg onload=alert(1)>',
  'javascript:alert(1)',
  '<a href="javascript:alert(1)">x</a>',
  '<iframe src="https://evil.example"></iframe>',
  '{{constructor.constructor("alert(1)")()}}',
]

const HOSTILE_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  '%00',
  '../../../etc/passwd',
  '-1',
  '0',
  '1e309',
  'NaN',
  'null',
  'true',
  '[]',
  '{}',
  '__proto__',
  'constructor',
  'ü'.repeat(300),
  'x'.repeat(5000),
  '2026-13-45T99:99:99Z',
  '9'.repeat(40),
  ...SQL_INJECTION,
  ...XSS,
]

export const hostileString = fc.oneof(
  fc.constantFrom(...HOSTILE_STRINGS),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
)

/** Anything at all: wrong types, boundary numbers, hostile text. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileString },
  { weight: 1, arbitrary: fc.constantFrom(0, -1, 1, 2 ** 31, -(2 ** 53), Number.MAX_SAFE_INTEGER, 1.5, 1e308) },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.array(hostileString, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.dictionary(fc.string({ maxLength: 6 }), hostileString, { maxKeys: 3 }) },
)

export class SchemaArbitraries {
  private readonly spec: Spec
  /** Known-good values by field name (real slugs and ids), so valid requests reach the database. */
  private readonly known: Record<string, string[]>
  constructor(spec: Spec, known: Record<string, string[]>) {
    this.spec = spec
    this.known = known
  }

  resolve(schema: Schema): Schema {
    let current = schema
    for (let i = 0; current.$ref && i < 10; i++) {
      const name = current.$ref.replace('#/components/schemas/', '')
      current = this.spec.components.schemas[name] ?? {}
    }
    return current
  }

  /** A value valid for the schema most of the time; any value at all otherwise. */
  value(schema: Schema, name = '', depth = 0): fc.Arbitrary<unknown> {
    return fc.oneof({ weight: 3, arbitrary: this.valid(schema, name, depth) }, { weight: 1, arbitrary: hostileValue })
  }

  valid(raw: Schema, name = '', depth = 0): fc.Arbitrary<unknown> {
    const schema = this.resolve(raw)
    if (schema.const !== undefined) return fc.constant(schema.const)
    if (Array.isArray(schema.enum) && schema.enum.length > 0) return fc.constantFrom(...schema.enum)
    const branches = schema.anyOf ?? schema.oneOf
    if (branches && branches.length > 0) return fc.oneof(...branches.map((b) => this.valid(b, name, depth)))
    if (schema.allOf && schema.allOf.length > 0) return this.valid(Object.assign({}, ...schema.allOf.map((s) => this.resolve(s))) as Schema, name, depth)
    const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : ['string']
    return fc.oneof(...types.map((type) => this.ofType(type, schema, name, depth)))
  }

  private ofType(type: string, schema: Schema, name: string, depth: number): fc.Arbitrary<unknown> {
    switch (type) {
      case 'null':
        return fc.constant(null)
      case 'boolean':
        return fc.boolean()
      case 'integer': {
        const min = schema.minimum ?? -1000
        const max = schema.maximum ?? Math.max(min, 0) + 1000
        return fc.oneof(fc.constantFrom(min, max), fc.integer({ min, max }))
      }
      case 'number':
        return fc.double({ min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6, noNaN: true })
      case 'array': {
        const items = schema.items ?? {}
        return fc.array(depth > 3 ? fc.string() : this.valid(items, name, depth + 1), {
          minLength: schema.minItems ?? 0,
          maxLength: Math.min(schema.maxItems ?? 3, 3),
        })
      }
      case 'object': {
        if (depth > 3 || !schema.properties) return fc.constant({})
        const required = new Set(schema.required ?? [])
        const fields: Record<string, fc.Arbitrary<unknown>> = {}
        for (const [key, prop] of Object.entries(schema.properties)) fields[key] = this.value(prop, key, depth + 1)
        return fc.record(fields, { requiredKeys: [...required].filter((k) => k in fields) })
      }
      default:
        return this.string(schema, name)
    }
  }

  private string(schema: Schema, name: string): fc.Arbitrary<unknown> {
    const known = this.known[name]
    const min = schema.minLength ?? 0
    const max = Math.max(min, Math.min(schema.maxLength ?? 40, 40))
    let base: fc.Arbitrary<string>
    switch (schema.format) {
      case 'uuid':
        base = fc.uuid()
        break
      case 'email':
        base = fc.emailAddress()
        break
      case 'uri':
        base = fc.webUrl({ validSchemes: ['https'] })
        break
      case 'date-time':
        base = fc.date({ min: new Date('2000-01-01'), max: new Date('2035-01-01'), noInvalidDate: true }).map((d) => d.toISOString())
        break
      case 'date':
        base = fc.date({ min: new Date('2000-01-01'), max: new Date('2035-01-01'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10))
        break
      default:
        base =
          schema.pattern && schema.pattern.startsWith('^[a-z0-9]')
            ? fc.stringMatching(/^[a-z0-9]{1,12}(-[a-z0-9]{1,8}){0,2}$/)
            : fc.string({ minLength: Math.max(min, 1), maxLength: max }).filter((s) => s.trim().length >= Math.min(min, 1))
    }
    return known && known.length > 0 ? fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...known) }, { weight: 1, arbitrary: base }) : base
  }
}
