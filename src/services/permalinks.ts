import type { Repositories } from '../db/repositories/index.js'
import type { SiteRepository, SiteSettingsRow } from '../db/repositories/site.js'
import {
  compilePattern,
  DEFAULT_PERMALINKS,
  PERMALINK_KINDS,
  patternProblems,
  type CompiledPattern,
  type PathFacts,
  type PermalinkKind,
  type PermalinkPatterns,
} from '../lib/permalinks.js'

/** What URLs are built from: the site settings' url, permalinks and their history. */
export type LinkSettings = Pick<SiteSettingsRow, 'url' | 'permalinks' | 'permalinkHistory'> & Partial<Pick<SiteSettingsRow, 'title' | 'logoUrl'>>

/**
 * Absolute URLs on the public website. The base is the site's own address (`site.url`, the
 * frontend's origin), or PUBLIC_URL when the site has none yet.
 */
export interface SiteLinks {
  /** The base URL without a trailing slash (may carry a path: https://example.com/news). */
  base: string
  origin: string
  /** The path of the base ('' or e.g. /news): website paths may carry it or not. */
  basePath: string
  home: string
  /** The publication as structured data names it (publisher of every article). */
  publisher: { name: string; logo: string | null }
  patterns: PermalinkPatterns
  compiled: Record<PermalinkKind, CompiledPattern>
  /** Earlier patterns per kind, newest first. */
  history: Record<PermalinkKind, CompiledPattern[]>
  article(facts: PathFacts & { id: string; sectionSlug: string; publishedAt: Date }): string
  /** An article that may have no date yet (a draft): null when the pattern needs one. */
  articleIfDated(facts: PathFacts & { id: string; sectionSlug: string }): string | null
  section(slug: string): string
  tag(slug: string): string
  author(slug: string): string
  page(facts: { id: string; slug: string }): string
  /** Any kind, from the facts a resolver lookup returns. */
  of(kind: PermalinkKind, facts: PathFacts): string | null
}

/** The stored patterns over the defaults; a stored pattern that no longer validates falls back to the default. */
export function effectivePatterns(stored: Partial<Record<PermalinkKind, unknown>> | null | undefined): PermalinkPatterns {
  const out = { ...DEFAULT_PERMALINKS }
  for (const kind of PERMALINK_KINDS) {
    const value = stored?.[kind]
    if (typeof value === 'string' && patternProblems(kind, value).length === 0) out[kind] = value
  }
  return out
}

export function siteLinks(settings: LinkSettings | undefined, publicUrl: string): SiteLinks {
  const base = (settings?.url ?? publicUrl).replace(/\/+$/, '')
  const parsed = new URL(`${base}/`)
  const patterns = effectivePatterns(settings?.permalinks)
  const compiled = Object.fromEntries(PERMALINK_KINDS.map((k) => [k, compilePattern(patterns[k])])) as Record<PermalinkKind, CompiledPattern>
  const history = Object.fromEntries(
    PERMALINK_KINDS.map((k) => {
      const old = settings?.permalinkHistory?.[k] ?? []
      return [k, old.filter((p) => typeof p === 'string' && p !== patterns[k] && patternProblems(k, p).length === 0).map(compilePattern)]
    }),
  ) as Record<PermalinkKind, CompiledPattern[]>
  const { article, section, tag, author, page } = compiled
  return {
    base,
    origin: parsed.origin,
    basePath: parsed.pathname.replace(/\/+$/, ''),
    home: `${base}/`,
    publisher: { name: settings?.title ?? '', logo: settings?.logoUrl ?? null },
    patterns,
    compiled,
    history,
    article: (facts) => base + article.path(facts)!,
    articleIfDated: (facts) => {
      const path = article.path(facts)
      return path === null ? null : base + path
    },
    section: (slug) => base + section.path({ slug })!,
    tag: (slug) => base + tag.path({ slug })!,
    author: (slug) => base + author.path({ slug })!,
    page: (facts) => base + page.path(facts)!,
    of: (kind, facts) => {
      const path = compiled[kind].path(facts)
      return path === null ? null : base + path
    },
  }
}

/**
 * The site's links, kept in memory: every public read presents URLs, and reading the settings
 * for each would add a database round trip per request. Forgotten on every content change (this
 * process's or, through LISTEN/NOTIFY, another's), like the response cache.
 */
export function createPermalinks(deps: { site: SiteRepository; publicUrl: string }) {
  let value: SiteLinks | undefined
  let loading: Promise<SiteLinks> | undefined
  let generation = 0

  const get = (): Promise<SiteLinks> => {
    if (value) return Promise.resolve(value)
    if (!loading) {
      const started = generation
      const load = deps.site.get().then((row) => {
        const links = siteLinks(row, deps.publicUrl)
        // A change while it loaded may have made this copy stale: use it, but do not keep it.
        if (started === generation) value = links
        return links
      })
      loading = load
      const forget = () => {
        if (loading === load) loading = undefined
      }
      load.then(forget, forget)
    }
    return loading
  }

  return {
    /** The links if loaded: the hot read path takes them without an await. */
    current: (): SiteLinks | undefined => value,
    get,
    /**
     * Inside a transaction: the cached links, or the settings read through the transaction (an
     * embedded database has one connection, which the transaction holds). Not kept: the
     * transaction may still roll back.
     */
    async within(repos: Repositories): Promise<SiteLinks> {
      return value ?? siteLinks(await repos.site.get(), deps.publicUrl)
    },
    invalidate(): void {
      generation++
      value = undefined
      loading = undefined
    },
  }
}

export type Permalinks = ReturnType<typeof createPermalinks>
