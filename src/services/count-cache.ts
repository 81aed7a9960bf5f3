import type { Clock } from '../lib/clock.js'
import type { Freshness } from './freshness.js'

/**
 * Totals of public article lists (meta.total) and search facets, which cost a scan of every
 * matching row, remembered briefly: until any content change, the next scheduled article's
 * publication time (a total moves then without any write), or `ttlMs`, whichever comes first.
 * Identical concurrent misses share one query.
 */
export function createCountCache(options: { clock: Clock; ttlMs: number; maxEntries?: number; freshness: Freshness }) {
  const { clock, ttlMs, freshness } = options
  const maxEntries = options.maxEntries ?? 1000
  let entries = new Map<string, { value: unknown; expires: number }>()
  const pending = new Map<string, Promise<unknown>>()
  let generation = 0

  return {
    async get<T>(key: string, compute: () => Promise<T>): Promise<T> {
      const now = clock.now().getTime()
      const hit = entries.get(key)
      if (hit && hit.expires > now) return hit.value as T
      const inflight = pending.get(key)
      if (inflight) return inflight as Promise<T>
      const startedIn = generation
      const promise = (async () => {
        const [value, scheduled] = await Promise.all([compute(), freshness.validUntil()])
        // A change during the query may not be in its result: use it, but do not keep it.
        if (startedIn === generation) {
          if (entries.size >= maxEntries) entries = new Map([...entries].slice(maxEntries / 2))
          entries.set(key, { value, expires: Math.min(now + ttlMs, scheduled) })
        }
        return value
      })().finally(() => {
        if (pending.get(key) === promise) pending.delete(key)
      })
      pending.set(key, promise)
      return promise
    },

    clear(): void {
      generation++
      entries.clear()
      pending.clear()
    },
  }
}

export type CountCache = ReturnType<typeof createCountCache>
