import t from 'tap'
import { decodeCursor, encodeCursor } from '../../src/lib/cursor.js'
import { slugify } from '../../src/lib/slugify.js'

t.test('cursors round-trip and anything else is rejected', async (t) => {
  const cursor = { at: '2025-01-01T10:00:00.000Z', id: '3f0c1a52-8a7e-4c36-9d7b-2f9c0e6b1a11', direction: 'after' as const }
  t.same(decodeCursor(encodeCursor(cursor)), cursor)
  t.same(decodeCursor(encodeCursor({ ...cursor, direction: 'before' })), { ...cursor, direction: 'before' })
  for (const bad of ['', 'abc', '!!!', 'x'.repeat(300), Buffer.from('{"a":1}').toString('base64url'), Buffer.from('["a","nope","x"]').toString('base64url'), Buffer.from('["a","2025-01-01T00:00:00Z","not-a-uuid"]').toString('base64url'), Buffer.from('["z","2025-01-01T00:00:00Z","3f0c1a52-8a7e-4c36-9d7b-2f9c0e6b1a11"]').toString('base64url')]) {
    t.equal(decodeCursor(bad), null, `rejects ${JSON.stringify(bad).slice(0, 40)}`)
  }
})

t.test('slugify', async (t) => {
  t.equal(slugify("China's 6th Generation Fighter Jet Takes First Flight"), 'chinas-6th-generation-fighter-jet-takes-first-flight')
  t.equal(slugify('Dassault, TATA Tie Up — Rafale  Parts'), 'dassault-tata-tie-up-rafale-parts')
  t.equal(slugify('Crème brûlée!'), 'creme-brulee')
  t.ok(slugify('word '.repeat(60)).length <= 96)
  t.notMatch(slugify('word '.repeat(60)), /-$/)
})
