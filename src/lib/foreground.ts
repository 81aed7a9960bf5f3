/**
 * Requests come first. The embedded database (PGlite) runs every statement to its end on the one
 * JavaScript thread, so background work that queries it back to back (the Related Posts backfill
 * of a large archive) would hold every request behind it: before each of its steps, such work
 * awaits `idle()`, which lets the event loop take in what has arrived and waits until no request
 * is in flight. Under unbroken traffic it still takes a step every `maxWaitMs`, so it finishes in
 * the end.
 */
export interface Foreground {
  /** Call when a request starts; the returned function, once only, when it ends (answered or aborted). */
  enter(): () => void
  /** Resolves once no request is in flight (after the event loop has polled for new ones), or after `maxWaitMs`. */
  idle(maxWaitMs: number): Promise<void>
  readonly inFlight: number
}

export function createForeground(): Foreground {
  let inFlight = 0
  let waiters: Array<() => void> = []

  const wakeIfIdle = () => {
    if (inFlight !== 0 || waiters.length === 0) return
    const woken = waiters
    waiters = []
    for (const wake of woken) wake()
  }

  return {
    get inFlight() {
      return inFlight
    },
    enter() {
      inFlight++
      let left = false
      return () => {
        if (left) return
        left = true
        inFlight--
        // A keep-alive client's next request, already read, is taken in before the waiters go on.
        if (inFlight === 0) setImmediate(wakeIfIdle)
      }
    },
    async idle(maxWaitMs) {
      // A request that has arrived but whose callbacks have not run yet is counted after this.
      await new Promise<void>((resolve) => setImmediate(resolve))
      if (inFlight === 0) return
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          waiters = waiters.filter((w) => w !== wake)
          resolve()
        }, maxWaitMs)
        timer.unref()
        const wake = () => {
          clearTimeout(timer)
          resolve()
        }
        waiters.push(wake)
      })
    },
  }
}
