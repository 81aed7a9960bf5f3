import { createHash } from 'node:crypto'
import { BlockList, isIP } from 'node:net'

/** Replies nest at most this deep (a top-level comment is level 1). */
export const MAX_THREAD_DEPTH = 5
export const MAX_BODY_LENGTH = 5000
export const MAX_NAME_LENGTH = 100

/** Comments are open when the article allows them and, with COMMENTS_CLOSE_AFTER_DAYS, it is recent enough. */
export function commentsOpenAt(article: { commentsOpen: boolean; publishedAt: Date | null }, now: Date, closeAfterDays: number): boolean {
  if (!article.commentsOpen) return false
  if (closeAfterDays <= 0 || !article.publishedAt) return true
  return now.getTime() < article.publishedAt.getTime() + closeAfterDays * 86_400_000
}

/** When an open article's comments close by age (ms since epoch), or undefined when they never do. */
export function commentsCloseAt(article: { commentsOpen: boolean; publishedAt: Date | null }, closeAfterDays: number): number | undefined {
  if (!article.commentsOpen || closeAfterDays <= 0 || !article.publishedAt) return undefined
  return article.publishedAt.getTime() + closeAfterDays * 86_400_000
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase()
}

/**
 * Gravatar-style avatar hash: SHA-256 (hex) of the trimmed, lower-cased email. Gravatar accepts it
 * (https://gravatar.com/avatar/<hash>); a frontend can use it for any avatar service or identicon.
 */
export function avatarHash(email: string): string {
  return createHash('sha256').update(normaliseEmail(email)).digest('hex')
}

// C0 controls except tab and newline, DEL, and C1 controls. NUL in particular: PostgreSQL text cannot hold it.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g

/** JSON may carry lone surrogates; they cannot be stored as UTF-8. */
function wellFormed(text: string): string {
  return text.replace(LONE_SURROGATE, '\uFFFD')
}

/** Multi-line plain text as stored: well-formed Unicode, \n line ends, no control characters, trimmed. */
export function cleanBody(text: string): string {
  return wellFormed(text).replace(/\r\n?/g, '\n').replace(CONTROL, '').trim()
}

/** One-line text (names): control characters and line breaks become single spaces. */
export function cleanLine(text: string): string {
  return wellFormed(text)
    .replace(/[\r\n\t]+/g, ' ')
    .replace(CONTROL, '')
    .replace(/\s{2,}/g, ' ')
    .trim()
}

/** Header values we keep for Akismet and moderators; headers are attacker-controlled, so cleaned and capped. */
export function cleanHeader(value: string | string[] | undefined, max = 1000): string {
  const text = Array.isArray(value) ? (value[0] ?? '') : (value ?? '')
  return cleanLine(text).slice(0, max)
}

/**
 * Links in a plain-text comment: URLs (with or without scheme), HTML anchors and BBCode [url]
 * tags — the forms link spam takes.
 */
export function countLinks(text: string): number {
  return text.match(/https?:\/\/|\bwww\.|<a[\s>]|\[url[\]=]/gi)?.length ?? 0
}

/** An IPv4-mapped IPv6 address (::ffff:1.2.3.4) is the IPv4 address. */
export function plainIp(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)
  return mapped ? mapped[1]! : ip
}

/** Is `ip` inside one of `ranges` (addresses or CIDR ranges)? A value that is not an IP matches nothing. */
export function ipMatches(ip: string, ranges: string[]): string | undefined {
  const address = plainIp(ip)
  const family = isIP(address)
  if (family === 0) return undefined
  const type = family === 4 ? 'ipv4' : 'ipv6'
  for (const range of ranges) {
    const list = new BlockList()
    const [base = '', prefix] = range.split('/')
    const baseFamily = isIP(base)
    if (baseFamily === 0) continue
    const baseType = baseFamily === 4 ? 'ipv4' : 'ipv6'
    if (prefix === undefined) list.addAddress(base, baseType)
    else list.addSubnet(base, Number(prefix), baseType)
    if (list.check(address, type)) return range
  }
  return undefined
}

/** A block value in canonical form, or undefined when it is not a valid address / range / email / @domain. */
export function canonicalBlock(kind: 'email' | 'ip', value: string): string | undefined {
  const v = value.trim().toLowerCase()
  if (kind === 'email') {
    // eslint-disable-next-line no-control-regex
    return /^([^\s@\u0000-\u001f\u007f]+)?@[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(v) && v.length <= 254 ? v : undefined
  }
  const [base = '', prefix, extra] = v.split('/')
  const plain = plainIp(base)
  const family = isIP(plain)
  if (family === 0 || extra !== undefined) return undefined
  if (prefix === undefined) return plain
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > (family === 4 ? 32 : 128)) return undefined
  return `${plain}/${Number(prefix)}`
}
