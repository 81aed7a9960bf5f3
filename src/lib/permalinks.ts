/**
 * Permalink patterns: where each kind of resource lives on the public website, e.g.
 * `/{year}/{month}/{slug}` for articles. One compiled pattern both builds a resource's path and
 * recognises a website path as one (for GET /v1/resolve). Pure: no I/O.
 */
export const PERMALINK_KINDS = ['article', 'section', 'tag', 'author', 'page'] as const
export type PermalinkKind = (typeof PERMALINK_KINDS)[number]
export type PermalinkPatterns = Record<PermalinkKind, string>

/** Today's navigation paths: /<slug> for articles and pages, /section/<slug> for sections. */
export const DEFAULT_PERMALINKS: PermalinkPatterns = {
  article: '/{slug}',
  section: '/section/{slug}',
  tag: '/tag/{slug}',
  author: '/author/{slug}',
  page: '/{slug}',
}

/**
 * When a path fits several kinds' patterns (the defaults give articles and pages the same one),
 * the first kind in this order that has such a resource wins: a static page is never shadowed by
 * an article that happens to take its slug.
 */
export const RESOLVE_ORDER: readonly PermalinkKind[] = ['page', 'section', 'tag', 'author', 'article']

export const TOKENS = ['slug', 'section', 'year', 'month', 'day', 'id'] as const
export type Token = (typeof TOKENS)[number]

/**
 * Sections, tags and authors are referenced by slug only inside article rows (`section`, `tags`),
 * so their URLs are built from the slug alone; pages and articles may use their id as well.
 */
export const TOKENS_BY_KIND: Record<PermalinkKind, readonly Token[]> = {
  article: TOKENS,
  section: ['slug'],
  tag: ['slug'],
  author: ['slug'],
  page: ['slug', 'id'],
}

export const MAX_PATTERN_LENGTH = 200
/** Previous patterns kept per kind, so their paths keep redirecting. */
export const MAX_PATTERN_HISTORY = 10

/** What a path needs from a resource: its slug, and for articles also its id, date and section. */
export interface PathFacts {
  slug: string
  id?: string | undefined
  sectionSlug?: string | undefined
  /** UTC date parts come from it; null when the resource has no date (a draft). */
  publishedAt?: Date | null | undefined
}

type Part = { literal: string } | { token: Token }

const LITERAL = /^[A-Za-z0-9._~-]+$/
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const SAFE_SEGMENT = /^[a-z0-9-]+$/

const TOKEN_REGEX: Record<Token, string> = {
  slug: '([^/]+?)',
  section: '([^/]+?)',
  year: '(\\d{4})',
  month: '(\\d{2})',
  day: '(\\d{2})',
  id: '([0-9A-Fa-f-]{36})',
}

/** Every problem with a pattern for `kind`, as sentences (empty when it is valid). */
export function patternProblems(kind: PermalinkKind, pattern: string): string[] {
  const problems: string[] = []
  if (pattern.length > MAX_PATTERN_LENGTH) problems.push(`must be at most ${MAX_PATTERN_LENGTH} characters`)
  if (!pattern.startsWith('/')) problems.push('must be a path starting with /')
  if (pattern.startsWith('//')) problems.push('must not start with //')
  const parts = tokenize(pattern)
  if (typeof parts === 'string') return [...problems, parts]
  const tokens = parts.flatMap((p) => ('token' in p ? [p.token] : []))
  const allowed = TOKENS_BY_KIND[kind]
  for (const token of tokens) {
    if (!allowed.includes(token)) problems.push(`{${token}} cannot be used in a ${kind} permalink (allowed: ${allowed.map((t) => `{${t}}`).join(', ')})`)
  }
  if (new Set(tokens).size !== tokens.length) problems.push('uses a token twice')
  if (!tokens.includes('slug') && !tokens.includes('id')) problems.push(allowed.includes('id') ? 'must contain {slug} or {id}' : 'must contain {slug}')
  for (let i = 1; i < parts.length; i++) {
    if ('token' in parts[i]! && 'token' in parts[i - 1]!) problems.push('tokens must be separated by a literal character (as in {year}/{month})')
  }
  const segments = pattern.slice(1).replace(/\/$/, '').split('/')
  if (segments.some((s) => s === '')) problems.push('must not contain an empty segment (//)')
  if (segments.some((s) => s === '.' || s === '..')) problems.push('must not contain . or .. segments')
  return [...new Set(problems)]
}

/** Literals and `{token}`s; a string names the first syntax problem. */
function tokenize(pattern: string): Part[] | string {
  const parts: Part[] = []
  const re = /\{([^{}]*)\}|([^{}]+)|([{}])/g
  for (let m = re.exec(pattern); m; m = re.exec(pattern)) {
    if (m[3]) return 'has an unbalanced { or }'
    if (m[1] !== undefined) {
      if (!(TOKENS as readonly string[]).includes(m[1])) return `has an unknown token {${m[1]}} (known: ${TOKENS.map((t) => `{${t}}`).join(', ')})`
      parts.push({ token: m[1] as Token })
    } else {
      const text = m[2]!
      for (const segment of text.split('/')) {
        if (segment !== '' && !LITERAL.test(segment)) return 'may contain only letters, digits, - . _ ~ and / besides tokens'
      }
      parts.push({ literal: text })
    }
  }
  return parts
}

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
const pad = (n: number) => (n < 10 ? `0${n}` : String(n))
const segment = (value: string) => (SAFE_SEGMENT.test(value) ? value : encodeURIComponent(value))

export interface CompiledPattern {
  pattern: string
  /** The website path of a resource, or null when the pattern needs a date the resource lacks. */
  path(facts: PathFacts): string | null
  /** The token values a website path carries, or null when the path does not fit. */
  match(path: string): Partial<Record<Token, string>> | null
}

/** Compiles a pattern that patternProblems accepted. */
export function compilePattern(pattern: string): CompiledPattern {
  const parts = tokenize(pattern)
  if (typeof parts === 'string') throw new Error(`invalid permalink pattern ${pattern}: ${parts}`)
  const tokens: Token[] = []
  // Matching ignores a trailing slash on either side: paths are compared without it.
  const trimmed = pattern.length > 1 ? pattern.replace(/\/$/, '') : pattern
  const regexParts = (tokenize(trimmed) as Part[]).map((p) => {
    if ('literal' in p) return escapeRegex(p.literal)
    tokens.push(p.token)
    return TOKEN_REGEX[p.token]
  })
  const regex = new RegExp(`^${regexParts.join('')}$`)
  const usesDate = parts.some((p) => 'token' in p && (p.token === 'year' || p.token === 'month' || p.token === 'day'))
  // The common shape (literal, {slug}, literal) as one concatenation: it runs for every URL of every public read.
  const slugAt = parts.findIndex((p) => 'token' in p)
  const slugOnly = parts.filter((p) => 'token' in p).length === 1 && 'token' in parts[slugAt]! && parts[slugAt].token === 'slug'
  const before = slugOnly ? parts.slice(0, slugAt).map((p) => ('literal' in p ? p.literal : '')).join('') : ''
  const after = slugOnly ? parts.slice(slugAt + 1).map((p) => ('literal' in p ? p.literal : '')).join('') : ''
  return {
    pattern,
    path(facts) {
      if (slugOnly) return before + segment(facts.slug) + after
      const at = facts.publishedAt
      if (usesDate && !at) return null
      let out = ''
      for (const p of parts) {
        if ('literal' in p) out += p.literal
        else if (p.token === 'slug') out += segment(facts.slug)
        else if (p.token === 'id') out += facts.id ?? ''
        else if (p.token === 'section') out += segment(facts.sectionSlug ?? '')
        else if (p.token === 'year') out += String(at!.getUTCFullYear())
        else if (p.token === 'month') out += pad(at!.getUTCMonth() + 1)
        else out += pad(at!.getUTCDate())
      }
      return out
    },
    match(path) {
      const m = regex.exec(path)
      if (!m) return null
      const values: Partial<Record<Token, string>> = {}
      tokens.forEach((token, i) => (values[token] = m[i + 1]!))
      if (values.id !== undefined && !UUID.test(values.id)) return null
      return values
    },
  }
}

export function isUuid(value: string): boolean {
  return UUID.test(value)
}

export const MAX_RESOLVE_PATH_LENGTH = 2000

export type NormalizedPath = { ok: true; path: string } | { ok: false; reason: string }

/**
 * A website path as the resolver and the path aliases store it: percent-decoded, without query
 * string, fragment or trailing slash. `origin`, when given, is the only origin a full URL may
 * name. Refuses what could smuggle another meaning in: control and bidi characters, backslashes,
 * `.`/`..` segments (also encoded), encoded slashes, empty segments, other hosts.
 */
export function normalizeWebsitePath(input: string, origin?: string): NormalizedPath {
  if (input.length === 0) return { ok: false, reason: 'must not be empty' }
  if (input.length > MAX_RESOLVE_PATH_LENGTH) return { ok: false, reason: `must be at most ${MAX_RESOLVE_PATH_LENGTH} characters` }
  let raw = input
  if (/^[a-z][a-z0-9+.-]*:/i.test(raw)) {
    let url: URL
    try {
      url = new URL(raw)
    } catch {
      return { ok: false, reason: 'is not a valid URL' }
    }
    if (origin === undefined || url.origin !== origin) return { ok: false, reason: 'must be a path on the website (a full URL must be on the site’s own origin)' }
    raw = url.pathname + url.search
  }
  if (!raw.startsWith('/')) return { ok: false, reason: 'must start with /' }
  if (raw.startsWith('//')) return { ok: false, reason: 'must not start with // (another host)' }
  const end = raw.search(/[?#]/)
  const pathPart = end === -1 ? raw : raw.slice(0, end)
  if (/[\\\s]/.test(pathPart) || hasUnsafeCharacter(pathPart)) return { ok: false, reason: 'must not contain spaces, backslashes or control characters' }
  const rawSegments = pathPart.slice(1).split('/')
  if (rawSegments.length > 1 && rawSegments.at(-1) === '') rawSegments.pop()
  const decoded: string[] = []
  for (const rawSegment of rawSegments) {
    let value: string
    try {
      value = decodeURIComponent(rawSegment)
    } catch {
      return { ok: false, reason: 'has invalid percent-encoding' }
    }
    if (value.includes('/') || value.includes('\\')) return { ok: false, reason: 'must not contain encoded slashes' }
    if (value === '.' || value === '..') return { ok: false, reason: 'must not contain . or .. segments' }
    if (hasUnsafeCharacter(value) || /\s/.test(value)) return { ok: false, reason: 'must not contain control, bidi or space characters' }
    decoded.push(value)
  }
  if (decoded.length > 1 && decoded.some((s) => s === '')) return { ok: false, reason: 'must not contain empty segments (//)' }
  return { ok: true, path: `/${decoded.join('/')}` }
}

// Control characters (C0, DEL, C1), bidi overrides and isolates, zero-width and BOM characters.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/

function hasUnsafeCharacter(text: string): boolean {
  return UNSAFE.test(text)
}
