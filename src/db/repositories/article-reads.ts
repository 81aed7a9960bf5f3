import { and, asc, desc, eq, gt, inArray, sql } from 'drizzle-orm'
import type { Executor } from '../client.js'
import { asParameter, filterSql } from '../hot/filters.js'
import { hotQueries, type ListPage } from '../hot/queries.js'
import { articles, articleSlugRedirects, authors, sections } from '../schema/index.js'
import { fullColumns, isPublic, isPublicAs, summaryColumns, visibleStatus, type ArticleFullRow, type ArticleSummaryRow, type PublicArticleFilter } from './article-rows.js'

// What the other repositories and services read public articles with (rows, columns, the public rule).
export * from './article-rows.js'
export type { ListPage } from '../hot/queries.js'

/** The public filter's conditions with ordinary parameters (searches add theirs to them). */
export function filterConditions(filter: PublicArticleFilter) {
  return filterSql(filter, asParameter)
}

/** What a sitemap entry needs: the article's URL facts (its permalink may use the date, id or section) and lastmod. */
const sitemapColumns = {
  id: articles.id,
  slug: articles.slug,
  publishedAt: sql<Date>`${articles.publishedAt}`.mapWith(articles.publishedAt),
  updatedAt: articles.updatedAt,
  sectionSlug: sections.slug,
}

export function createArticleReadRepository(db: Executor) {
  const hot = hotQueries(db)
  return {
    /**
     * A page of public summaries. With a cursor the rows come in scan order (reversed for
     * `before`), limit + 1 of them so the caller can tell whether more exist.
     */
    listPublic(filter: PublicArticleFilter, page: ListPage): Promise<ArticleSummaryRow[]> {
      return hot.latest(filter, page)
    },

    countPublic(filter: PublicArticleFilter): Promise<number> {
      return hot.count(filter)
    },

    findPublicBySlug(slug: string, now: Date): Promise<ArticleFullRow | undefined> {
      return hot.bySlug(slug, now)
    },

    /** Just the id, when the slug is public: for lookups that need no row data. */
    async findPublicIdBySlug(slug: string, now: Date): Promise<{ id: string } | undefined> {
      const [row] = await db.select({ id: articles.id }).from(articles).where(and(eq(articles.slug, slug), isPublic(now))).limit(1)
      return row
    },

    /** Any status (a draft may have no publication date): used for signed draft previews. */
    async findAnyBySlug(slug: string): Promise<(Omit<ArticleFullRow, 'publishedAt'> & { publishedAt: Date | null }) | undefined> {
      const [row] = await db
        .select(fullColumns)
        .from(articles)
        .innerJoin(sections, eq(sections.id, articles.sectionId))
        .innerJoin(authors, eq(authors.id, articles.authorId))
        .where(eq(articles.slug, slug))
        .limit(1)
      return row as (Omit<ArticleFullRow, 'publishedAt'> & { publishedAt: Date | null }) | undefined
    },

    /** The newest public articles with their bodies (feeds). */
    async latestFull(filter: PublicArticleFilter, limit: number): Promise<ArticleFullRow[]> {
      return (await db
        .select(fullColumns)
        .from(articles)
        .innerJoin(sections, eq(sections.id, articles.sectionId))
        .innerJoin(authors, eq(authors.id, articles.authorId))
        .where(and(...filterConditions(filter)))
        .orderBy(desc(articles.publishedAt), desc(articles.id))
        .limit(limit)) as ArticleFullRow[]
    },

    /** Slugs and times of public articles for sitemaps, keyset-paginated (limit + 1 rows). */
    async sitemapPage(now: Date, limit: number, after?: { at: string; id: string }) {
      const conditions = [isPublic(now)]
      if (after) conditions.push(sql`(${articles.publishedAt}, ${articles.id}) < (${after.at}::timestamptz, ${after.id}::uuid)`)
      return db
        .select(sitemapColumns)
        .from(articles)
        .innerJoin(sections, eq(sections.id, articles.sectionId))
        .where(and(...conditions))
        .orderBy(desc(articles.publishedAt), desc(articles.id))
        .limit(limit + 1)
        .offset(0)
    },

    /** One sitemap file's worth of public article slugs, newest first. */
    async sitemapSlice(now: Date, limit: number, offset: number) {
      return db
        .select(sitemapColumns)
        .from(articles)
        .innerJoin(sections, eq(sections.id, articles.sectionId))
        .where(isPublic(now))
        .orderBy(desc(articles.publishedAt), desc(articles.id))
        .limit(limit)
        .offset(offset)
    },

    /** Public articles published after `since` (the news sitemap's window), newest first, with their titles. */
    async publishedSince(now: Date, since: Date, limit: number) {
      return db
        .select({ ...sitemapColumns, title: articles.title })
        .from(articles)
        .innerJoin(sections, eq(sections.id, articles.sectionId))
        .where(and(isPublic(now), gt(articles.publishedAt, since)))
        .orderBy(desc(articles.publishedAt), desc(articles.id))
        .limit(limit)
    },

    /** When the next scheduled (or future-dated) article becomes public, if any. */
    async nextScheduledAt(now: Date): Promise<Date | null> {
      const [row] = await db
        .select({ at: articles.publishedAt })
        .from(articles)
        .where(and(visibleStatus, gt(articles.publishedAt, now)))
        .orderBy(asc(articles.publishedAt))
        .limit(1)
      return row?.at ?? null
    },

    /** When the next public article stops being breaking news, if any (lists change then without a write). */
    async nextBreakingExpiry(now: Date): Promise<Date | null> {
      const [row] = await db
        .select({ at: sql<Date | null>`min(${articles.breakingUntil})`.mapWith(articles.breakingUntil) })
        .from(articles)
        .where(and(isPublic(now), gt(articles.breakingUntil, now)))
      return row?.at ?? null
    },

    /** Summaries of these articles (any order; the caller orders them). */
    async summariesByIds(ids: string[]): Promise<ArticleSummaryRow[]> {
      if (ids.length === 0) return []
      return (await db
        .select(summaryColumns)
        .from(articles)
        .innerJoin(sections, eq(sections.id, articles.sectionId))
        .innerJoin(authors, eq(authors.id, articles.authorId))
        .where(inArray(articles.id, ids))) as ArticleSummaryRow[]
    },

    /** The newest public articles of every section, `perSection` each (one index range per section). */
    async latestIdsBySection(now: Date, perSection: number): Promise<{ sectionId: string; id: string }[]> {
      const result = (await db.execute(sql`
        select s.id as "sectionId", l.id
        from ${sections} s
        cross join lateral (
          select a.id from ${articles} a
          where a.section_id = s.id and ${isPublicAs('a', now)}
          order by a.published_at desc, a.id desc
          limit ${perSection}
        ) l
      `)) as unknown as { rows: { sectionId: string; id: string }[] }
      return result.rows
    },

    /** The current slug of the article an old slug belonged to. */
    async findRedirect(oldSlug: string): Promise<string | undefined> {
      const [row] = await db
        .select({ slug: articles.slug })
        .from(articleSlugRedirects)
        .innerJoin(articles, eq(articles.id, articleSlugRedirects.articleId))
        .where(eq(articleSlugRedirects.slug, oldSlug))
        .limit(1)
      return row?.slug
    },
  }
}

export type ArticleReadRepository = ReturnType<typeof createArticleReadRepository>
