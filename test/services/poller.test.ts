import t from 'tap'
import { createPoller } from '../../src/services/poller.js'

/** A round the test releases by hand, so nothing here depends on timing. */
function gatedRounds() {
  const calls: { release(more: boolean): void; fail(error: Error): void }[] = []
  const waiting: ((n: number) => void)[] = []
  const round = () =>
    new Promise<boolean>((resolve, reject) => {
      calls.push({ release: resolve, fail: reject })
      for (const wake of waiting.splice(0)) wake(calls.length)
    })
  /** Resolves when round number `n` has started. */
  const started = (n: number) => new Promise<void>((resolve) => (calls.length >= n ? resolve() : waiting.push((count) => (count >= n ? resolve() : void started(n).then(resolve)))))
  return { round, calls, started }
}

const quietLog = { warn: () => {} }

// The poller's timers never keep a process alive; this keeps the test's alive while it waits.
const keepAlive = setInterval(() => {}, 60_000)
t.teardown(() => clearInterval(keepAlive))

t.test('a round starts at once; a full round (more to do) is followed by another at once', async (t) => {
  const { round, calls, started } = gatedRounds()
  const poller = createPoller({ name: 'test', round, pollMs: 3_600_000, log: quietLog })
  poller.start()
  await started(1)
  calls[0]!.release(true)
  await started(2)
  calls[1]!.release(false)
  const stopping = poller.stop()
  await stopping
  t.equal(calls.length, 2, 'no third round: the next waits pollMs (an hour here)')
})

t.test('kick during a round runs another right after it; stop waits for the round in flight', async (t) => {
  const { round, calls, started } = gatedRounds()
  const poller = createPoller({ name: 'test', round, pollMs: 3_600_000, log: quietLog })
  poller.start()
  await started(1)
  poller.kick()
  calls[0]!.release(false)
  await started(2)
  let stopped = false
  const stopping = poller.stop().then(() => (stopped = true))
  await Promise.resolve()
  t.notOk(stopped, 'stop waits for the round in flight')
  calls[1]!.release(false)
  await stopping
  t.ok(stopped)
  poller.kick()
  t.equal(calls.length, 2, 'a stopped poller ignores kicks')
})

t.test('a failed round is logged and the loop goes on', async (t) => {
  const { round, calls, started } = gatedRounds()
  const warnings: string[] = []
  const poller = createPoller({ name: 'outbox', round, pollMs: 0, log: { warn: (_obj, message) => warnings.push(message) } })
  poller.start()
  await started(1)
  calls[0]!.fail(new Error('connection refused'))
  await started(2)
  t.same(warnings, ['outbox round failed (the database may be away); retrying'])
  calls[1]!.release(false)
  await poller.stop()
})

t.test('stopped and started again during a round: the next round follows it, never runs beside it', async (t) => {
  const { round, calls, started } = gatedRounds()
  const poller = createPoller({ name: 'test', round, pollMs: 3_600_000, log: quietLog })
  poller.start()
  await started(1)
  const stopping = poller.stop()
  poller.start()
  t.equal(calls.length, 1, 'no second round while the first runs')
  calls[0]!.release(false)
  await stopping
  await started(2)
  t.equal(calls.length, 2, 'the restarted poller ran its round after the first ended')
  const final = poller.stop()
  calls[1]!.release(false)
  await final
})
