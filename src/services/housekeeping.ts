import type { UnitOfWork } from '../db/repositories/index.js'
import { AUTOSEND_TOPIC, DELIVER_TOPIC } from '../db/repositories/newsletter-sends.js'
import type { Clock } from '../lib/clock.js'
import { createPoller } from './poller.js'

const DAY_MS = 86_400_000
/** Refresh tokens are deleted this long after they expired or were revoked. */
export const REFRESH_TOKEN_RETENTION_DAYS = 30

/**
 * Jobs the age rule never deletes: a newsletter send's recipients' jobs go with their send (its
 * counts kept first), and an article's automatic send job is what stops a republished article
 * being emailed again (its dedupe key), for as long as the article exists.
 */
const NOT_BY_AGE = [DELIVER_TOPIC, AUTOSEND_TOPIC] as const

export interface HousekeepingResult {
  /** Finished outbox jobs deleted (emails, webhook deliveries, Akismet reports…), with their attempts. */
  outboxJobs: number
  /** Newsletter sends whose counts were kept on the send, and their recipients' jobs deleted. */
  sends: number
  sendJobs: number
  refreshTokens: number
}

/**
 * What would otherwise grow for ever: the outbox keeps every finished job (one per email, per
 * newsletter recipient, per webhook delivery) with its attempts, and expired sessions stay in
 * refresh_tokens. Every `pollMs` (and once at start) this deletes, in batches of `batch` rows:
 * - a newsletter send's recipients' jobs once the send is over (sent or cancelled, nothing in
 *   flight) since more than `retentionDays`: its counts are kept on the send first, in their own
 *   transaction, so GET /v1/admin/newsletter/sends answers the same before and after (a prune cut
 *   short is finished by the next round);
 * - other finished jobs (done, or failed for good) created more than `retentionDays` ago, but
 *   NOT_BY_AGE — the delivery log (GET /v1/admin/outbox, a webhook's attempts) goes back that far.
 *   A dedupe key stops a repeat only while its job is there, so OUTBOX_RETENTION_DAYS is at least
 *   8 (config.ts), longer than a weekly digest's period;
 * - refresh tokens expired or revoked more than REFRESH_TOKEN_RETENTION_DAYS ago.
 * Every API process may run it: each statement deletes what is still there. `stop()` ends a round
 * at its next batch.
 */
export function createHousekeeping(deps: {
  uow: UnitOfWork
  clock: Clock
  retentionDays: number
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void }
  pollMs: number
  batch?: number
  /** Awaited before each statement (on PGlite: until no request is in flight; see Foreground). */
  pause?: (() => Promise<void>) | undefined
}) {
  const { uow, clock, log } = deps
  const batch = deps.batch ?? 1000
  const pause = deps.pause ?? (() => Promise.resolve())
  let stopping = false

  /** Runs `step` until it deletes less than a batch (or the worker stops); returns the total. */
  async function drain(step: () => Promise<number>): Promise<number> {
    let total = 0
    while (!stopping) {
      await pause()
      const n = await step()
      total += n
      if (n < batch) break
    }
    return total
  }

  async function round(): Promise<HousekeepingResult> {
    const now = clock.now().getTime()
    const cutoff = new Date(now - deps.retentionDays * DAY_MS)
    const repos = uow.repos
    // Sends first: their jobs are most of an old outbox, and the pass by age then walks past none.
    let sends = 0
    let sendJobs = 0
    while (!stopping) {
      await pause()
      const settled = await repos.newsletterSends.settledBefore(cutoff, 100)
      for (const id of settled) {
        if (stopping) break
        await pause()
        await uow.transaction(async (tx) => tx.newsletterSends.keepCounts(id, await tx.newsletterSends.counts(id)))
        sendJobs += await drain(() => repos.newsletterSends.deleteFinishedJobs(id, batch))
        sends++
      }
      if (settled.length < 100) break
    }
    const outboxJobs = await drain(() => repos.outbox.deleteFinished(cutoff, batch, NOT_BY_AGE))
    const tokensBefore = new Date(now - REFRESH_TOKEN_RETENTION_DAYS * DAY_MS)
    const refreshTokens = await drain(() => repos.refreshTokens.deleteStale(tokensBefore, batch))
    const result = { outboxJobs, sends, sendJobs, refreshTokens }
    if (outboxJobs + sends + refreshTokens > 0) log.info(result, 'housekeeping: deleted what is past its retention')
    return result
  }

  const poller = createPoller({
    round: async () => {
      await round()
      return false
    },
    pollMs: deps.pollMs,
    log,
    name: 'housekeeping',
  })
  return {
    start: () => {
      stopping = false
      poller.start()
    },
    stop: async () => {
      stopping = true
      await poller.stop()
    },
    round,
  }
}

export type Housekeeping = ReturnType<typeof createHousekeeping>
