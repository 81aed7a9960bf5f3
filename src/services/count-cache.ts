import type { Clock } from '../lib/clock.js'

/**
 * Totals of public article lists (meta.total) and search facets, which cost a scan of every
 * matching row, remembered briefly: until any content change, the next scheduled article's publication time (a total moves
 * then without any write), or `ttlMs`, whichever comes first. Identical concurrent misses share one
 * query.
 */
export function createCountCache(options: {
  clock: Clock
  ttlMs: number
  maxEntries?: number
  /** The earliest published_at still in the future among published or scheduled articles. */
  nextScheduledAt: (now: Date) => Promise<Date | null>
}) {
  const { clock, ttlMs } = options
  const maxEntries = options.maxEntries ?? 1000
  let entries = new Map<string, { value: unknown; expires: number }>()
  const pending = new Map<string, Promise<unknown>>()
  let generation = 0
  let boundary: { value: number; expires: number } | undefined

  async function validUntil(now: number): Promise<number> {
    if (boundary && boundary.expires > now) return boundary.value
    const next = await options.nextScheduledAt(new Date(now))
    boundary = { value: next ? next.getTime() : Number.POSITIVE_INFINITY, expires: now + ttlMs }
    return boundary.value
  }

  return {
    async get<T>(key: string, compute: () => Promise<T>): Promise<T> {
      const now = clock.now().getTime()
      const hit = entries.get(key)
      if (hit && hit.expires > now) return hit.value as T
      const inflight = pending.get(key)
      if (inflight) return inflight as Promise<T>
      const startedIn = generation
      const promise = (async () => {
        const [value, scheduled] = await Promise.all([compute(), validUntil(now)])
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
      boundary = undefined
    },
  }
}

export type CountCache = ReturnType<typeof createCountCache>
