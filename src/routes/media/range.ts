import type { ByteRange } from '../../services/storage.js'

/**
 * The `Range` header of RFC 9110 §14.1.2 resolved against an object of `size` bytes: one range of
 * bytes (`first-last`, `first-` or the last `n` bytes, `-n`), clipped to the object. A server may
 * ignore a Range it does not serve, so another unit, several ranges or a malformed header answer
 * `'ignore'` (the whole object, 200); a range that starts past the end is `'unsatisfiable'` (416).
 */
export function resolveRange(header: string, size: number): ByteRange | 'ignore' | 'unsatisfiable' {
  const match = /^bytes=[ \t]*(\d{0,15})-(\d{0,15})[ \t]*$/i.exec(header)
  if (!match) return 'ignore'
  const [, from, to] = match as unknown as [string, string, string]
  if (from === '' && to === '') return 'ignore'
  if (from === '') {
    // The last n bytes: all of a shorter object; none of an empty one.
    const suffix = Number(to)
    if (suffix === 0 || size === 0) return 'unsatisfiable'
    return { first: Math.max(0, size - suffix), last: size - 1 }
  }
  const first = Number(from)
  if (to !== '' && Number(to) < first) return 'ignore'
  if (first >= size) return 'unsatisfiable'
  return { first, last: to === '' ? size - 1 : Math.min(Number(to), size - 1) }
}
