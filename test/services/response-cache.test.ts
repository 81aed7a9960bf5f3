import t from 'tap'
import { createManualClock } from '../../src/lib/clock.js'
import { createFreshness } from '../../src/services/freshness.js'
import { createResponseCache } from '../../src/services/response-cache.js'

const response = (size: number) => ({ status: 200, headers: {}, body: Buffer.alloc(size), etag: '"x"', negotiable: true })

t.test('least recently used entries go first when the byte bound is reached', async (t) => {
  const clock = createManualClock('2026-01-01T00:00:00Z')
  const freshness = createFreshness({ clock, recheckMs: 1000, nextScheduledAt: async () => null })
  const cache = createResponseCache({ clock, freshness, maxBytes: 1000, ttlMs: 60_000, maxEntryBytes: 600 })
  await cache.set('a', cache.generation(), response(400))
  await cache.set('b', cache.generation(), response(400))
  t.ok(cache.get('a'), 'a is used, so b is now the oldest')
  await cache.set('c', cache.generation(), response(400))
  t.same(cache.size(), { entries: 2, bytes: 800 })
  t.equal(cache.get('b'), undefined, 'b was evicted')
  t.ok(cache.get('a') && cache.get('c'))
  await cache.set('huge', cache.generation(), response(700))
  t.equal(cache.get('huge'), undefined, 'an entry above the per-entry cap is not kept')
  t.equal(cache.stats.evictions, 1)
})

t.test('expiry: ttl, the next scheduled publication, and responses that raced a change', async (t) => {
  const clock = createManualClock('2026-01-01T00:00:00Z')
  let next: Date | null = new Date('2026-01-01T00:00:30Z')
  const freshness = createFreshness({ clock, recheckMs: 1000, nextScheduledAt: async () => next })
  const cache = createResponseCache({ clock, freshness, maxBytes: 10_000, ttlMs: 60_000 })
  await cache.set('scheduled', cache.generation(), response(10))
  clock.advance(29_999)
  t.ok(cache.get('scheduled'))
  clock.advance(1)
  t.equal(cache.get('scheduled'), undefined, 'gone when the scheduled article becomes public')
  next = null
  freshness.invalidate()
  await cache.set('ttl', cache.generation(), response(10))
  clock.advance(60_000)
  t.equal(cache.get('ttl'), undefined, 'gone after the ttl')
  const startedIn = cache.generation()
  cache.clear()
  await cache.set('raced', startedIn, response(10))
  t.equal(cache.get('raced'), undefined, 'computed before a change: not stored')
})

t.test('encoded bodies: made once per entry and coding, shared by concurrent readers, counted against the bound', async (t) => {
  const clock = createManualClock('2026-01-01T00:00:00Z')
  const freshness = createFreshness({ clock, recheckMs: 1000, nextScheduledAt: async () => null })
  const cache = createResponseCache({ clock, freshness, maxBytes: 1000, ttlMs: 60_000, maxEntryBytes: 500 })
  const calls: string[] = []
  let release!: () => void
  const gate = new Promise<void>((resolve) => (release = resolve))
  const encode = async (body: Buffer, coding: 'br' | 'gzip') => {
    calls.push(coding)
    await gate
    return Buffer.alloc(coding === 'br' ? 100 : 150, body[0])
  }
  const a = (await cache.set('a', cache.generation(), response(400)))!
  const first = cache.encoded('a', a, 'br', encode)
  const second = cache.encoded('a', a, 'br', encode)
  release()
  t.equal(await first, await second, 'two readers, one encoding')
  t.same(calls, ['br'])
  t.equal((await cache.encoded('a', a, 'br', encode)).length, 100)
  t.same(calls, ['br'], 'the stored encoding is reused')
  t.same(cache.size(), { entries: 1, bytes: 500 }, 'the encoded body counts')
  t.equal(cache.stats.encodes, 1)

  const b = (await cache.set('b', cache.generation(), response(400)))!
  t.same(cache.size(), { entries: 2, bytes: 900 })
  await cache.encoded('b', b, 'gzip', encode)
  t.same(cache.size(), { entries: 1, bytes: 550 }, 'over the bound: the least recently used entry (a, with its br) went')
  t.equal(cache.get('a'), undefined)

  cache.clear()
  t.equal((await cache.encoded('b', b, 'br', encode)).length, 100, 'an entry dropped meanwhile still answers its reader')
  t.same(cache.size(), { entries: 0, bytes: 0 }, 'but is not kept')
})
