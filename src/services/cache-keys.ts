/**
 * Surrogate keys: one vocabulary for what a public response carries (Surrogate-Key / Cache-Tag)
 * and what a change purges (webhook `purge_keys`). A response names a fine key for each thing it
 * shows (`article:<id>`, `section:<slug>`, `author:<slug>`, `tag:<slug>`, `comments:<article id>`)
 * and a list key for each collection whose membership it shows (`articles`, `sections`, `tags`,
 * `authors`, `pages`, `site`). A change purges the fine keys of what it touched and the list key
 * of its kind, so a CDN drops exactly the responses that showed it.
 */
export const articleKey = (id: string) => `article:${id}`
export const sectionKey = (slug: string) => `section:${slug}`
export const authorKey = (slug: string) => `author:${slug}`
export const tagKey = (slug: string) => `tag:${slug}`
export const commentsKey = (articleId: string) => `comments:${articleId}`
export const collectionKey = (slug: string) => `collection:${slug}`

/**
 * Purged by every visible comment change: it stands for the `article:<id>` keys (comment counts)
 * and `comments:<id>` keys a response over its header bound could not name one by one.
 */
export const COMMENT_COUNTS = 'comment-counts'

/**
 * The coarse keys that stand for a fine key when a response has too many to send. Each list holds,
 * for every change that purges the fine key, a key that change purges too (test/services/cache-keys
 * checks it against the purge builders below): coarser keys purge more often, never less.
 */
const COARSE: Record<string, readonly string[]> = {
  tag: ['tags', 'articles'],
  author: ['authors', 'articles'],
  section: ['sections', 'articles'],
  comments: [COMMENT_COUNTS],
  article: ['articles', COMMENT_COUNTS],
}
/** Coarsened first: the kinds whose coarse keys changes purge least often. */
const COARSEN_ORDER = ['tag', 'author', 'section', 'comments', 'article'] as const

/** Akamai's limits, the smallest of the CDNs': 128 characters per tag (slugs are at most 120, so keys fit) and 128 tags per object. */
export const MAX_KEY_BYTES = 128
export const MAX_KEYS = 128

const kindOf = (key: string) => {
  const colon = key.indexOf(':')
  return colon < 0 ? undefined : key.slice(0, colon)
}

/**
 * `keys` as they fit in `maxBytes` joined by one-byte separators, and in MAX_KEYS: unchanged when
 * they fit, else with whole kinds of fine keys replaced by their coarse keys (tags first, articles
 * last) until they do. A key longer than MAX_KEY_BYTES is always replaced.
 */
export function boundKeys(keys: ReadonlySet<string>, maxBytes: number): string[] {
  let bytes = -1
  let tooLong = false
  for (const key of keys) {
    bytes += key.length + 1
    if (key.length > MAX_KEY_BYTES) tooLong = true
  }
  if (bytes <= maxBytes && keys.size <= MAX_KEYS && !tooLong) return [...keys]
  const current = new Set<string>()
  for (const key of keys) {
    if (key.length <= MAX_KEY_BYTES) current.add(key)
    else for (const coarse of COARSE[kindOf(key) ?? ''] ?? ['articles']) current.add(coarse)
  }
  const size = () => [...current].reduce((n, key) => n + key.length + 1, -1)
  for (const kind of COARSEN_ORDER) {
    if (size() <= maxBytes && current.size <= MAX_KEYS) break
    let found = false
    for (const key of current) {
      if (kindOf(key) === kind) {
        current.delete(key)
        found = true
      }
    }
    if (found) for (const coarse of COARSE[kind]!) current.add(coarse)
  }
  return [...current]
}

/** Purge keys of an article change: itself, every list, and what it references (before and after). */
export function articlePurgeKeys(...states: ({ id: string; sectionSlug?: string; authorSlug?: string; authorSlugs?: string[]; tagSlugs?: string[] } | null | undefined)[]): string[] {
  const keys = new Set<string>(['articles'])
  for (const state of states) {
    if (!state) continue
    keys.add(articleKey(state.id))
    if (state.sectionSlug) keys.add(sectionKey(state.sectionSlug))
    if (state.authorSlug) keys.add(authorKey(state.authorSlug))
    for (const author of state.authorSlugs ?? []) keys.add(authorKey(author))
    for (const tag of state.tagSlugs ?? []) keys.add(tagKey(tag))
  }
  return [...keys]
}

/** Purge keys of a visible comment change: its article (comment_count, everywhere) and its thread. */
export function commentPurgeKeys(articleId: string): string[] {
  return [articleKey(articleId), commentsKey(articleId), COMMENT_COUNTS]
}

/**
 * Purge keys of a change to something other than an article or a comment: its lists and every slug
 * it had or has. A settings change can move every URL (site.url, permalink patterns), so it purges
 * every list key: each public response carries at least one of them.
 */
export function purgeKeysFor(kind: string, slugs: readonly string[]): string[] {
  switch (kind) {
    case 'section':
      return ['sections', 'site', 'articles', ...slugs.map(sectionKey)]
    case 'tag':
      return ['tags', ...slugs.map(tagKey)]
    case 'author':
      return ['authors', ...slugs.map(authorKey)]
    case 'page':
      return ['pages', 'site']
    case 'collection':
      return ['collections', ...slugs.map(collectionKey)]
    case 'settings':
      return [...LIST_KEYS]
    default:
      return ['site']
  }
}

/** The route-level keys of every public route (a purge of all of them empties a CDN of this API). */
export const LIST_KEYS = ['site', 'articles', 'sections', 'tags', 'authors', 'pages', 'collections', 'comments', 'resolve'] as const
