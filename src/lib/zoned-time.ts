/** Whether this runtime knows the IANA time zone (Intl throws a RangeError for one it does not). */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name })
    return true
  } catch {
    return false
  }
}

export interface ZonedParts {
  /** The local calendar date, YYYY-MM-DD. */
  date: string
  hour: number
  minute: number
  second: number
  /** 0 Sunday … 6 Saturday. */
  weekday: number
}

const formats = new Map<string, Intl.DateTimeFormat>()
const WEEKDAY_INDEX: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 }

/** The wall-clock date, hour and weekday of an instant in a time zone. */
export function zonedParts(at: Date, timeZone: string): ZonedParts {
  let format = formats.get(timeZone)
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23', weekday: 'short' })
    formats.set(timeZone, format)
  }
  const parts = Object.fromEntries(format.formatToParts(at).map((p) => [p.type, p.value]))
  return { date: `${parts.year}-${parts.month}-${parts.day}`, hour: Number(parts.hour) % 24, minute: Number(parts.minute), second: Number(parts.second), weekday: WEEKDAY_INDEX[parts.weekday!] ?? 0 }
}

/**
 * The latest instant at or before `now` when the local clock of `timeZone` read `hour`:00 — on any
 * day, or with `weekday` only on that weekday. Counted back from `now` in whole hours, so across a
 * daylight-saving change in between it is an hour off (the date it falls on is still the right one).
 */
export function lastLocalHour(now: Date, timeZone: string, hour: number, weekday?: number): { at: Date; date: string } {
  const local = zonedParts(now, timeZone)
  const hoursBack = local.hour - hour
  let daysBack = weekday === undefined ? 0 : (local.weekday - weekday + 7) % 7
  if (hoursBack < 0 && daysBack === 0) daysBack = weekday === undefined ? 1 : 7
  const intoHour = (local.minute * 60 + local.second) * 1000 + now.getUTCMilliseconds()
  const at = new Date(now.getTime() - intoHour - (daysBack * 24 + hoursBack) * 3600_000)
  return { at, date: zonedParts(at, timeZone).date }
}
