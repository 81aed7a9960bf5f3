import { SerializerSelector } from '@fastify/fast-json-stringify-compiler'
import type { FastifyServerOptions } from 'fastify'

/**
 * Compiling route schemas is most of an app's build time (fast-json-stringify generates and
 * evaluates a function per response schema; Ajv one per request part). A compiled function depends
 * only on its schema and the shared schemas it references, so it is kept per process by content:
 * a second app in the same process (tests build ~140) reuses it instead of generating it again, and
 * a schema built anew for each app (an inline `Type.Object`) still hits. A server builds one app, so
 * for it nothing changes.
 */
const memo = new Map<string, unknown>()

export function memoized<T>(scope: string, schema: unknown, compile: () => T): T {
  const key = `${scope}\u0000${JSON.stringify(schema)}`
  const found = memo.get(key)
  if (found !== undefined) return found as T
  const compiled = compile()
  memo.set(key, compiled)
  return compiled
}

type SerializerFactory = ReturnType<typeof SerializerSelector>
const defaultSerializers = SerializerSelector()

/** `schemaController.compilersFactory.buildSerializer`: fastify's own, memoized by content. */
export const buildSerializer: SerializerFactory = (externalSchemas, options) => {
  const compiler = defaultSerializers(externalSchemas, options)
  const scope = `serializer\u0000${JSON.stringify(externalSchemas)}\u0000${JSON.stringify(options ?? null)}`
  return (route) => memoized(`${scope}\u0000${String(route.httpStatus)}\u0000${String((route as { contentType?: string }).contentType)}`, route.schema, () => compiler(route))
}

export const schemaController: NonNullable<FastifyServerOptions['schemaController']> = {
  compilersFactory: { buildSerializer },
}
