/**
 * The one polling loop of the background workers (outbox delivery, scheduled publishing): run a
 * round, then wait `pollMs` — or go again at once when the round says there is more, or when
 * `kick()` asked during it. A failed round (the database away) is logged and retried on the next
 * tick. The timer never keeps the process alive; `stop()` waits for the round in flight.
 */
export interface Poller {
  start(): void
  /** Run a round now (something was just committed), or right after the one in flight. */
  kick(): void
  stop(): Promise<void>
}

export function createPoller(options: {
  /** One round; resolves true when there may be more to do at once (a full batch). */
  round: () => Promise<boolean>
  pollMs: number
  log: { warn(obj: object, msg: string): void }
  /** Names the worker in the log line of a failed round. */
  name: string
}): Poller {
  let timer: NodeJS.Timeout | undefined
  let running: Promise<boolean> | undefined
  let stopped = true
  let again = false

  const schedule = (delay: number) => {
    clearTimeout(timer)
    timer = setTimeout(() => void loop(), delay)
    timer.unref()
  }

  async function loop(): Promise<void> {
    if (stopped) return
    const round = options.round()
    running = round
    try {
      again = (await round) || again
    } catch (error) {
      options.log.warn({ err: error }, `${options.name} round failed (the database may be away); retrying`)
    } finally {
      if (running === round) running = undefined
    }
    if (stopped) return
    const delay = again ? 0 : options.pollMs
    again = false
    schedule(delay)
  }

  return {
    start() {
      if (!stopped) return
      stopped = false
      // Restarted while a round is still in flight: it goes on when that round ends, never beside it.
      if (running) again = true
      else schedule(0)
    },
    kick() {
      if (stopped) return
      if (running) again = true
      else schedule(0)
    },
    async stop() {
      stopped = true
      clearTimeout(timer)
      await running?.catch(() => {})
    },
  }
}
