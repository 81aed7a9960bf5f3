import t from 'tap'
import { createForeground } from '../../src/lib/foreground.js'

/** Lets the event loop go round `n` times (immediates, timers due, I/O), so a wrongly resolved idle() shows. */
const turns = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve))
}

const HOUR = 3_600_000

// idle()'s bound never keeps a process alive; this keeps the test's alive while it waits.
const keepAlive = setInterval(() => {}, 60_000)
t.teardown(() => clearInterval(keepAlive))

t.test('idle resolves at once when no request is in flight', async (t) => {
  const foreground = createForeground()
  await foreground.idle(HOUR)
  t.equal(foreground.inFlight, 0)
})

t.test('idle waits while a request is in flight, and goes on when the last one ends', async (t) => {
  const foreground = createForeground()
  const first = foreground.enter()
  const second = foreground.enter()
  t.equal(foreground.inFlight, 2)
  let resolved = false
  const waiting = foreground.idle(HOUR).then(() => (resolved = true))
  await turns(10)
  t.notOk(resolved, 'two in flight')
  first()
  first()
  t.equal(foreground.inFlight, 1, 'leaving twice counts once (an answered request whose socket closes later)')
  await turns(10)
  t.notOk(resolved, 'one still in flight')
  second()
  t.equal(foreground.inFlight, 0)
  await waiting
  t.ok(resolved, 'the last one ended')
})

t.test('a request that arrives before the waiter wakes holds it again', async (t) => {
  const foreground = createForeground()
  const leave = foreground.enter()
  let resolved = false
  const waiting = foreground.idle(HOUR).then(() => (resolved = true))
  await turns(2)
  leave()
  // A keep-alive client's next request, read in the same turn as the last response's close.
  const next = foreground.enter()
  await turns(10)
  t.notOk(resolved, 'the next request is in flight: still waiting')
  next()
  await waiting
  t.ok(resolved)
})

t.test('under unbroken traffic a waiter still goes on after maxWaitMs', async (t) => {
  const foreground = createForeground()
  const leave = foreground.enter()
  // Never left: only the bound lets it go. What is asserted is that it resolves, not when.
  await foreground.idle(5)
  t.equal(foreground.inFlight, 1)
  leave()
  t.equal(foreground.inFlight, 0)
})
