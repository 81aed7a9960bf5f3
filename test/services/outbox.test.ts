import t, { type Test } from 'tap'
import { createOutboxRepository } from '../../src/db/repositories/outbox.js'
import { createManualClock } from '../../src/lib/clock.js'
import { backoffMs, createOutboxWorker, DeliveryFailure, PermanentFailure, type OutboxHandler } from '../../src/services/outbox.js'
import { createTestDatabase } from '../helpers/database.js'

const quiet = { info() {}, warn() {}, error() {} }

async function setup(t: Test, handlers: Record<string, OutboxHandler>) {
  const testDb = await createTestDatabase()
  t.teardown(() => testDb.destroy())
  const repository = createOutboxRepository(testDb.database.db)
  const clock = createManualClock('2026-01-01T00:00:00.000Z')
  const worker = createOutboxWorker({ repository, handlers, clock, log: quiet })
  return { repository, clock, worker, db: testDb.database.db, testDb }
}

t.test('a job is delivered once, logged, and marked done', async (t) => {
  const seen: unknown[] = []
  const { repository, worker, clock } = await setup(t, {
    'test.ok': async (job) => {
      seen.push(job.payload)
      return { responseStatus: 250 }
    },
  })
  const id = (await repository.enqueue({ topic: 'test.ok', payload: { n: 1 }, runAt: clock.now() }))!
  t.equal(await worker.runOnce(), 1)
  t.equal(await worker.runOnce(), 0, 'not delivered twice')
  t.same(seen, [{ n: 1 }])
  t.match(await repository.findById(id), { status: 'done', attempts: 1, lastError: null })
  t.match(await repository.attempts(id), [{ attempt: 1, ok: true, responseStatus: 250, error: null }])
})

t.test('failures retry with exponential backoff, then fail for good', async (t) => {
  let calls = 0
  const { repository, worker, clock } = await setup(t, {
    'test.flaky': async () => {
      calls++
      throw new DeliveryFailure('receiver answered 503', 503)
    },
  })
  const id = (await repository.enqueue({ topic: 'test.flaky', payload: {}, runAt: clock.now(), maxAttempts: 3 }))!
  t.equal(await worker.runOnce(), 1)
  const first = (await repository.findById(id))!
  t.match(first, { status: 'pending', attempts: 1, lastError: 'receiver answered 503' })
  const wait = first.runAt.getTime() - clock.now().getTime()
  t.ok(wait >= 8_000 && wait <= 12_000, `first retry in ~10 s (${wait} ms)`)
  t.equal(await worker.runOnce(), 0, 'not before its time')
  clock.advance(wait)
  t.equal(await worker.runOnce(), 1)
  const second = (await repository.findById(id))!
  t.ok(second.runAt.getTime() - clock.now().getTime() >= 16_000, 'the wait doubles')
  clock.advance(60_000)
  await worker.runOnce()
  t.match(await repository.findById(id), { status: 'failed', attempts: 3 })
  clock.advance(3_600_000)
  t.equal(await worker.runOnce(), 0, 'a failed job stays failed')
  t.equal(calls, 3)
  const log = await repository.attempts(id)
  t.same(log.map((a) => [a.attempt, a.ok, a.responseStatus]), [[1, false, 503], [2, false, 503], [3, false, 503]])
})

t.test('a permanent failure is not retried; an unknown topic is left for a worker that knows it', async (t) => {
  const { repository, worker, clock } = await setup(t, { 'test.bad': async () => { throw new PermanentFailure('410 Gone', 410) } })
  const id = (await repository.enqueue({ topic: 'test.bad', payload: {}, runAt: clock.now() }))!
  const other = (await repository.enqueue({ topic: 'someone.else', payload: {}, runAt: clock.now() }))!
  await worker.runOnce()
  t.match(await repository.findById(id), { status: 'failed', attempts: 1 })
  t.match(await repository.findById(other), { status: 'pending', attempts: 0 })
})

t.test('a job whose worker died is taken over when its lease expires', async (t) => {
  const { repository, worker, clock } = await setup(t, { 'test.ok': async () => undefined })
  const id = (await repository.enqueue({ topic: 'test.ok', payload: {}, runAt: clock.now() }))!
  const claimed = await repository.claim(clock.now(), 10, 60_000)
  t.equal(claimed.length, 1, 'a worker claims it, then crashes')
  t.equal(await worker.runOnce(), 0, 'still leased')
  clock.advance(61_000)
  t.equal(await worker.runOnce(), 1, 'the lease expired: claimed again')
  t.match(await repository.findById(id), { status: 'done', attempts: 2 })
})

t.test('a claim takes jobs whose lease ran out first, then due jobs oldest first, never more than asked, of the topics asked', async (t) => {
  const { repository, clock } = await setup(t, {})
  const start = clock.now().getTime()
  const at = (ms: number) => new Date(start + ms)
  // The orphan was due after the others: a claim in run_at order alone would leave it behind them.
  const orphan = (await repository.enqueue({ topic: 'a', payload: { n: 'orphan' }, runAt: at(5_000) }))!
  t.equal((await repository.claim(at(5_000), 1, 10_000, ['a'])).length, 1, 'a worker takes one job and dies')
  const due = [
    (await repository.enqueue({ topic: 'a', payload: { n: 3 }, runAt: at(3_000) }))!,
    (await repository.enqueue({ topic: 'a', payload: { n: 1 }, runAt: at(1_000) }))!,
    (await repository.enqueue({ topic: 'a', payload: { n: 2 }, runAt: at(2_000) }))!,
  ]
  const otherTopic = (await repository.enqueue({ topic: 'b', payload: {}, runAt: at(0) }))!
  const notYet = (await repository.enqueue({ topic: 'a', payload: {}, runAt: at(60_000) }))!
  const now = at(20_000) // the orphan's lease (until 15 s) has run out; the three jobs are due
  const first = await repository.claim(now, 2, 10_000, ['a'])
  t.same(first.map((row) => row.id).sort(), [orphan, due[1]].sort(), 'two asked: the orphan and the oldest due job')
  t.match(await repository.findById(orphan), { status: 'processing', attempts: 2 }, 'the orphan is leased again, one attempt more')
  const second = await repository.claim(now, 10, 10_000, ['a'])
  t.same(second.map((row) => row.id).sort(), [due[0], due[2]].sort(), 'then the rest of the due jobs of that topic, not the future one')
  t.match(await repository.findById(otherTopic), { status: 'pending', attempts: 0 }, 'another topic is left alone')
  t.match(await repository.findById(notYet), { status: 'pending', attempts: 0 }, 'a job not yet due is left alone')
  t.same(await repository.claim(now, 10, 10_000, ['a']), [], 'nothing left to claim: every lease is fresh')
})

t.test('dedupe keys make enqueueing idempotent', async (t) => {
  const { repository, clock } = await setup(t, {})
  t.ok(await repository.enqueue({ topic: 'x', payload: {}, runAt: clock.now(), dedupeKey: 'once' }))
  t.equal(await repository.enqueue({ topic: 'x', payload: {}, runAt: clock.now(), dedupeKey: 'once' }), null)
  t.equal(await repository.count({ topic: 'x' }), 1)
})

t.test('concurrent workers never claim the same job', async (t) => {
  const { repository, clock, testDb } = await setup(t, {})
  for (let i = 0; i < 40; i++) await repository.enqueue({ topic: 'race', payload: { i }, runAt: clock.now() })
  // Separate repositories; on PostgreSQL each claim runs on its own pooled connection.
  const others = [createOutboxRepository(testDb.database.db), createOutboxRepository(testDb.database.db)]
  const batches = await Promise.all([repository, ...others].flatMap((r) => [r.claim(clock.now(), 7, 60_000), r.claim(clock.now(), 7, 60_000)]))
  const ids = batches.flat().map((j) => j.id)
  t.equal(new Set(ids).size, ids.length, 'no job claimed twice')
  t.equal(ids.length, 40)
})

t.test('backoff grows and is capped', async (t) => {
  t.equal(backoffMs(1, () => 0.5), 10_000)
  t.equal(backoffMs(2, () => 0.5), 20_000)
  t.equal(backoffMs(5, () => 0.5), 160_000)
  t.equal(backoffMs(30, () => 0.5), 3_600_000)
})
