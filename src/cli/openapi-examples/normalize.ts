import { createHash } from 'node:crypto'

/**
 * Makes recorded responses repeatable: what differs from one recording to the next (random ids,
 * tokens, cursors and ETags built from them, the wall-clock time rows were written, durations)
 * is replaced by stable stand-ins of the same shape, so the committed examples can be compared
 * byte for byte with a fresh recording. Everything else — the demo content, messages, statuses,
 * the clock's own timestamps — is kept as the API answered it.
 */
export interface NormalizerOptions {
  /** Real time (ms) the recording started: timestamps from then on were written by this run. */
  since: number
  /** What those timestamps become: the recording app's clock. */
  now: Date
}

const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi
const JWT = /\beyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/g
const ISO_TIME = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?(?:Z|[+-]\d{2}:\d{2})/g
const HTTP_DATE = /\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT/g
/** Durations measured by the server: they never repeat. */
const DURATION_FIELDS: Record<string, number> = { durationMs: 48, duration_ms: 48 }

const digest = (text: string) => createHash('sha256').update(text).digest()

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

/**
 * A stand-in of the same length: a given prefix and `.` separators are kept (they are structure),
 * every other character becomes a letter or digit drawn from the seed alone, so that two runs'
 * different values get the same stand-in.
 */
function lookalike(value: string, seed: string, prefix = ''): string {
  let bytes = digest(seed)
  let out = prefix
  for (let i = prefix.length; i < value.length; i++) {
    if (i % 32 === 31) bytes = digest(bytes.toString('hex'))
    out += value[i] === '.' ? '.' : ALPHANUMERIC[bytes[i % 32]! % ALPHANUMERIC.length]
  }
  return out
}

function uuidFor(seed: string): string {
  const hex = digest(`newsroom-example-uuid:${seed}`).toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${((parseInt(hex.slice(16, 17), 16) & 3) | 8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`
}

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url')

export function createNormalizer(options: NormalizerOptions) {
  const literals = new Map<string, string>()
  const uuids = new Map<string, string>()
  let pattern: RegExp | undefined
  // Stand-ins are seeded by where a value first appears (an operation's n-th call, then the n-th new
  // value in it), not by a global count: a call added to a scenario renumbers nothing elsewhere.
  let context = 'start'
  let fresh = 0
  const seed = () => `${context}#${fresh++}`
  const nowSeconds = Math.floor(options.now.getTime() / 1000)

  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

  /** A value that changes from run to run, replaced wherever it occurs (also inside longer strings); returns its stand-in. */
  function volatile(value: string, replacement?: string | { keepPrefix: string }): string {
    const known = literals.get(value)
    if (known !== undefined) return known
    if (typeof replacement !== 'string' && value.length < 8) return value
    const stand = typeof replacement === 'string' ? replacement : lookalike(value, `literal:${seed()}`, replacement?.keepPrefix)
    literals.set(value, stand)
    pattern = undefined
    return stand
  }

  function uuid(value: string): string {
    const key = value.toLowerCase()
    let mapped = uuids.get(key)
    if (!mapped) {
      uuids.set(key, (mapped = uuidFor(seed())))
      // Media file names carry the item id's first 8 characters (services/media/library.ts).
      volatile(`-${key.slice(0, 8)}-`, `-${mapped.slice(0, 8)}-`)
    }
    return mapped
  }

  /** Where values seen from now on first appear (e.g. `getArticle#2`). */
  function enter(where: string): void {
    context = where
    fresh = 0
  }

  /** Gives the ids their stand-ins where they first appear, before anything is rewritten. */
  function scan(input: unknown): void {
    if (typeof input === 'string') {
      for (const token of input.match(JWT) ?? []) scan(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'))
      for (const match of input.match(UUID) ?? []) uuid(match)
    } else if (Array.isArray(input)) input.forEach(scan)
    else if (input !== null && typeof input === 'object') Object.values(input).forEach(scan)
  }

  const ownTime = (text: string) => {
    const at = Date.parse(text)
    return Number.isFinite(at) && at >= options.since
  }

  function jwt(token: string): string {
    const [header = '', payload = ''] = token.split('.')
    let claims: Record<string, unknown>
    try {
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>
    } catch {
      return lookalike(token, `jwt:${token.length}`)
    }
    const iat = typeof claims.iat === 'number' ? claims.iat : undefined
    for (const [key, value] of Object.entries(claims)) {
      if (typeof value === 'string') claims[key] = string(value)
      else if (typeof value === 'number' && iat !== undefined && (key === 'iat' || key === 'exp' || key === 'nbf')) claims[key] = nowSeconds + (value - iat)
    }
    const body = `${header}.${base64url(JSON.stringify(claims))}`
    return `${body}.${base64url(digest(body))}`
  }

  function string(value: string): string {
    let out = value
    if (literals.size > 0) {
      pattern ??= new RegExp([...literals.keys()].sort((a, b) => b.length - a.length).map(escape).join('|'), 'g')
      out = out.replace(pattern, (match) => literals.get(match) ?? match)
    }
    return out
      .replace(JWT, jwt)
      .replace(UUID, uuid)
      .replace(ISO_TIME, (match) => (ownTime(match) ? options.now.toISOString() : match))
      .replace(HTTP_DATE, (match) => (ownTime(match) ? options.now.toUTCString() : match))
  }

  function value(input: unknown, key?: string): unknown {
    if (typeof input === 'string') return string(input)
    if (typeof input === 'number' && key !== undefined && key in DURATION_FIELDS) return DURATION_FIELDS[key]
    if (Array.isArray(input)) return input.map((item) => value(item))
    if (input !== null && typeof input === 'object') {
      return Object.fromEntries(Object.entries(input).map(([k, v]) => [k, value(v, k)]))
    }
    return input
  }

  return { enter, volatile, scan, value, string }
}

export type Normalizer = ReturnType<typeof createNormalizer>
