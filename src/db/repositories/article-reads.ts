import { createHash } from 'node:crypto'
import { and, asc, Column, count, desc, eq, fillPlaceholders, gt, gte, inArray, is, lt, lte, sql, SQL } from 'drizzle-orm'
import pg from 'pg'
import { hotPoolOf, type Executor } from '../client.js'
import { articles, articleSlugRedirects, articleTags, authors, media, sections, tags, type MediaRendition } from '../schema/index.js'
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

/** What a featured media library image brings to a public read (JSON from one primary-key lookup). */
export interface FeaturedMediaRow {
  alt: string
  caption: string | null
  credit: string | null
  width: number
  height: number
  focal_x: number | null
  focal_y: number | null
  renditions: MediaRendition[]
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
  featuredMediaId: string | null
  featuredMedia: FeaturedMediaRow | null
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
  status: (typeof articles.$inferSelect)['status']
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

/**
 * The featured media item's metadata and renditions, by primary key, inside the same statement (so
 * the prepared hot reads stay one round trip). Spelled with "articles": drizzle drops table names
 * from columns in the select list of a single-table query, which would bind them to the inner table.
 */
const featuredMediaOf = sql<FeaturedMediaRow | null>`(select json_build_object('alt', m.alt, 'caption', m.caption, 'credit', m.credit, 'width', m.width, 'height', m.height, 'focal_x', m.focal_x, 'focal_y', m.focal_y, 'renditions', m.renditions) from ${media} m where m.id = "articles"."featured_media_id")`

export const summaryColumns = {
  id: articles.id,
  slug: articles.slug,
  title: articles.title,
  excerpt: articles.excerpt,
  featuredImageUrl: articles.featuredImageUrl,
  featuredImageAlt: articles.featuredImageAlt,
  featuredImageCaption: articles.featuredImageCaption,
  featuredImageCredit: articles.featuredImageCredit,
  featuredMediaId: articles.featuredMediaId,
  featuredMedia: featuredMediaOf,
  sectionSlug: sections.slug,
  sectionName: sections.name,
  authorSlug: authors.slug,
  authorName: authors.name,
  // Kept on the row by triggers (migrations/0012_tag_refs.sql), in the article's order.
  tags: articles.tagRefs,
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

/**
 * Binds one value into a condition: as an ordinary parameter, or as a named placeholder of a
 * prepared statement (then the value is recorded under that name, dates as ISO strings).
 */
type Bind = <T>(name: string, value: T) => T

const asParameter: Bind = (_name, value) => value

function conditionsWith(filter: PublicArticleFilter, bind: Bind): SQL[] {
  const conditions: SQL[] = [and(visibleStatus, lte(articles.publishedAt, bind('now', filter.now)))!]
  if (filter.section !== undefined) {
    conditions.push(eq(articles.sectionId, sql`(select id from ${sections} where slug = ${bind('section', filter.section)})`))
  }
  if (filter.author !== undefined) {
    conditions.push(eq(articles.authorId, sql`(select id from ${authors} where slug = ${bind('author', filter.author)})`))
  }
  if (filter.tags !== undefined && filter.tags.length > 0) {
    // Any of the given tags (OR), like WordPress's `tags=` and Ghost's `tag:[a,b]`.
    const slugs = sql.join(
      filter.tags.map((tag, i) => sql`${bind(`tag${i}`, tag)}`),
      sql`, `,
    )
    conditions.push(inArray(articles.id, sql`(select at.article_id from ${articleTags} at join ${tags} t on t.id = at.tag_id where t.slug in (${slugs}))`))
  }
  if (filter.publishedAfter) conditions.push(gte(articles.publishedAt, bind('after', filter.publishedAfter)))
  if (filter.publishedBefore) conditions.push(lt(articles.publishedAt, bind('before', filter.publishedBefore)))
  if (filter.excludeSlugs !== undefined && filter.excludeSlugs.length > 0) {
    const slugs = sql.join(
      filter.excludeSlugs.map((slug, i) => sql`${bind(`exclude${i}`, slug)}`),
      sql`, `,
    )
    conditions.push(sql`${articles.slug} not in (${slugs})`)
  }
  return conditions
}

export function filterConditions(filter: PublicArticleFilter): SQL[] {
  return conditionsWith(filter, asParameter)
}

/** Keyset condition and scan direction for a cursor in a list sorted `order`. */
function keyset(order: ListOrder, cursor: Keyset | undefined, bind: Bind = asParameter): { where: SQL | undefined; scan: ListOrder } {
  if (!cursor) return { where: undefined, scan: order }
  const forward = cursor.direction === 'after'
  const scan: ListOrder = forward ? order : order === 'desc' ? 'asc' : 'desc'
  const row = sql`(${articles.publishedAt}, ${articles.id})`
  const bound = sql`(${bind('cursorAt', cursor.at)}::timestamptz, ${bind('cursorId', cursor.id)}::uuid)`
  return { where: scan === 'desc' ? sql`${row} < ${bound}` : sql`${row} > ${bound}`, scan }
}

export interface ListPage {
  order: ListOrder
  limit: number
  offset?: number
  cursor?: Keyset | undefined
}

/** What decides a list statement's text: which filters are present, how many tags, the scan. */
function listShape(filter: PublicArticleFilter, page: ListPage): string {
  return [
    page.order,
    page.cursor?.direction ?? '-',
    filter.section === undefined ? 0 : 1,
    filter.author === undefined ? 0 : 1,
    filter.tags?.length ?? 0,
    filter.publishedAfter ? 1 : 0,
    filter.publishedBefore ? 1 : 0,
    filter.excludeSlugs?.length ?? 0,
  ].join('.')
}

/** Collects the values of one execution under their placeholder names. */
function recorder(): { bind: Bind; values: Record<string, unknown> } {
  const values: Record<string, unknown> = {}
  return {
    values,
    bind: <T>(name: string, value: T): T => {
      values[name] = value instanceof Date ? value.toISOString() : value
      // Typed as the value it stands for: drizzle accepts a placeholder wherever a value goes.
      return sql.placeholder(name) as unknown as T
    },
  }
}

interface Statement<Row> {
  execute(values: Record<string, unknown>): Promise<Row[]>
}

/** The types drizzle's node-postgres driver receives as text so that their columns decode them (date/time). */
const TEXT_TYPES = new Set<number>([pg.types.builtins.TIMESTAMPTZ, pg.types.builtins.TIMESTAMP, pg.types.builtins.DATE, pg.types.builtins.INTERVAL, 1115, 1182, 1185, 1187, 1231])
const asText = (value: string) => value
export const driverTypes = {
  getTypeParser: ((id: number, format?: 'text' | 'binary') => (TEXT_TYPES.has(id) ? asText : pg.types.getTypeParser(id, format))) as typeof pg.types.getTypeParser,
}

type Decoder = ((value: unknown) => unknown) | undefined
/** The decoder drizzle keeps on every `sql` expression (not in its typings; its row mapper reads it too). */
const decoderField = (expression: SQL) => (expression as unknown as { decoder: { mapFromDriverValue(value: unknown): unknown } }).decoder
/** The one shared decoder of an `sql` expression without `.mapWith`. */
const keepsValue = decoderField(sql``)

/** How drizzle decodes one selected field (a column, or `sql` with `.mapWith`); undefined when it keeps the value. */
function decoderOf(field: unknown): Decoder {
  if (is(field, Column)) return (value) => field.mapFromDriverValue(value)
  if (is(field, SQL)) {
    const decoder = decoderField(field)
    return decoder === keepsValue ? undefined : (value) => decoder.mapFromDriverValue(value)
  }
  throw new Error('hot statements select columns and sql expressions only')
}

/**
 * A hot statement run by node-postgres itself: the text and parameters drizzle built, rows as
 * arrays decoded by each field's own decoder into a flat object (what drizzle's prepared query
 * returns for a flat selection), without drizzle's per-row mapping machinery. Half the cost of a
 * cache-missing article read above a bare pg query was that machinery and the presenter's slow
 * property access on the objects it assembles key by key.
 */
function pgStatement<Row>(pool: pg.Pool, name: string, query: { toSQL(): { sql: string; params: unknown[] } }, columns: Record<string, unknown>): Statement<Row> {
  const { sql: text, params } = query.toSQL()
  const keys = Object.keys(columns)
  const decoders = keys.map((key) => decoderOf(columns[key]))
  // One object literal per row (a fixed shape, built in one step) from the selection's own keys.
  const fields = keys.map((key, i) => `${JSON.stringify(key)}: ${decoders[i] ? `r[${i}] === null ? null : d[${i}](r[${i}])` : `r[${i}]`}`)
  const toRow = new Function('d', `return (r) => ({ ${fields.join(', ')} })`)(decoders) as (raw: unknown[]) => Row
  return {
    async execute(values) {
      const result = await pool.query<unknown[]>({ name, text, values: fillPlaceholders(params, values), rowMode: 'array', types: driverTypes })
      return result.rows.map(toRow)
    },
  }
}

/**
 * The hottest public reads (article lists with their totals, and an article by slug) as named
 * prepared statements, one per shape, built on first use: PostgreSQL parses and plans each once
 * per connection and the query builder's work is done once per process. The benchmark's bare
 * baseline (`npm run bench`) runs exactly these statements through pg directly.
 */
export function hotQueries(db: Executor, options: { direct?: boolean } = {}) {
  const statements = new Map<string, Statement<unknown>>()
  // The top-level node-postgres database (not a transaction, not PGlite) runs them through pg
  // directly; `direct: false` keeps drizzle's own prepared queries (the tests compare the two).
  const client = (db as { $client?: unknown }).$client
  const pool = client instanceof pg.Pool && options.direct !== false ? (hotPoolOf(client) ?? client) : undefined
  function prepared<Row>(
    key: string,
    columns: Record<string, unknown>,
    build: (bind: Bind) => { prepare(name: string): Statement<unknown>; toSQL(): { sql: string; params: unknown[] } },
  ): Statement<Row> {
    let statement = statements.get(key)
    if (!statement) {
      // Names are per connection and must always denote the same text: the key determines it.
      const name = `newsroom_${createHash('sha1').update(key).digest('hex').slice(0, 20)}`
      const query = build(recorder().bind)
      statement = pool ? pgStatement(pool, name, query, columns) : query.prepare(name)
      statements.set(key, statement)
    }
    return statement as Statement<Row>
  }

  const buildList = (filter: PublicArticleFilter, page: ListPage, bind: Bind) => {
    const { where, scan } = keyset(page.order, page.cursor, bind)
    const conditions = conditionsWith(filter, bind)
    if (where) conditions.push(where)
    const direction = scan === 'desc' ? desc : asc
    return db
      .select(summaryColumns)
      .from(articles)
      .innerJoin(sections, eq(sections.id, articles.sectionId))
      .innerJoin(authors, eq(authors.id, articles.authorId))
      .where(and(...conditions))
      .orderBy(direction(articles.publishedAt), direction(articles.id))
      .limit(bind('limit', page.limit + 1))
      .offset(bind('offset', page.offset ?? 0))
  }
  const countColumns = { n: count() }
  const buildCount = (filter: PublicArticleFilter, bind: Bind) =>
    db
      .select(countColumns)
      .from(articles)
      .where(and(...conditionsWith(filter, bind)))
  const buildBySlug = (bind: Bind) =>
    db
      .select(fullColumns)
      .from(articles)
      .innerJoin(sections, eq(sections.id, articles.sectionId))
      .innerJoin(authors, eq(authors.id, articles.authorId))
      .where(and(eq(articles.slug, bind('slug', '')), visibleStatus, lte(articles.publishedAt, bind('now', new Date(0)))))
      .limit(1)

  return {
    /** A page of summaries: limit + 1 rows, in scan order. */
    latest(filter: PublicArticleFilter, page: ListPage): Promise<ArticleSummaryRow[]> {
      const run = recorder()
      buildListValues(filter, page, run.bind)
      return prepared<ArticleSummaryRow>(`list:${listShape(filter, page)}`, summaryColumns, (bind) => buildList(filter, page, bind)).execute(run.values)
    },
    async count(filter: PublicArticleFilter): Promise<number> {
      const run = recorder()
      conditionValues(filter, run.bind)
      const [row] = await prepared<{ n: number }>(`count:${listShape(filter, { order: 'desc', limit: 0 })}`, countColumns, (bind) => buildCount(filter, bind)).execute(run.values)
      return row?.n ?? 0
    },
    async bySlug(slug: string, now: Date): Promise<ArticleFullRow | undefined> {
      const [row] = await prepared<ArticleFullRow>('slug', fullColumns, buildBySlug).execute({ slug, now: now.toISOString() })
      return row
    },
    /** The SQL of the unfiltered shapes, for the benchmark's baseline: text, name and parameter order. */
    baselineStatements() {
      const describe = (key: string, query: { toSQL(): { sql: string; params: unknown[] } }) => ({
        name: `newsroom_${createHash('sha1').update(key).digest('hex').slice(0, 20)}`,
        text: query.toSQL().sql,
        params: query.toSQL().params.map((p) => (p as { name: string }).name),
      })
      const page: ListPage = { order: 'desc', limit: 20 }
      const filter: PublicArticleFilter = { now: new Date() }
      return {
        latest: describe(`list:${listShape(filter, page)}`, buildList(filter, page, recorder().bind)),
        count: describe(`count:${listShape(filter, { order: 'desc', limit: 0 })}`, buildCount(filter, recorder().bind)),
        bySlug: describe('slug', buildBySlug(recorder().bind)),
      }
    },
  }
}

/** The values `buildList` binds, without building any SQL (the cheap half of a cached statement). */
function buildListValues(filter: PublicArticleFilter, page: ListPage, bind: Bind): void {
  conditionValues(filter, bind)
  if (page.cursor) {
    bind('cursorAt', page.cursor.at)
    bind('cursorId', page.cursor.id)
  }
  bind('limit', page.limit + 1)
  bind('offset', page.offset ?? 0)
}

function conditionValues(filter: PublicArticleFilter, bind: Bind): void {
  bind('now', filter.now)
  if (filter.section !== undefined) bind('section', filter.section)
  if (filter.author !== undefined) bind('author', filter.author)
  filter.tags?.forEach((tag, i) => bind(`tag${i}`, tag))
  if (filter.publishedAfter) bind('after', filter.publishedAfter)
  if (filter.publishedBefore) bind('before', filter.publishedBefore)
  filter.excludeSlugs?.forEach((slug, i) => bind(`exclude${i}`, slug))
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
