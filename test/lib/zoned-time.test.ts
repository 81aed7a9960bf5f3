import t from 'tap'
import { lastLocalHour, zonedParts } from '../../src/lib/zoned-time.js'

t.test('zonedParts: the wall clock of an instant in a zone, half-hour offsets included', async (t) => {
  t.same(zonedParts(new Date('2026-03-10T03:35:07.250Z'), 'Asia/Kolkata'), { date: '2026-03-10', hour: 9, minute: 5, second: 7, weekday: 2 })
  t.same(zonedParts(new Date('2026-03-10T03:35:07.250Z'), 'America/New_York'), { date: '2026-03-09', hour: 23, minute: 35, second: 7, weekday: 1 })
})

t.test('lastLocalHour: the latest instant the local clock read the hour, on any day or on a weekday', async (t) => {
  const at = (iso: string) => new Date(iso)
  // 09:05:07.250 in Kolkata on Tuesday 10 March 2026.
  t.same(lastLocalHour(at('2026-03-10T03:35:07.250Z'), 'Asia/Kolkata', 9), { at: at('2026-03-10T03:30:00.000Z'), date: '2026-03-10' }, 'in the hour: today')
  t.same(lastLocalHour(at('2026-03-10T03:29:59.999Z'), 'Asia/Kolkata', 9), { at: at('2026-03-09T03:30:00.000Z'), date: '2026-03-09' }, 'a moment before it: yesterday')
  t.same(lastLocalHour(at('2026-03-10T03:30:00.000Z'), 'Asia/Kolkata', 9), { at: at('2026-03-10T03:30:00.000Z'), date: '2026-03-10' }, 'exactly at it: now')
  t.same(lastLocalHour(at('2026-03-10T18:00:00.000Z'), 'Asia/Kolkata', 9), { at: at('2026-03-10T03:30:00.000Z'), date: '2026-03-10' }, '23:30 local: this morning')
  t.same(lastLocalHour(at('2026-03-10T18:30:00.000Z'), 'Asia/Kolkata', 9), { at: at('2026-03-10T03:30:00.000Z'), date: '2026-03-10' }, 'past local midnight, before the hour: the day before')
  // Weekly on Wednesdays (3).
  t.same(lastLocalHour(at('2026-03-10T03:35:00.000Z'), 'Asia/Kolkata', 9, 3), { at: at('2026-03-04T03:30:00.000Z'), date: '2026-03-04' }, 'Tuesday: last Wednesday')
  t.same(lastLocalHour(at('2026-03-11T03:00:00.000Z'), 'Asia/Kolkata', 9, 3), { at: at('2026-03-04T03:30:00.000Z'), date: '2026-03-04' }, 'Wednesday before the hour: a week ago')
  t.same(lastLocalHour(at('2026-03-11T03:30:00.000Z'), 'Asia/Kolkata', 9, 3), { at: at('2026-03-11T03:30:00.000Z'), date: '2026-03-11' }, 'Wednesday at the hour: now')
  t.same(lastLocalHour(at('2026-03-12T02:00:00.000Z'), 'Asia/Kolkata', 9, 3), { at: at('2026-03-11T03:30:00.000Z'), date: '2026-03-11' }, 'Thursday before the hour: yesterday')
  t.same(lastLocalHour(at('2026-03-10T12:00:00.000Z'), 'UTC', 0, 0), { at: at('2026-03-08T00:00:00.000Z'), date: '2026-03-08' }, 'midnight on Sundays')
  // New York moves to daylight saving time on Sunday 8 March 2026: counted back in whole hours, the
  // instant is an hour off across the change, the local date it names is still the right one.
  t.equal(lastLocalHour(at('2026-03-09T14:00:00.000Z'), 'America/New_York', 9).date, '2026-03-09')
  t.equal(lastLocalHour(at('2026-03-09T12:00:00.000Z'), 'America/New_York', 9).date, '2026-03-08')
  t.equal(lastLocalHour(at('2026-03-08T12:00:00.000Z'), 'America/New_York', 9).date, '2026-03-07', 'the day of the change')
})
