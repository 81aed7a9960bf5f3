import { SerializerSelector } from '@fastify/fast-json-stringify-compiler'
import type { FastifySchemaValidationError, FastifyServerOptions } from 'fastify'

/**
 * Compiling route schemas is most of an app's build time (fast-json-stringify generates and
 * evaluates a function per response schema; Ajv one per request part). Two things keep it off the
 * start:
 *
 * - **On first use.** A route's serializer or validator is compiled the first time a request needs
 *   it, not when the route is registered: a server answers its first request after compiling that
 *   route's schemas only (a few ms), and a process never compiles what it never serves. The
 *   compiler, its options and so every answer (validation messages included) are the same;
 *   `compilePending()` compiles whatever is still waiting (a test does, so a schema the compilers
 *   refuse still fails a test, not a reader's request).
 * - **Kept by content.** A compiled function depends only on its schema and the shared schemas it
 *   references, so it is kept per process by content: a second app in the same process (tests build
 *   ~140) reuses it instead of generating it again, and a schema built anew for each app (an inline
 *   `Type.Object`) still hits.
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

interface Pending {
  compile(): unknown
  schema: unknown
}

/**
 * Compilations not done yet (see `compilePending`), held weakly: an app that is closed and dropped
 * (tests build many in one process) takes its never-compiled routes with it.
 */
const pending = new Set<WeakRef<Pending>>()

function live(): Pending[] {
  const found: Pending[] = []
  for (const ref of pending) {
    const entry = ref.deref()
    if (entry) found.push(entry)
    else pending.delete(ref)
  }
  return found
}

/** The schemas registered in this process and not compiled yet. */
export function pendingSchemas(): unknown[] {
  return live().map((entry) => entry.schema)
}

/** Compiles every schema that has not been needed yet (throws what a compiler throws); how many. */
export function compilePending(): number {
  const all = live()
  for (const entry of all) entry.compile()
  return all.length
}

/** `compile` run once, on the first call of the returned thunk. */
function once<T>(schema: unknown, compile: () => T): () => T {
  let compiled: T | undefined
  const ref = new WeakRef<Pending>({ compile: () => get(), schema })
  // The thunk holds its entry: the entry lives as long as the route that may still need it.
  const entry = ref.deref()!
  const get = (): T => {
    if (compiled === undefined) {
      compiled = compile()
      pending.delete(ref)
    }
    void entry
    return compiled
  }
  pending.add(ref)
  if (pending.size % 10_000 === 0) live()
  return get
}

type Serializer = (data: unknown) => string

/** A serializer compiled on its first call. */
export function lazySerializer(schema: unknown, compile: () => Serializer): Serializer {
  const get = once(schema, compile)
  return (data) => get()(data)
}

/** What Fastify calls a validator: Ajv's compiled function (its `errors` after a failure, and `schemaEnv` so Fastify passes the parent to coerce a root value). */
export interface Validator {
  (data: unknown, context?: unknown): boolean
  errors?: FastifySchemaValidationError[] | null | undefined
  schemaEnv?: unknown
}

/** A validator compiled on its first call; it carries the compiled one's `errors` after each call. */
export function lazyValidator(schema: unknown, compile: () => Validator): Validator {
  const get = once(schema, compile)
  const validate: Validator = (data, context) => {
    const compiled = get()
    const valid = context === undefined ? compiled(data) : compiled(data, context)
    validate.errors = compiled.errors
    return valid
  }
  // Ajv's functions all have one: Fastify then passes the parent (see validateParam).
  validate.schemaEnv = true
  return validate
}

type SerializerFactory = ReturnType<typeof SerializerSelector>
const defaultSerializers = SerializerSelector()

/** `schemaController.compilersFactory.buildSerializer`: fastify's own, memoized by content, compiled on first use. */
export const buildSerializer: SerializerFactory = (externalSchemas, options) => {
  let compiler: ReturnType<SerializerFactory> | undefined
  let scope: string | undefined
  return (route) =>
    lazySerializer(route.schema, () => {
      compiler ??= defaultSerializers(externalSchemas, options)
      scope ??= `serializer\u0000${JSON.stringify(externalSchemas)}\u0000${JSON.stringify(options ?? null)}`
      return memoized(`${scope}\u0000${String(route.httpStatus)}\u0000${String((route as { contentType?: string }).contentType)}`, route.schema, () => compiler!(route)) as Serializer
    })
}

export const schemaController: NonNullable<FastifyServerOptions['schemaController']> = {
  compilersFactory: { buildSerializer },
}
