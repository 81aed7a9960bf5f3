import t from 'tap'
import { createWorkQueue, QueueFull } from '../../src/lib/work-queue.js'

/** A task the test finishes by hand: no timers, no waiting on the clock. */
function gate() {
  let open!: () => void
  const opened = new Promise<void>((resolve) => (open = resolve))
  return { open, task: () => opened }
}

const settle = () => new Promise((resolve) => setImmediate(resolve))

t.test('at most `concurrency` run, at most `maxWaiting` wait, the rest is refused at once; a freed slot goes to the waiting task', async (t) => {
  let clock = 0
  const queue = createWorkQueue({ concurrency: 2, maxWaiting: 1, now: () => clock })
  const [a, b] = [gate(), gate()]
  const running = [queue.run(a.task), queue.run(b.task)]
  t.same(queue.stats(), { running: 2, waiting: 0, concurrency: 2, maxWaiting: 1 })
  t.notOk(queue.full())
  let startedC = false
  const c = queue.run(async () => {
    startedC = true
  })
  t.same(queue.stats(), { running: 2, waiting: 1, concurrency: 2, maxWaiting: 1 })
  t.ok(queue.full())
  const refused = await queue.run(async () => 'never').catch((e: unknown) => e)
  t.ok(refused instanceof QueueFull)
  t.equal((refused as QueueFull).retryAfterSeconds, 1, 'at least one second')
  await settle()
  t.notOk(startedC, 'the waiting task has not started')
  clock = 9000
  a.open()
  await c
  t.ok(startedC, 'it starts when a slot frees')
  t.same(queue.stats().running, 1)
  b.open()
  await Promise.all(running)
  t.same(queue.stats(), { running: 0, waiting: 0, concurrency: 2, maxWaiting: 1 })
  t.ok(queue.retryAfter() >= 2, 'Retry-After follows the pace of recent tasks')
})

t.test('a failing task frees its slot too', async (t) => {
  const queue = createWorkQueue({ concurrency: 1, maxWaiting: 0 })
  await t.rejects(queue.run(async () => Promise.reject(new Error('broken image'))), /broken image/)
  t.equal(await queue.run(async () => 'next'), 'next')
  t.same(queue.stats().running, 0)
})
