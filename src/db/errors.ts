/**
 * Database errors, read one way everywhere. drizzle wraps the driver's error (pg's DatabaseError,
 * PGlite's) in its own, so the SQLSTATE may sit a few `cause`s down; this walks the chain.
 */
const MAX_DEPTH = 5

/** The string values of `field` along the cause chain, outermost first. */
function alongCauses(error: unknown, field: 'code' | 'message'): string[] {
  const values: string[] = []
  for (let e: unknown = error, depth = 0; e && depth < MAX_DEPTH; e = (e as { cause?: unknown }).cause, depth++) {
    const value = (e as Record<string, unknown>)[field]
    if (typeof value === 'string') values.push(value)
  }
  return values
}

/** The codes along the chain, outermost first: SQLSTATEs of database errors, Node system codes (ECONNRESET…). */
export const errorCodes = (error: unknown): string[] => alongCauses(error, 'code')

/** The error's code: the SQLSTATE of a database error (or a Node system code), wherever drizzle wrapped it. */
export const pgCode = (error: unknown): string | undefined => errorCodes(error)[0]

/** The messages along the chain, outermost first (for errors that carry no code, such as pg's "Connection terminated"). */
export const errorMessages = (error: unknown): string[] => alongCauses(error, 'message')

/** SQLSTATE 23505: a unique constraint refused the row (e.g. a race between a slug check and its insert). */
export const isUniqueViolation = (error: unknown): boolean => pgCode(error) === '23505'

/** SQLSTATE 23503: a foreign key refused the row (the row it names was deleted meanwhile). */
export const isForeignKeyViolation = (error: unknown): boolean => pgCode(error) === '23503'

/**
 * SQLSTATE class 22 (data exception) raised by a value the client sent: a NUL byte or an invalid
 * byte sequence in text (22021, 22P05), a number or date out of range, an over-long tsquery.
 */
export const isDataException = (error: unknown): boolean => /^22[0-9A-Z]{3}$/.test(pgCode(error) ?? '')

const UNAVAILABLE_SQLSTATE = /^(08|57P0[1-3]|53300|53400)/
const UNAVAILABLE_NODE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH'])
const UNAVAILABLE_MESSAGE = /Connection terminated|Query read timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Cannot use a pool after calling end|PGlite is closed/i

/** The database cannot answer now (down, restarting, out of connections, past its deadline): a 503, not a 500. */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (errorCodes(error).some((code) => UNAVAILABLE_SQLSTATE.test(code) || UNAVAILABLE_NODE.has(code))) return true
  return errorMessages(error).some((message) => UNAVAILABLE_MESSAGE.test(message))
}
