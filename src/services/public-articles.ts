import type { ArticleReadRepository, ArticleSummaryRow, ListOrder, PublicArticleFilter } from '../db/repositories/article-reads.js'
import { AppError } from '../errors.js'
import type { Clock } from '../lib/clock.js'
import { parseStrictDate } from '../lib/dates.js'
import { cursorModeResult, pageModeResult, resolvePaging, type PageResult, type PagingQuery } from '../lib/pagination.js'
import type { ArticleBody, ArticleSummaryBody } from '../schemas/content.js'
import { presentArticle, presentArticleSummary } from './presenters.js'
import type { CountCache } from './count-cache.js'
import type { Permalinks } from './permalinks.js'
import type { SearchService } from './search.js'
import { commentsCloseAt, commentsOpenAt } from './comments/policy.js'

export interface ArticleListQuery extends PagingQuery {
  section?: string | undefined
  tag?: string[] | undefined
  author?: string | undefined
  published_after?: string | undefined
  published_before?: string | undefined
  exclude?: string[] | undefined
  featured?: boolean | undefined
  breaking?: boolean | undefined
  sort?: 'published_at' | '-published_at' | 'relevance' | undefined
  q?: string | undefined
}

export type ArticleLookup = { kind: 'article'; article: ArticleBody; /** When comments_open turns false by age (ms). */ changesAt?: number | undefined } | { kind: 'redirect'; slug: string }

const keyOf = (row: ArticleSummaryRow) => ({ at: row.publishedAt.toISOString(), id: row.id })

function parseDate(value: string | undefined, name: string): Date | undefined {
  if (value === undefined) return undefined
  const date = parseStrictDate(value)
  if (!date) {
    throw new AppError('VALIDATION_FAILED', `${name} is not a valid date`, {
      invalidParams: [{ name: `querystring.${name}`, reason: 'must be an ISO 8601 date or date-time' }],
    })
  }
  return date
}

export function createPublicArticleService(deps: {
  articles: ArticleReadRepository
  search: SearchService
  counts: CountCache
  clock: Clock
  permalinks: Permalinks
  /** COMMENTS_CLOSE_AFTER_DAYS: `comments_open` turns false this long after publication (0 = never). */
  commentsCloseAfterDays?: number
}) {
  const { articles, search, counts, clock, permalinks } = deps

  return {
    async list(query: ArticleListQuery): Promise<PageResult<ArticleSummaryBody>> {
      if (query.q !== undefined) {
        // Full-text filtered: newest first unless sort=relevance is asked for.
        if (query.sort === 'published_at') {
          throw new AppError('VALIDATION_FAILED', 'With q, sort is relevance or -published_at', { invalidParams: [{ name: 'querystring.sort', reason: 'must be relevance or -published_at with q' }] })
        }
        const result = await search.articles({ ...query, q: query.q, sort: query.sort === 'relevance' ? 'relevance' : '-published_at' })
        const { limit, page, pages, total, total_exact, next_cursor } = result.meta
        return { items: result.items, meta: { limit, page, pages, total, total_exact, next_cursor }, links: result.links }
      }
      if (query.sort === 'relevance') {
        throw new AppError('VALIDATION_FAILED', 'sort=relevance needs a search query (q)', { invalidParams: [{ name: 'querystring.sort', reason: 'relevance needs q' }] })
      }
      const paging = resolvePaging(query)
      const filter: PublicArticleFilter = {
        now: clock.now(),
        section: query.section,
        tags: query.tag,
        author: query.author,
        publishedAfter: parseDate(query.published_after, 'published_after'),
        publishedBefore: parseDate(query.published_before, 'published_before'),
        excludeSlugs: query.exclude,
      featured: query.featured,
      breaking: query.breaking,
      }
      const order: ListOrder = query.sort === 'published_at' ? 'asc' : 'desc'
      if (paging.mode === 'cursor') {
        const rows = await articles.listPublic(filter, { order, limit: paging.limit, cursor: paging.cursor })
        const links = permalinks.current() ?? (await permalinks.get())
        const result = cursorModeResult(rows, paging, keyOf)
        return { ...result, items: result.items.map((row) => presentArticleSummary(row, links)) }
      }
      const { now: _now, ...filterKey } = filter
      const [rows, total] = await Promise.all([
        articles.listPublic(filter, { order, limit: paging.limit, offset: paging.offset }),
        counts.get(`articles:${JSON.stringify(filterKey)}`, () => articles.countPublic(filter)),
      ])
      const links = permalinks.current() ?? (await permalinks.get())
      const result = pageModeResult(rows, paging, total, keyOf)
      return { ...result, items: result.items.map((row) => presentArticleSummary(row, links)) }
    },

    /** Any article, whatever its status, for a holder of a signed preview link to it. */
    async preview(slug: string, articleId: string): Promise<ArticleBody> {
      const row = await articles.findAnyBySlug(slug)
      if (!row || row.id !== articleId) throw new AppError('NOT_FOUND', 'The preview link does not match this article')
      // A draft has no publication date yet: show its last update, as the byline will read until it is published.
      return presentArticle({ ...row, publishedAt: row.publishedAt ?? row.updatedAt }, await permalinks.get())
    },

    /** A public article, or the slug it moved to (old slugs answer 301). */
    async get(slug: string): Promise<ArticleLookup> {
      const row = await articles.findPublicBySlug(slug, clock.now())
      if (row) {
        const links = permalinks.current() ?? (await permalinks.get())
        return { kind: 'article', article: presentArticle(row, links, commentsOpenAt(row, clock.now(), deps.commentsCloseAfterDays ?? 0)), changesAt: commentsCloseAt(row, deps.commentsCloseAfterDays ?? 0) }
      }
      const moved = await articles.findRedirect(slug)
      if (moved && moved !== slug) return { kind: 'redirect', slug: moved }
      throw new AppError('NOT_FOUND', `No published article has the slug "${slug}"`)
    },
  }
}

export type PublicArticleService = ReturnType<typeof createPublicArticleService>
