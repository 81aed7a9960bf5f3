import type { RedirectRepository, ResolveLookup } from '../db/repositories/redirects.js'
import { AppError } from '../errors.js'
import type { Clock } from '../lib/clock.js'
import { normalizeWebsitePath, RESOLVE_ORDER, type CompiledPattern, type PermalinkKind } from '../lib/permalinks.js'
import type { Permalinks, SiteLinks } from './permalinks.js'

/** What a website path is: a resource to render (`redirect: false`) or one that moved (`redirect: true`, 301). */
export interface Resolution {
  type: PermalinkKind
  slug: string
  url: string
  redirect: boolean
  status: 200 | 301
}

/**
 * The lookups that could answer `path` (relative to the site's base path), in the order they
 * win: a resource at its current path; an old slug under a current pattern; an alias of exactly
 * this path (imported or hand-made); then the same under earlier patterns. Returns the ranks
 * whose find renders rather than redirects (when the path is the resource's canonical one).
 */
export function lookupsFor(idx: number, path: string, fullPath: string, links: SiteLinks): { lookups: ResolveLookup[]; currentRanks: Set<number> } {
  const lookups: ResolveLookup[] = []
  const currentRanks = new Set<number>()
  const add = (kind: PermalinkKind, by: ResolveLookup['by'], key: string) => lookups.push({ idx, rank: lookups.length, kind, by, key })
  const byPattern = (patterns: (kind: PermalinkKind) => CompiledPattern[], current: boolean) => {
    const matches: [PermalinkKind, { slug?: string; id?: string }][] = []
    for (const kind of RESOLVE_ORDER) for (const pattern of patterns(kind)) {
      const m = pattern.match(path)
      if (m) matches.push([kind, m])
    }
    for (const [kind, m] of matches) {
      if (current) currentRanks.add(lookups.length)
      if (m.id !== undefined) add(kind, 'id', m.id)
      else add(kind, 'slug', m.slug!)
    }
    for (const [kind, m] of matches) if (m.id === undefined) add(kind, 'old_slug', m.slug!)
  }
  byPattern((kind) => [links.compiled[kind]], true)
  add('page', 'alias', fullPath)
  byPattern((kind) => links.history[kind], false)
  return { lookups, currentRanks }
}

export function createResolver(deps: { redirects: RedirectRepository; permalinks: Permalinks; clock: Clock }) {
  const { redirects, permalinks, clock } = deps

  /** Normalised website paths → their resolution, or null where nothing answers. One database statement. */
  async function resolveMany(paths: string[], links: SiteLinks): Promise<(Resolution | null)[]> {
    const plans = paths.map((fullPath, idx) => {
      const path = links.basePath && (fullPath === links.basePath || fullPath.startsWith(`${links.basePath}/`)) ? fullPath.slice(links.basePath.length) || '/' : fullPath
      return { path, ...lookupsFor(idx, path, fullPath, links) }
    })
    const found = await redirects.resolve(plans.flatMap((p) => p.lookups), clock.now())
    const results: (Resolution | null)[] = paths.map(() => null)
    for (const row of found) {
      const plan = plans[row.idx]!
      const url = links.of(row.kind, { slug: row.slug, id: row.id, sectionSlug: row.sectionSlug ?? undefined, publishedAt: row.publishedAt })
      if (url === null) continue
      const canonical = normalizeWebsitePath(url.slice(links.base.length) || '/')
      const renders = plan.currentRanks.has(row.rank) && canonical.ok && canonical.path === plan.path
      results[row.idx] = { type: row.kind, slug: row.slug, url, redirect: !renders, status: renders ? 200 : 301 }
    }
    return results
  }

  return {
    resolveMany,

    /** GET /v1/resolve: 400 for a path that is not one, 404 when nothing lives there. */
    async resolve(input: string): Promise<Resolution> {
      const links = permalinks.current() ?? (await permalinks.get())
      const normalized = normalizeWebsitePath(input, links.origin)
      if (!normalized.ok) {
        throw new AppError('VALIDATION_FAILED', `path ${normalized.reason}`, { invalidParams: [{ name: 'querystring.path', reason: normalized.reason }] })
      }
      const [result] = await resolveMany([normalized.path], links)
      if (!result) throw new AppError('NOT_FOUND', `Nothing on the website lives at ${normalized.path}`)
      return result
    },
  }
}

export type Resolver = ReturnType<typeof createResolver>
