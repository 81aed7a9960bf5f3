import type { ArticleReadRepository, PublicArticleFilter } from '../db/repositories/article-reads.js'
import { MARK_END, MARK_START, type SearchAfter, type SearchMode, type SearchRepository } from '../db/repositories/search.js'
import { AppError } from '../errors.js'
import type { Clock } from '../lib/clock.js'
import { decodeCursor, decodeRankCursor, encodeCursor, encodeRankCursor } from '../lib/cursor.js'
import { parseStrictDate } from '../lib/dates.js'
import type { PageLinks } from '../lib/pagination.js'
import type { ArticleSummaryBody } from '../schemas/content.js'
import type { CountCache } from './count-cache.js'
import type { Permalinks } from './permalinks.js'
import { presentArticleSummary } from './presenters.js'

export const MAX_QUERY_LENGTH = 200

export interface SearchQuery {
  q: string
  section?: string | undefined
  tag?: string[] | undefined
  author?: string | undefined
  published_after?: string | undefined
  published_before?: string | undefined
  exclude?: string[] | undefined
  featured?: boolean | undefined
  breaking?: boolean | undefined
  sort?: 'relevance' | '-published_at' | undefined
  limit?: number | undefined
  page?: number | undefined
  cursor?: string | undefined
}

export interface SearchHit extends ArticleSummaryBody {
  score: number
  highlight: { title: string; snippet: string }
}

export interface SearchResult<T> {
  items: T[]
  meta: {
    limit: number
    page?: number
    pages?: number
    total: number
    /** False when total (and the facets) are lower bounds: the matches passed FACET_CAP. */
    total_exact: boolean
    next_cursor: string | null
    query: string
    match: SearchMode
    /** In fuzzy mode: the query as corrected and searched. */
    suggestion: string | null
    facets?: { sections: { slug: string; name: string; count: number }[] }
  }
  links: PageLinks
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)

/** ts_headline output → safe HTML whose only tags are <mark>: escape everything, then mark. */
export function markHighlights(text: string): string {
  return escapeHtml(text).split(MARK_START).join('<mark>').split(MARK_END).join('</mark>')
}

function invalid(name: string, reason: string): never {
  throw new AppError('VALIDATION_FAILED', `${name} ${reason}`, { invalidParams: [{ name: `querystring.${name}`, reason }] })
}

function dateParam(value: string | undefined, name: string): Date | undefined {
  if (value === undefined) return undefined
  return parseStrictDate(value) ?? invalid(name, 'must be an ISO 8601 date or date-time')
}

/**
 * Full-text search in PostgreSQL: websearch syntax, ranked title > excerpt > body, per-section
 * counts. When the words as typed find nothing, it retries them as prefixes ("hyperson" finds
 * "hypersonic"), then corrected against the words of titles ("taiwn" finds "Taiwan").
 */
export function createSearchService(deps: { search: SearchRepository; articles: ArticleReadRepository; counts: CountCache; clock: Clock; permalinks: Permalinks }) {
  const { search, articles, counts, clock, permalinks } = deps

  async function run(query: SearchQuery, options: { highlight: boolean; facets: boolean }) {
    const q = query.q.trim().replace(/\s+/g, ' ')
    if (q.length === 0) invalid('q', 'must contain a search term')
    if (q.length > MAX_QUERY_LENGTH) invalid('q', `must be at most ${MAX_QUERY_LENGTH} characters`)
    if (query.page !== undefined && query.cursor !== undefined) invalid('cursor', 'cannot be combined with page')
    const limit = query.limit ?? 20
    const order = query.sort === '-published_at' ? ('newest' as const) : ('relevance' as const)
    let after: SearchAfter | undefined
    if (query.cursor !== undefined) {
      const decoded = order === 'relevance' ? decodeRankCursor(query.cursor) : decodeCursor(query.cursor)
      if (!decoded || ('direction' in decoded && decoded.direction !== 'after')) {
        throw new AppError('BAD_CURSOR', 'The cursor is malformed or belongs to another sort order', {
          invalidParams: [{ name: 'querystring.cursor', reason: 'not a valid cursor for this sort' }],
        })
      }
      after = 'rank' in decoded ? decoded : { at: decoded.at, id: decoded.id }
    }
    const filter: PublicArticleFilter = {
      now: clock.now(),
      section: query.section,
      tags: query.tag,
      author: query.author,
      publishedAfter: dateParam(query.published_after, 'published_after'),
      publishedBefore: dateParam(query.published_before, 'published_before'),
      excludeSlugs: query.exclude,
      featured: query.featured,
      breaking: query.breaking,
    }

    // The first mode that finds anything wins, for every page of the same query. A query of stop
    // words only ("the") finds nothing, and no fallback should pretend otherwise.
    const page = query.page ?? 1
    const offset = query.cursor === undefined ? (page - 1) * limit : 0
    const request = { order, limit, offset, after }
    const { now: _now, ...filterKey } = filter
    const facetsOf = (mode: SearchMode, text: string) =>
      counts.get(`search:${mode}:${text}:${JSON.stringify(filterKey)}`, () => search.facets(text, mode, filter))
    let mode: SearchMode = 'web'
    let searched = q
    let suggestion: string | null = null
    let counted = await facetsOf(mode, q)
    if (counted.sections.length === 0 && !(await search.onlyStopWords(q))) {
      counted = await facetsOf('prefix', q)
      if (counted.sections.length > 0) mode = 'prefix'
      else {
        const corrections = await search.corrections(q.split(/[^\p{L}]+/u))
        if (corrections.size > 0) {
          const corrected = q.replace(/\p{L}+/gu, (word) => corrections.get(word.toLowerCase()) ?? word)
          counted = await facetsOf('fuzzy', corrected)
          if (counted.sections.length > 0) [mode, searched, suggestion] = ['fuzzy', corrected, corrected]
        }
      }
    }
    const { sections: facets, exact } = counted
    const total = facets.filter((f) => !filter.section || f.slug === filter.section).reduce((sum, f) => sum + f.count, 0)
    // How many public articles a walk of the date index may pass (the choice of plan in page()).
    const population = total === 0 ? 0 : await counts.get('search:population', () => articles.countPublic({ now: filter.now }))
    const found = total === 0 ? [] : await search.page(searched, mode, filter, { ...request, total, exact, population })
    const hits = found.slice(0, limit)
    const last = hits[hits.length - 1]
    const next_cursor =
      last && found.length > limit
        ? order === 'relevance'
          ? encodeRankCursor({ rank: last.rank, at: last.publishedAt.toISOString(), id: last.id })
          : encodeCursor({ at: last.publishedAt.toISOString(), id: last.id, direction: 'after' })
        : null
    const meta: SearchResult<unknown>['meta'] = { limit, total, total_exact: exact, next_cursor, query: q, match: mode, suggestion }
    const links: PageLinks = {}
    if (query.cursor === undefined) {
      // Past the cap, pages is a lower bound too: no last page, and a next one while rows follow.
      const pages = Math.max(1, Math.ceil(total / limit), exact ? 0 : page + (found.length > limit ? 1 : 0))
      Object.assign(meta, { page, pages })
      Object.assign(links, { first: { page: 1 }, ...(exact ? { last: { page: pages } } : {}) })
      if (page > 1) links.prev = { page: Math.min(page - 1, pages) }
      if (page < pages) links.next = { page: page + 1 }
    } else if (next_cursor) links.next = { cursor: next_cursor }
    if (options.facets) meta.facets = { sections: facets }

    const ids = hits.map((h) => h.id)
    const [summaries, highlights] = await Promise.all([
      articles.summariesByIds(ids),
      options.highlight ? search.highlights(searched, mode, ids) : Promise.resolve([]),
    ])
    const byId = new Map(summaries.map((r) => [r.id, r]))
    const rows = hits.flatMap((h) => {
      const row = byId.get(h.id)
      return row ? [{ ...row, rank: h.rank }] : []
    })
    return { rows, meta, links, highlights: new Map(highlights.map((h) => [h.id, h])) }
  }

  return {
    /** GET /v1/search: hits with scores, highlighted title and snippet, and section facets. */
    async search(query: SearchQuery): Promise<SearchResult<SearchHit>> {
      const { rows, meta, links, highlights } = await run(query, { highlight: true, facets: true })
      const site = permalinks.current() ?? (await permalinks.get())
      const items = rows.map((row) => {
        const h = highlights.get(row.id)
        return {
          ...presentArticleSummary(row, site),
          score: Math.round(row.rank * 1e6) / 1e6,
          highlight: { title: markHighlights(h?.title ?? row.title), snippet: markHighlights(h?.snippet ?? '') },
        }
      })
      return { items, meta, links }
    },

    /** GET /v1/articles?q=: the same matching, as plain summaries. */
    async articles(query: SearchQuery): Promise<SearchResult<ArticleSummaryBody>> {
      const { rows, meta, links } = await run(query, { highlight: false, facets: false })
      const site = permalinks.current() ?? (await permalinks.get())
      return { items: rows.map((r) => presentArticleSummary(r, site)), meta, links }
    },
  }
}

export type SearchService = ReturnType<typeof createSearchService>
