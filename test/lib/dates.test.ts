import t from 'tap'
import { parseStrictDate } from '../../src/lib/dates.js'

t.test('strict dates', async (t) => {
  t.equal(parseStrictDate('2025-06-06')?.toISOString(), '2025-06-06T00:00:00.000Z')
  t.equal(parseStrictDate('2025-06-06T10:15:00Z')?.toISOString(), '2025-06-06T10:15:00.000Z')
  t.equal(parseStrictDate('2025-06-06T10:15:00.123+02:00')?.toISOString(), '2025-06-06T08:15:00.123Z')
  t.equal(parseStrictDate('2024-02-29')?.toISOString(), '2024-02-29T00:00:00.000Z')
  for (const bad of ['2025-02-30', '2025-02-29', '2025-13-01', '2025-00-10', '2025-06-06T24:00:00Z', '2025-06-06T10:60Z', 'yesterday', '2025-06-06T10:00', '']) {
    t.equal(parseStrictDate(bad), null, bad)
  }
})
