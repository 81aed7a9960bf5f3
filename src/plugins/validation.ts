import { Ajv, type Options } from 'ajv'
import addFormats from 'ajv-formats'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { lazyValidator, memoized, type Validator } from './schema-compilers.js'
import { sharedSchemas } from './schemas.js'

/**
 * Two validators. Query strings, path parameters and headers arrive as text, so they are coerced
 * (`?limit=5` → 5, `?tag=a` → ["a"]). JSON bodies are not: `{"title": 42}` is a type error, not the
 * string "42". Neither strips unknown fields: `additionalProperties: false` rejects them (400).
 *
 * Schemas are not checked against the JSON Schema meta-schema here (`validateSchema: false`):
 * compiling the meta-schema is most of the cost of an instance, the schemas are the same in every
 * process, and test/schema-compilers.test.ts checks each of them against it instead. What a
 * schema accepts and the errors it reports are unchanged.
 */
export function createAjv(coerce: boolean): Ajv {
  const options: Options = {
    coerceTypes: coerce ? 'array' : false,
    useDefaults: true,
    removeAdditional: false,
    allErrors: true,
    allowUnionTypes: true,
    strict: false,
    validateSchema: false,
  }
  const ajv = new Ajv(options)
  addFormats.default(ajv)
  // RFC 3986 accepts URLs the WHATWG parser (new URL, fetch, http.request, browsers) refuses —
  // `http://a%25b.example/`, `http://:80/`, `http://999.1.1.1/` — so a stored one would fail whoever
  // uses it later. A `uri` must satisfy both.
  const rfc3986 = ajv.formats.uri as (value: string) => boolean
  ajv.addFormat('uri', { type: 'string', validate: (value: string) => rfc3986(value) && URL.canParse(value) })
  for (const schema of sharedSchemas) ajv.addSchema(schema)
  return ajv
}

/** One of each per process, created on its first compilation. */
let forText: Ajv | undefined
let forJson: Ajv | undefined

/** A validator for text input (query, params, headers: coerced), kept by content per process, compiled on first use. */
export function compileForText(schema: object): Validator {
  return lazyValidator(schema, () => memoized('text', schema, () => (forText ??= createAjv(true)).compile(schema) as Validator))
}

/** A validator for a JSON body (not coerced), kept by content per process, compiled on first use. */
function compileForJson(schema: object): Validator {
  return lazyValidator(schema, () => memoized('body', schema, () => (forJson ??= createAjv(false)).compile(schema) as Validator))
}

export const validationPlugin = fp(
  async (app: FastifyInstance) => {
    // One Ajv instance of each kind per process, created on its first compilation; compiled validators
    // are kept by schema content and compiled on a route's first request (see schema-compilers).
    app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? compileForJson(schema) : compileForText(schema)))
    // A JSON API: text/plain bodies are refused with 415 rather than parsed into a string.
    app.removeContentTypeParser('text/plain')
  },
  { name: 'validation', dependencies: ['schemas'] },
)
