const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?([Zz]|[+-]\d{2}:?\d{2}))?$/

/** The shape accepted by date filters, for the schemas (the calendar is checked by parseStrictDate). */
export const DATE_FILTER_PATTERN = DATE_TIME.source

/**
 * Parses an RFC 3339 date-time or a plain date (midnight UTC), strictly: JavaScript would read
 * 2025-02-30 as 2 March, which a filter must refuse rather than reinterpret. Returns null when invalid.
 */
export function parseStrictDate(value: string): Date | null {
  const m = DATE_TIME.exec(value)
  if (!m) return null
  const [, y, mo, d, h = '0', mi = '0', s = '0'] = m
  const year = Number(y)
  const month = Number(mo)
  const day = Number(d)
  const check = new Date(Date.UTC(year, month - 1, day))
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return null
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return null
  const date = new Date(m[4] === undefined ? `${y}-${mo}-${d}T00:00:00Z` : value.replace(' ', 'T'))
  return Number.isNaN(date.getTime()) ? null : date
}
