import type { Clock } from '../lib/clock.js'

/**
 * When cached public reads stop being true without any write: at the next scheduled article's
 * publication time (it becomes public then), or the next expiry of breaking news or of a pinned
 * collection item (what `nextScheduledAt` reports). Shared by every cache of public content; looked up
 * at most once per `recheckMs`, and again after every content change.
 */
export function createFreshness(options: { clock: Clock; recheckMs: number; nextScheduledAt: (now: Date) => Promise<Date | null> }) {
  let boundary: { value: number; checkedUntil: number } | undefined
  return {
    async validUntil(): Promise<number> {
      const now = options.clock.now().getTime()
      if (boundary && boundary.checkedUntil > now && boundary.value > now) return boundary.value
      const next = await options.nextScheduledAt(new Date(now))
      boundary = { value: next ? next.getTime() : Number.POSITIVE_INFINITY, checkedUntil: now + options.recheckMs }
      return boundary.value
    },
    invalidate(): void {
      boundary = undefined
    },
  }
}

export type Freshness = ReturnType<typeof createFreshness>
