import type { Clock } from '../lib/clock.js'
import type { Freshness } from './freshness.js'

export interface CachedResponse {
  status: number
  headers: Record<string, string>
  body: Buffer
  etag: string | undefined
  expires: number
}

/**
 * Whole public responses, by URL, in this process: bounded by total bytes (least recently used go
 * first), valid until any content change (here or, through LISTEN/NOTIFY, in another process), the
 * next scheduled publication, or `ttlMs`. A response computed while a change happened is not kept,
 * so a read after a committed write never gets pre-write content from here.
 */
export function createResponseCache(options: { clock: Clock; freshness: Freshness; maxBytes: number; ttlMs: number; maxEntryBytes?: number }) {
  const { clock, freshness } = options
  const maxEntryBytes = options.maxEntryBytes ?? Math.max(1, Math.floor(options.maxBytes / 8))
  const entries = new Map<string, CachedResponse>()
  let bytes = 0
  let generation = 0
  const stats = { hits: 0, misses: 0, stores: 0, evictions: 0, clears: 0 }

  const drop = (key: string) => {
    const entry = entries.get(key)
    if (!entry) return
    entries.delete(key)
    bytes -= entry.body.length
  }

  return {
    stats,
    /** Capture at request start; pass to `set` so a response that raced a change is not stored. */
    generation: () => generation,

    get(key: string): CachedResponse | undefined {
      const entry = entries.get(key)
      if (!entry) {
        stats.misses++
        return undefined
      }
      if (entry.expires <= clock.now().getTime()) {
        drop(key)
        stats.misses++
        return undefined
      }
      // Least recently used order: move to the end.
      entries.delete(key)
      entries.set(key, entry)
      stats.hits++
      return entry
    },

    async set(key: string, startedIn: number, response: Omit<CachedResponse, 'expires'>, notAfter = Number.POSITIVE_INFINITY): Promise<void> {
      if (response.body.length > maxEntryBytes) return
      const now = clock.now().getTime()
      // A change time already past has happened: the response shows its result.
      const expires = Math.min(now + options.ttlMs, notAfter > now ? notAfter : Number.POSITIVE_INFINITY, await freshness.validUntil())
      if (startedIn !== generation) return
      drop(key)
      entries.set(key, { ...response, expires })
      bytes += response.body.length
      stats.stores++
      for (const oldest of entries.keys()) {
        if (bytes <= options.maxBytes) break
        drop(oldest)
        stats.evictions++
      }
    },

    clear(): void {
      generation++
      entries.clear()
      bytes = 0
      stats.clears++
    },

    size: () => ({ entries: entries.size, bytes }),
  }
}

export type ResponseCache = ReturnType<typeof createResponseCache>
