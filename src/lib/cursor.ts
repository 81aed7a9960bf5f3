/**
 * Opaque keyset cursors for lists ordered by (published_at, id). The client treats them as opaque;
 * the server rejects anything it did not make with a 400 rather than guessing.
 */
export interface Cursor {
  /** Sort key of the boundary row: ISO timestamp and uuid. */
  at: string
  id: string
  /** `after`: the page following the boundary row in list order; `before`: the page preceding it. */
  direction: 'after' | 'before'
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.direction === 'after' ? 'a' : 'b', cursor.at, cursor.id])).toString('base64url')
}

/** Returns null for anything that is not a cursor this server made. */
export function decodeCursor(raw: string): Cursor | null {
  if (raw.length > 200 || !/^[A-Za-z0-9_-]+$/.test(raw)) return null
  let parsed: unknown
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'))
  } catch {
    return null
  }
  if (!Array.isArray(parsed) || parsed.length !== 3) return null
  const [direction, at, id] = parsed as unknown[]
  if ((direction !== 'a' && direction !== 'b') || typeof at !== 'string' || typeof id !== 'string') return null
  if (!UUID.test(id) || Number.isNaN(Date.parse(at)) || !/^\d{4}-\d{2}-\d{2}T/.test(at)) return null
  return { direction: direction === 'a' ? 'after' : 'before', at: new Date(at).toISOString(), id }
}

/** Cursor for lists ordered by a relevance score, then date, then id (all descending): forward only. */
export interface RankCursor {
  rank: number
  at: string
  id: string
}

export function encodeRankCursor(cursor: RankCursor): string {
  return Buffer.from(JSON.stringify(['r', cursor.rank, cursor.at, cursor.id])).toString('base64url')
}

export function decodeRankCursor(raw: string): RankCursor | null {
  if (raw.length > 200 || !/^[A-Za-z0-9_-]+$/.test(raw)) return null
  let parsed: unknown
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'))
  } catch {
    return null
  }
  if (!Array.isArray(parsed) || parsed.length !== 4 || parsed[0] !== 'r') return null
  const [, rank, at, id] = parsed as unknown[]
  if (typeof rank !== 'number' || !Number.isFinite(rank) || typeof id !== 'string' || !UUID.test(id)) return null
  if (typeof at !== 'string' || !/^\d{4}-\d{2}-\d{2}T/.test(at) || Number.isNaN(Date.parse(at))) return null
  return { rank, at: new Date(at).toISOString(), id }
}
