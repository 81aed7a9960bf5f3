import type { Clock } from '../lib/clock.js'
import type { Coding } from '../lib/content-coding.js'
import type { Freshness } from './freshness.js'

export interface CachedResponse {
  status: number
  headers: Record<string, string>
  /** The identity body. */
  body: Buffer
  etag: string | undefined
  /** Whether the body is a compressible type and large enough: it varies by Accept-Encoding. */
  negotiable: boolean
  expires: number
  /** The body in each coding asked for so far: encoded once, counted against the bound. */
  encoded: Partial<Record<Coding, Buffer>>
  /** Encodings under way, so concurrent readers of a new coding share one. */
  encoding: Partial<Record<Coding, Promise<Buffer>>>
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
  const stats = { hits: 0, misses: 0, stores: 0, evictions: 0, clears: 0, encodes: 0 }

  const sizeOf = (entry: CachedResponse) => entry.body.length + (entry.encoded.br?.length ?? 0) + (entry.encoded.gzip?.length ?? 0)

  const drop = (key: string) => {
    const entry = entries.get(key)
    if (!entry) return
    entries.delete(key)
    bytes -= sizeOf(entry)
  }

  const evict = () => {
    for (const oldest of entries.keys()) {
      if (bytes <= options.maxBytes) break
      drop(oldest)
      stats.evictions++
    }
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

    /** Stores the response unless it raced a change or is too large; returns the stored entry. */
    async set(
      key: string,
      startedIn: number,
      response: Omit<CachedResponse, 'expires' | 'encoded' | 'encoding'>,
      notAfter = Number.POSITIVE_INFINITY,
    ): Promise<CachedResponse | undefined> {
      if (response.body.length > maxEntryBytes) return undefined
      const now = clock.now().getTime()
      // A change time already past has happened: the response shows its result.
      const expires = Math.min(now + options.ttlMs, notAfter > now ? notAfter : Number.POSITIVE_INFINITY, await freshness.validUntil())
      if (startedIn !== generation) return undefined
      drop(key)
      const entry: CachedResponse = { ...response, expires, encoded: {}, encoding: {} }
      entries.set(key, entry)
      bytes += response.body.length
      stats.stores++
      evict()
      return entry
    },

    /**
     * The entry's body in `coding`: encoded on first demand, then kept with the entry (and counted
     * against the bound) so later readers compress nothing. An entry dropped meanwhile still
     * answers the reader that asked, without being kept.
     */
    encoded(key: string, entry: CachedResponse, coding: Coding, encode: (body: Buffer, coding: Coding) => Promise<Buffer>): Promise<Buffer> {
      const done = entry.encoded[coding]
      if (done) return Promise.resolve(done)
      const pending = entry.encoding[coding]
      if (pending) return pending
      stats.encodes++
      const work = encode(entry.body, coding).then(
        (body) => {
          delete entry.encoding[coding]
          if (entries.get(key) === entry && !entry.encoded[coding]) {
            entry.encoded[coding] = body
            bytes += body.length
            evict()
          }
          return body
        },
        (error: unknown) => {
          delete entry.encoding[coding]
          throw error
        },
      )
      entry.encoding[coding] = work
      return work
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
