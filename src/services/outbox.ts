import type { OutboxRepository, OutboxRow } from '../db/repositories/outbox.js'
import { createPoller } from './poller.js'
import type { Clock } from '../lib/clock.js'
import { traced } from '../lib/tracing.js'

/** What a handler reports of one delivery, for the attempt log. */
export interface DeliveryReport {
  responseStatus?: number | undefined
}

/** A handler throws to fail the attempt (it is retried with backoff); `PermanentFailure` stops retries. */
export type OutboxHandler = (job: OutboxRow) => Promise<DeliveryReport | void>

export class PermanentFailure extends Error {
  readonly responseStatus: number | undefined
  constructor(message: string, responseStatus?: number) {
    super(message)
    this.name = 'PermanentFailure'
    this.responseStatus = responseStatus
  }
}

/**
 * Nothing to do any more (a newsletter reader who unsubscribed or was erased since the fan-out, a
 * cancelled send): the job ends like a permanent failure, with the reason, but it is logged as
 * routine, not as an error.
 */
export class Skipped extends PermanentFailure {
  constructor(reason: string) {
    super(`skipped: ${reason}`)
    this.name = 'Skipped'
  }
}

/** The job's lease ran out and another worker claimed it: this one leaves the job (and its record) alone. */
export class LeaseLost extends Error {
  constructor() {
    super('the lease ran out and another worker holds the job')
    this.name = 'LeaseLost'
  }
}

export class DeliveryFailure extends Error {
  readonly responseStatus: number | undefined
  constructor(message: string, responseStatus?: number) {
    super(message)
    this.name = 'DeliveryFailure'
    this.responseStatus = responseStatus
  }
}

/** Exponential backoff with jitter: ~10 s, 20 s, 40 s … capped at 1 h. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(10_000 * 2 ** Math.max(attempt - 1, 0), 3_600_000)
  return Math.round(base * (0.8 + 0.4 * random()))
}

export interface OutboxWorkerOptions {
  repository: OutboxRepository
  handlers: Record<string, OutboxHandler>
  clock: Clock
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void; error(obj: object, msg: string): void }
  /** Jobs claimed per round. */
  batchSize?: number
  /** How long a claimed job is ours before another worker may take it over. */
  leaseMs?: number
  pollMs?: number
  /** Jobs of one handler run at most this many at a time. */
  concurrency?: number
  /** Called after each job's outcome is recorded (metrics, tests). */
  onJob?: (job: OutboxRow, outcome: 'done' | 'retry' | 'failed', error?: unknown) => void
}

/**
 * Delivers the outbox. `runOnce()` claims and processes one batch (tests call it directly, with a
 * manual clock, so retries need no sleeping); `start()` polls and can be woken by `kick()` right
 * after a commit that enqueued something.
 */
export function createOutboxWorker(options: OutboxWorkerOptions) {
  const { repository, handlers, clock, log } = options
  const batchSize = options.batchSize ?? 20
  const leaseMs = options.leaseMs ?? 60_000
  const pollMs = options.pollMs ?? 1_000
  const concurrency = options.concurrency ?? 4
  /** Each job is a trace of its own (span `outbox <topic>`) when tracing is on: its SQL, webhook POST or SMTP send are children. */
  const deliver = (job: OutboxRow): Promise<void> =>
    traced(`outbox ${job.topic}`, { kind: 'consumer', root: true, attributes: { 'outbox.topic': job.topic, 'outbox.job_id': String(job.id), 'outbox.attempt': job.attempts } }, async (span) => {
      const outcome = await deliverJob(job)
      span.setAttribute('outbox.outcome', outcome ?? 'lease lost')
      if (outcome === 'retry' || outcome === 'failed') span.fail(outcome)
    })

  /** The job's outcome, or undefined when another worker took it over. */
  async function deliverJob(job: OutboxRow): Promise<'done' | 'retry' | 'failed' | undefined> {
    const handler = handlers[job.topic]
    const startedAt = clock.now()
    const started = performance.now()
    let outcome: 'done' | 'retry' | 'failed' = 'done'
    let failure: unknown
    let responseStatus: number | undefined
    try {
      if (!handler) throw new PermanentFailure(`no handler for topic ${job.topic}`)
      const report = await handler(job)
      responseStatus = report?.responseStatus
      await repository.complete(job.id, clock.now())
    } catch (error) {
      if (error instanceof LeaseLost) {
        log.warn({ outboxId: job.id, topic: job.topic }, 'outbox job taken over by another worker; left to it')
        return undefined
      }
      failure = error
      responseStatus = (error as { responseStatus?: number }).responseStatus
      const permanent = error instanceof PermanentFailure
      outcome = permanent || job.attempts >= job.maxAttempts ? 'failed' : 'retry'
      const message = error instanceof Error ? error.message : String(error)
      await repository.fail(job.id, message.slice(0, 2000), outcome === 'retry' ? new Date(clock.now().getTime() + backoffMs(job.attempts)) : null)
      if (error instanceof Skipped) log.info({ outboxId: job.id, topic: job.topic, reason: message }, 'outbox job skipped')
      else if (outcome === 'failed') log.error({ outboxId: job.id, topic: job.topic, attempt: job.attempts, err: message }, 'outbox job failed for good')
      else log.warn({ outboxId: job.id, topic: job.topic, attempt: job.attempts, err: message }, 'outbox job failed; will retry')
    }
    await repository
      .recordAttempt({
        outboxId: job.id,
        attempt: job.attempts,
        startedAt,
        durationMs: Math.round(performance.now() - started),
        ok: outcome === 'done',
        responseStatus: responseStatus ?? null,
        error: failure === undefined ? null : (failure instanceof Error ? failure.message : String(failure)).slice(0, 2000),
      })
      .catch((error: unknown) => log.warn({ err: error }, 'could not record an outbox attempt'))
    options.onJob?.(job, outcome, failure)
    return outcome
  }

  async function runOnce(): Promise<number> {
    const jobs = await repository.claim(clock.now(), batchSize, leaseMs, Object.keys(handlers))
    for (let i = 0; i < jobs.length; i += concurrency) {
      await Promise.all(jobs.slice(i, i + concurrency).map(deliver))
    }
    return jobs.length
  }

  const poller = createPoller({ name: 'outbox', pollMs, log, round: async () => (await runOnce()) === batchSize })

  return {
    runOnce,
    start: poller.start,
    /** Wake the loop now (something was just enqueued and committed). */
    kick: poller.kick,
    /** Stops polling and waits for the round in flight. */
    stop: poller.stop,
  }
}

export type OutboxWorker = ReturnType<typeof createOutboxWorker>
