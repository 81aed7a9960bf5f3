/**
 * A bound on expensive work in one process: at most `concurrency` tasks run at once, at most
 * `maxWaiting` more wait for a slot (first come, first served), and anything beyond is refused at
 * once with QueueFull — a bounded queue turns overload into a fast "retry later" instead of memory
 * and latency growing without limit.
 */

export class QueueFull extends Error {
  readonly retryAfterSeconds: number
  constructor(retryAfterSeconds: number) {
    super(`the work queue is full; retry in ${retryAfterSeconds} s`)
    this.name = 'QueueFull'
    this.retryAfterSeconds = retryAfterSeconds
  }
}

export interface WorkQueue {
  /** Runs `task` when a slot is free; rejects with QueueFull when no slot is free and the queue is full. */
  run<T>(task: () => Promise<T>): Promise<T>
  /** True when `run` would be refused right now (a cheap check before accepting more input). */
  full(): boolean
  /** Seconds a refused caller should wait: the queue ahead of it at the recent pace, at least 1. */
  retryAfter(): number
  stats(): { running: number; waiting: number; concurrency: number; maxWaiting: number }
}

export function createWorkQueue(options: { concurrency: number; maxWaiting: number; now?: () => number }): WorkQueue {
  const now = options.now ?? (() => performance.now())
  const waiting: (() => void)[] = []
  let running = 0
  /** Smoothed duration of a task (ms), for Retry-After. */
  let averageMs = 1000

  const full = () => running >= options.concurrency && waiting.length >= options.maxWaiting
  const retryAfter = () => Math.max(1, Math.ceil((((waiting.length + 1) / options.concurrency) * averageMs) / 1000))

  const release = () => {
    const next = waiting.shift()
    if (next) next()
    else running--
  }

  return {
    async run<T>(task: () => Promise<T>): Promise<T> {
      if (running < options.concurrency) running++
      else if (waiting.length < options.maxWaiting) await new Promise<void>((resolve) => waiting.push(resolve))
      else throw new QueueFull(retryAfter())
      // The slot is ours (a releasing task handed it over without decrementing `running`).
      const started = now()
      try {
        return await task()
      } finally {
        averageMs = averageMs * 0.8 + (now() - started) * 0.2
        release()
      }
    },
    full,
    retryAfter,
    stats: () => ({ running, waiting: waiting.length, concurrency: options.concurrency, maxWaiting: options.maxWaiting }),
  }
}
