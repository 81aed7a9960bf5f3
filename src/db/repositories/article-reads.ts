import { and, asc, count, desc, eq, gt, gte, inArray, lt, lte, sql, type SQL } from 'drizzle-orm'
import type { Executor } from '../client.js'
import { articles, articleSlugRedirects, articleTags, authors, sections, tags } from '../schema/index.js'
import type { SocialLink } from '../schema/types.js'

/**
 * Read models of public articles. "Public" is one rule, kept here in one place: published, or
 * scheduled with its time passed (so a schedule needs no job to become visible), and published_at
 * not in the future. `now` comes from the caller's clock.
 */
export interface PublicArticleFilter {
  now: Date
  section?: string | undefined
  tags?: string[] | undefined
  author?: string | undefined
  publishedAfter?: Date | undefined
  publishedBefore?: Date | undefined
  excludeSlugs?: string[] | undefined
}

export type ListOrder = 'desc' | 'asc'

export interface Keyset {
  at: string
  id: string
  direction: 'after' | 'before'
}

export interface TagRefRow {
  slug: string
  name: string
}

export interface ArticleSummaryRow {
  id: string
  slug: string
  title: string
  excerpt: string
  featuredImageUrl: string | null
  featuredImageAlt: string | null
  featuredImageCaption: string | null
  featuredImageCredit: string | null
  sectionSlug: string
  sectionName: string
  authorSlug: string
  authorName: string
  tags: TagRefRow[]
  publishedAt: Date
  updatedAt: Date
  readingTimeMinutes: number
  commentCount: number
}

export interface ArticleFullRow extends ArticleSummaryRow {
  bodyHtml: string
  wordCount: number
  commentsOpen: boolean
  seoMetaTitle: string | null
  seoMetaDescription: string | null
  seoCanonicalUrl: string | null
  seoOgImage: string | null
  authorBio: string
  authorWebsite: string | null
  authorAvatarUrl: string | null
  authorSocialLinks: SocialLink[]
  status: 'draft' | 'scheduled' | 'published' | 'archived'
}

/** `status in (...)` as literal SQL so the planner can match the partial feed indexes. */
export const visibleStatus = sql`${articles.status} in ('published', 'scheduled')`

export function isPublic(now: Date): SQL {
  return and(visibleStatus, lte(articles.publishedAt, now)) as SQL
}

/**
 * The same rule for an aliased `articles` inside a raw subquery. Correlated subqueries spell out
 * their outer references ("sections"."id"): drizzle drops table names from columns in the select
 * list of a single-table query, which would silently bind them to the inner table.
 */
export function isPublicAs(alias: string, now: Date): SQL {
  const a = sql.raw(alias)
  return sql`${a}.status in ('published', 'scheduled') and ${a}.published_at <= ${now.toISOString()}::timestamptz`
}

const tagsOf = sql<TagRefRow[]>`coalesce((select json_agg(json_build_object('slug', t.slug, 'name', t.name) order by at.position, t.name) from ${articleTags} at join ${tags} t on t.id = at.tag_id where at.article_id = "articles"."id"), '[]'::json)`

export const summaryColumns = {
  id: articles.id,
  slug: articles.slug,
  title: articles.title,
  excerpt: articles.excerpt,
  featuredImageUrl: articles.featuredImageUrl,
  featuredImageAlt: articles.featuredImageAlt,
  featuredImageCaption: articles.featuredImageCaption,
  featuredImageCredit: articles.featuredImageCredit,
  sectionSlug: sections.slug,
  sectionName: sections.name,
  authorSlug: authors.slug,
  authorName: authors.name,
  tags: tagsOf,
  publishedAt: sql<Date>`${articles.publishedAt}`.mapWith(articles.publishedAt),
  updatedAt: articles.updatedAt,
  readingTimeMinutes: articles.readingTimeMinutes,
  commentCount: articles.commentCount,
}

const fullColumns = {
  ...summaryColumns,
  bodyHtml: articles.bodyHtml,
  wordCount: articles.wordCount,
  commentsOpen: articles.commentsOpen,
  seoMetaTitle: articles.seoMetaTitle,
  seoMetaDescription: articles.seoMetaDescription,
  seoCanonicalUrl: articles.seoCanonicalUrl,
  seoOgImage: articles.seoOgImage,
  authorBio: authors.bio,
  authorWebsite: authors.website,
  authorAvatarUrl: authors.avatarUrl,
  authorSocialLinks: authors.socialLinks,
  status: articles.status,
}

export function filterConditions(filter: PublicArticleFilter): SQL[] {
  const conditions: SQL[] = [isPublic(filter.now)]
  if (filter.section !== undefined) {
    conditions.push(eq(articles.sectionId, sql`(select id from ${sections} where slug = ${filter.section})`))
  }
  if (filter.author !== undefined) {
    conditions.push(eq(articles.authorId, sql`(select id from ${authors} where slug = ${filter.author})`))
  }
  if (filter.tags !== undefined && filter.tags.length > 0) {
    // Any of the given tags (OR), like WordPress's `tags=` and Ghost's `tag:[a,b]`.
    conditions.push(
      inArray(
        articles.id,
        sql`(select at.article_id from ${articleTags} at join ${tags} t on t.id = at.tag_id where t.slug in ${filter.tags})`,
      ),
    )
  }
  if (filter.publishedAfter) conditions.push(gte(articles.publishedAt, filter.publishedAfter))
  if (filter.publishedBefore) conditions.push(lt(articles.publishedAt, filter.publishedBefore))
  if (filter.excludeSlugs !== undefined && filter.excludeSlugs.length > 0) {
    conditions.push(sql`${articles.slug} not in ${filter.excludeSlugs}`)
  }
  return conditions
}

/** Keyset condition and scan direction for a cursor in a list sorted `order`. */
function keyset(order: ListOrder, cursor: Keyset | undefined): { where: SQL | undefined; scan: ListOrder } {
  if (!cursor) return { where: undefined, scan: order }
  const forward = cursor.direction === 'after'
  const scan: ListOrder = forward ? order : order === 'desc' ? 'asc' : 'desc'
  const row = sql`(${articles.publishedAt}, ${articles.id})`
  const bound = sql`(${cursor.at}::timestamptz, ${cursor.id}::uuid)`
  return { where: scan === 'desc' ? sql`${row} < ${bound}` : sql`${row} > ${bound}`, scan }
}

export function createArticleReadRepository(db: Executor) {
  return {
    /**
     * A page of public summaries. With a cursor the rows come in scan order (reversed for
     * `before`), limit + 1 of them so the caller can tell whether more exist.
     */
    async listPublic(
      filter: PublicArticleFilter,
      page: { order: ListOrder; limit: number; offset?: number; cursor?: Keyset | undefined },
    ): Promise<ArticleSummaryRow[]> {
      const { where, scan } = keyset(page.order, page.cursor)
      const conditions = filterConditions(filter)
      if (where) conditions.push(where)
      const direction = scan === 'desc' ? desc : asc
      return db
        .select(summaryColumns)
        .from(articles)
        .innerJoin(sections, eq(sections.id, articles.sectionId))
        .innerJoin(authors, eq(authors.id, articles.authorId))
        .where(and(...conditions))
        .orderBy(direction(articles.publishedAt), direction(articles.id))
        .limit(page.limit + 1)
        .offset(page.offset ?? 0) as Promise<ArticleSummaryRow[]>
    },

    async countPublic(filter: PublicArticleFilter): Promise<number> {
      const [row] = await db
        .select({ n: count() })
        .from(articles)
        .where(and(...filterConditions(filter)))
      return row?.n ?? 0
    },

    async findPublicBySlug(slug: string, now: Date): Promise<ArticleFullRow | undefined> {
      const [row] = await db
        .select(fullColumns)
        .from(articles)
        .innerJoin(sections, eq(sections.id, articles.sectionId))
        .innerJoin(authors, eq(authors.id, articles.authorId))
        .where(and(eq(articles.slug, slug), isPublic(now)))
        .limit(1)
      return row as ArticleFullRow | undefined
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
        .select({ id: articles.id, slug: articles.slug, publishedAt: sql<Date>`${articles.publishedAt}`.mapWith(articles.publishedAt), updatedAt: articles.updatedAt })
        .from(articles)
        .where(and(...conditions))
        .orderBy(desc(articles.publishedAt), desc(articles.id))
        .limit(limit + 1)
        .offset(0)
    },

    /** One sitemap file's worth of public article slugs, newest first. */
    async sitemapSlice(now: Date, limit: number, offset: number) {
      return db
        .select({ slug: articles.slug, updatedAt: articles.updatedAt })
        .from(articles)
        .where(isPublic(now))
        .orderBy(desc(articles.publishedAt), desc(articles.id))
        .limit(limit)
        .offset(offset)
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
