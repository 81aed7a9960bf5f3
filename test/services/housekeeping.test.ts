import t from 'tap'
import { randomUUID } from 'node:crypto'
import { eq, sql } from 'drizzle-orm'
import { createUnitOfWork } from '../../src/db/repositories/index.js'
import { DELIVER_TOPIC } from '../../src/db/repositories/newsletter-sends.js'
import { newsletterSends, outbox, outboxAttempts, refreshTokens, users } from '../../src/db/schema/index.js'
import { createManualClock } from '../../src/lib/clock.js'
import { createHousekeeping } from '../../src/services/housekeeping.js'
import { createTestDatabase } from '../helpers/database.js'

/**
 * Housekeeping deletes what would grow for ever — finished outbox jobs past OUTBOX_RETENTION_DAYS,
 * a finished newsletter send's recipients' jobs (its counts kept on the send), stale refresh
 * tokens — and nothing else.
 */
const quiet = { info() {}, warn() {} }
const NOW = new Date('2026-06-01T12:00:00.000Z')
const daysAgo = (n: number) => new Date(NOW.getTime() - n * 86_400_000)

t.test('finished jobs past the retention go with their attempts; everything else stays', async (t) => {
  const testDb = await createTestDatabase()
  t.teardown(() => testDb.destroy())
  const db = testDb.database.db
  const uow = createUnitOfWork(db)
  const clock = createManualClock(NOW)

  const job = async (name: string, values: Partial<typeof outbox.$inferInsert>) => {
    const [row] = await db
      .insert(outbox)
      .values({ topic: 'email.send', payload: { name }, status: 'done', createdAt: daysAgo(40), ...values })
      .returning({ id: outbox.id })
    return row!.id
  }
  const oldDone = await job('old done', {})
  const oldFailed = await job('old failed', { topic: 'webhook.deliver', status: 'failed', lastError: 'HTTP 500' })
  await db.insert(outboxAttempts).values({ outboxId: oldFailed, attempt: 1, startedAt: daysAgo(40), durationMs: 5, ok: false, responseStatus: 500 })
  const extraOld = await Promise.all([1, 2, 3, 4].map((n) => job(`old done ${n}`, {})))
  const oldPending = await job('old pending', { status: 'pending' })
  const oldProcessing = await job('old processing', { status: 'processing', lockedUntil: daysAgo(-1) })
  const recentDone = await job('recent done', { createdAt: daysAgo(29) })

  // A send that is over, its recipients' jobs 40 days old: 3 delivered, one bounced, one skipped.
  const [over] = await db
    .insert(newsletterSends)
    .values({ sectionSlug: 'world', status: 'sent', subject: 'Over', html: '<p>x</p>', text: 'x', recipients: 5, createdAt: daysAgo(41), finishedAt: daysAgo(40) })
    .returning({ id: newsletterSends.id })
  const deliver = (send: string, status: 'done' | 'failed' | 'pending', lastError: string | null = null) =>
    job(`deliver ${send} ${status}`, { topic: DELIVER_TOPIC, payload: { send_id: send }, status, lastError })
  for (let i = 0; i < 3; i++) await deliver(over!.id, 'done')
  await deliver(over!.id, 'failed', 'bounced: 550 no such user')
  await deliver(over!.id, 'failed', 'skipped: unsubscribed')
  // One still sending (a job pending): nothing of it goes, however old.
  const [sending] = await db
    .insert(newsletterSends)
    .values({ sectionSlug: 'world', status: 'sending', subject: 'Sending', html: '<p>x</p>', text: 'x', recipients: 2, createdAt: daysAgo(41) })
    .returning({ id: newsletterSends.id })
  await deliver(sending!.id, 'done')
  await deliver(sending!.id, 'pending')

  // Cancelled 40 days ago after one recipient: over too.
  const [cancelled] = await db
    .insert(newsletterSends)
    .values({ sectionSlug: 'world', status: 'cancelled', subject: 'Cancelled', html: '<p>x</p>', text: 'x', recipients: 9, createdAt: daysAgo(41), finishedAt: daysAgo(40) })
    .returning({ id: newsletterSends.id })
  await deliver(cancelled!.id, 'done')
  // A prune cut short (its counts kept, one job left behind): the next round finishes it.
  const [cutShort] = await db
    .insert(newsletterSends)
    .values({
      sectionSlug: 'world',
      status: 'sent',
      subject: 'Cut short',
      html: '<p>x</p>',
      text: 'x',
      recipients: 7,
      createdAt: daysAgo(41),
      finishedAt: daysAgo(40),
      finalCounts: { queued: 0, delivered: 7, failed: 0, bounced: 0, skipped: 0 },
    })
    .returning({ id: newsletterSends.id })
  await deliver(cutShort!.id, 'done')
  // The automatic send of an article: its dedupe key is what stops a republished article going out again.
  const autosend = await job('autosend', { topic: 'newsletter.autosend', payload: { article_id: randomUUID() }, dedupeKey: `newsletter-autosend:${randomUUID()}` })

  const countsBefore = await uow.repos.newsletterSends.counts(over!.id)
  t.same(countsBefore, { queued: 0, delivered: 3, failed: 0, bounced: 1, skipped: 1 })
  const sendingBefore = await uow.repos.newsletterSends.counts(sending!.id)

  // Sessions: expired or revoked over 30 days ago go; the rest stay.
  const [user] = await db.insert(users).values({ email: 'house@example.com', name: 'House', role: 'editor', passwordHash: 'x' }).returning({ id: users.id })
  const token = (name: string, values: Partial<typeof refreshTokens.$inferInsert>) =>
    db.insert(refreshTokens).values({ userId: user!.id, familyId: randomUUID(), tokenHash: name, expiresAt: daysAgo(-10), ...values })
  await token('expired long ago', { expiresAt: daysAgo(31) })
  await token('revoked long ago', { revokedAt: daysAgo(31) })
  await token('expired long ago too', { expiresAt: daysAgo(60) })
  await token('expired lately', { expiresAt: daysAgo(29) })
  await token('live', {})

  let pauses = 0
  const housekeeping = createHousekeeping({
    uow,
    clock,
    retentionDays: 30,
    log: quiet,
    pollMs: 3_600_000,
    batch: 2, // several batches of each kind
    pause: async () => {
      pauses++
    },
  })
  const result = await housekeeping.round()
  t.same(result, { outboxJobs: 6, sends: 3, sendJobs: 7, refreshTokens: 3 })
  t.ok(pauses >= 9, `a pause before each statement (${pauses})`)

  const left = new Set((await db.select({ id: outbox.id }).from(outbox)).map((r) => r.id))
  for (const id of [oldDone, oldFailed, ...extraOld]) t.notOk(left.has(id), `job ${id}: finished 40 days ago, deleted`)
  t.same((await db.select().from(outboxAttempts).where(eq(outboxAttempts.outboxId, oldFailed))).length, 0, 'its attempts with it')
  for (const [what, id] of [['pending', oldPending], ['processing', oldProcessing], ['done 29 days ago', recentDone]] as const) t.ok(left.has(id), `${what}: kept`)

  const overJobs = await db.select({ id: outbox.id }).from(outbox).where(sql`payload ->> 'send_id' = ${over!.id}`)
  t.equal(overJobs.length, 0, 'the finished send’s recipients’ jobs are deleted')
  t.same(await uow.repos.newsletterSends.counts(over!.id), countsBefore, 'and its counts read the same, kept on the send')
  t.same(await uow.repos.newsletterSends.counts(sending!.id), sendingBefore, 'the send still going is untouched')
  t.same(await uow.repos.newsletterSends.counts(cancelled!.id), { queued: 0, delivered: 1, failed: 0, bounced: 0, skipped: 0 }, 'a cancelled send: its counts kept')
  t.same(await uow.repos.newsletterSends.counts(cutShort!.id), { queued: 0, delivered: 7, failed: 0, bounced: 0, skipped: 0 }, 'a prune cut short: finished, the counts it kept unchanged')
  for (const send of [cancelled!.id, cutShort!.id]) t.equal((await db.select({ id: outbox.id }).from(outbox).where(sql`payload ->> 'send_id' = ${send}`)).length, 0)
  t.ok(left.has(autosend), 'an article’s automatic-send job stays, however old')
  t.equal((await db.select({ id: outbox.id }).from(outbox).where(sql`payload ->> 'send_id' = ${sending!.id}`)).length, 2)

  t.same((await db.select({ name: refreshTokens.tokenHash }).from(refreshTokens).orderBy(refreshTokens.tokenHash)).map((r) => r.name), ['expired lately', 'live'])

  t.same(await housekeeping.round(), { outboxJobs: 0, sends: 0, sendJobs: 0, refreshTokens: 0 }, 'a second round finds nothing')
  clock.advance(2 * 86_400_000)
  t.same((await housekeeping.round()).outboxJobs, 1, 'two days on, the job done 29 days ago is past the retention too')
})

t.test('stop() ends a round at its next batch', async (t) => {
  const testDb = await createTestDatabase()
  t.teardown(() => testDb.destroy())
  const db = testDb.database.db
  await db.insert(outbox).values([1, 2, 3].map((n) => ({ topic: 'email.send', payload: { n }, status: 'done' as const, createdAt: daysAgo(40) })))
  const housekeeping: ReturnType<typeof createHousekeeping> = createHousekeeping({
    uow: createUnitOfWork(db),
    clock: createManualClock(NOW),
    retentionDays: 30,
    log: quiet,
    pollMs: 3_600_000,
    batch: 1,
    pause: () => housekeeping.stop(), // stopped (as at shutdown) before its first statement
  })
  t.same(await housekeeping.round(), { outboxJobs: 0, sends: 0, sendJobs: 0, refreshTokens: 0 }, 'nothing deleted after stop')
  t.equal((await db.select({ id: outbox.id }).from(outbox)).length, 3)
})
