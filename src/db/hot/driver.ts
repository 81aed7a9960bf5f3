import { Column, fillPlaceholders, is, SQL, sql } from 'drizzle-orm'
import pg from 'pg'

/*
 * The only code that leans on what drizzle-orm and node-postgres do not promise: the decoder
 * drizzle keeps on each `sql` expression, `fillPlaceholders`, and the type codes drizzle's
 * node-postgres driver reads as text. Both packages are pinned to exact versions in package.json
 * for that reason; an upgrade is checked by test/db/hot-queries.test.ts on PostgreSQL, which
 * compares every statement shape with drizzle's own prepared queries.
 */

export interface Statement<Row> {
  execute(values: Record<string, unknown>): Promise<Row[]>
}

/** The types drizzle's node-postgres driver receives as text so that their columns decode them (date/time). */
const TEXT_TYPES = new Set<number>([pg.types.builtins.TIMESTAMPTZ, pg.types.builtins.TIMESTAMP, pg.types.builtins.DATE, pg.types.builtins.INTERVAL, 1115, 1182, 1185, 1187, 1231])
const asText = (value: string) => value
export const driverTypes = {
  getTypeParser: ((id: number, format?: 'text' | 'binary') => (TEXT_TYPES.has(id) ? asText : pg.types.getTypeParser(id, format))) as typeof pg.types.getTypeParser,
}

type Decoder = ((value: unknown) => unknown) | undefined
/** The decoder drizzle keeps on every `sql` expression (not in its typings; its row mapper reads it too). */
const decoderField = (expression: SQL) => (expression as unknown as { decoder: { mapFromDriverValue(value: unknown): unknown } }).decoder
/** The one shared decoder of an `sql` expression without `.mapWith`. */
const keepsValue = decoderField(sql``)

/** How drizzle decodes one selected field (a column, or `sql` with `.mapWith`); undefined when it keeps the value. */
function decoderOf(field: unknown): Decoder {
  if (is(field, Column)) return (value) => field.mapFromDriverValue(value)
  if (is(field, SQL)) {
    const decoder = decoderField(field)
    return decoder === keepsValue ? undefined : (value) => decoder.mapFromDriverValue(value)
  }
  throw new Error('hot statements select columns and sql expressions only')
}

/**
 * A hot statement run by node-postgres itself: the text and parameters drizzle built, rows as
 * arrays decoded by each field's own decoder into a flat object (what drizzle's prepared query
 * returns for a flat selection), without drizzle's per-row mapping machinery. Half the cost of a
 * cache-missing article read above a bare pg query was that machinery and the presenter's slow
 * property access on the objects it assembles key by key.
 */
export function pgStatement<Row>(pool: pg.Pool, name: string, query: { toSQL(): { sql: string; params: unknown[] } }, columns: Record<string, unknown>): Statement<Row> {
  const { sql: text, params } = query.toSQL()
  const keys = Object.keys(columns)
  const decoders = keys.map((key) => decoderOf(columns[key]))
  // One object literal per row (a fixed shape, built in one step) from the selection's own keys.
  const fields = keys.map((key, i) => `${JSON.stringify(key)}: ${decoders[i] ? `r[${i}] === null ? null : d[${i}](r[${i}])` : `r[${i}]`}`)
  const toRow = new Function('d', `return (r) => ({ ${fields.join(', ')} })`)(decoders) as (raw: unknown[]) => Row
  return {
    async execute(values) {
      const result = await pool.query<unknown[]>({ name, text, values: fillPlaceholders(params, values), rowMode: 'array', types: driverTypes })
      return result.rows.map(toRow)
    },
  }
}

/** The pool a database's hot statements may run on directly: node-postgres at the top level (not a transaction, not PGlite). */
export function directPool(db: unknown): pg.Pool | undefined {
  const client = (db as { $client?: unknown }).$client
  return client instanceof pg.Pool ? client : undefined
}
