import { createHash } from 'node:crypto'
import { and, asc, count, desc, eq, lte, sql, type SQL } from 'drizzle-orm'
import type { Executor } from '../client.js'
import { fullColumns, summaryColumns, visibleStatus, type ArticleFullRow, type ArticleSummaryRow, type Keyset, type ListOrder, type PublicArticleFilter } from '../repositories/article-rows.js'
import { articles, authors, sections } from '../schema/index.js'
import { directPool, pgStatement, type Statement } from './driver.js'
import { bindFilterValues, filterShape, filterSql, type Bind } from './filters.js'
import { hotPoolOf } from './pools.js'

export interface ListPage {
  order: ListOrder
  limit: number
  offset?: number
  cursor?: Keyset | undefined
}

/**
 * A page's bound values, said once: the list statement's SQL is built from what this returns
 * (placeholders), and each execution records its values by calling it again (no SQL built).
 */
function pageValues(page: ListPage, bind: Bind) {
  return {
    cursor: page.cursor ? { at: bind('cursorAt', page.cursor.at), id: bind('cursorId', page.cursor.id), direction: page.cursor.direction } : undefined,
    limit: bind('limit', page.limit + 1),
    offset: bind('offset', page.offset ?? 0),
  }
}

/** Keyset condition and scan direction for a cursor in a list sorted `order`. */
function keyset(order: ListOrder, cursor: ReturnType<typeof pageValues>['cursor']): { where: SQL | undefined; scan: ListOrder } {
  if (!cursor) return { where: undefined, scan: order }
  const forward = cursor.direction === 'after'
  const scan: ListOrder = forward ? order : order === 'desc' ? 'asc' : 'desc'
  const row = sql`(${articles.publishedAt}, ${articles.id})`
  const bound = sql`(${cursor.at}::timestamptz, ${cursor.id}::uuid)`
  return { where: scan === 'desc' ? sql`${row} < ${bound}` : sql`${row} > ${bound}`, scan }
}

/** What decides a list statement's text: the scan, and which filters bind how many values. */
function listShape(filter: PublicArticleFilter, page: Pick<ListPage, 'order' | 'cursor'>): string {
  return `${page.order}.${page.cursor?.direction ?? '-'}.${filterShape(filter)}`
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

const statementName = (key: string) => `newsroom_${createHash('sha1').update(key).digest('hex').slice(0, 20)}`

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
  const client = options.direct !== false ? directPool(db) : undefined
  const pool = client ? (hotPoolOf(client) ?? client) : undefined
  function prepared<Row>(
    key: string,
    columns: Record<string, unknown>,
    build: (bind: Bind) => { prepare(name: string): Statement<unknown>; toSQL(): { sql: string; params: unknown[] } },
  ): Statement<Row> {
    let statement = statements.get(key)
    if (!statement) {
      // Names are per connection and must always denote the same text: the key determines it.
      const name = statementName(key)
      const query = build(recorder().bind)
      statement = pool ? pgStatement(pool, name, query, columns) : query.prepare(name)
      statements.set(key, statement)
    }
    return statement as Statement<Row>
  }

  const buildList = (filter: PublicArticleFilter, page: ListPage, bind: Bind) => {
    const bound = pageValues(page, bind)
    const { where, scan } = keyset(page.order, bound.cursor)
    const conditions = filterSql(filter, bind)
    if (where) conditions.push(where)
    const direction = scan === 'desc' ? desc : asc
    return db
      .select(summaryColumns)
      .from(articles)
      .innerJoin(sections, eq(sections.id, articles.sectionId))
      .innerJoin(authors, eq(authors.id, articles.authorId))
      .where(and(...conditions))
      .orderBy(direction(articles.publishedAt), direction(articles.id))
      .limit(bound.limit)
      .offset(bound.offset)
  }
  const countColumns = { n: count() }
  const buildCount = (filter: PublicArticleFilter, bind: Bind) =>
    db
      .select(countColumns)
      .from(articles)
      .where(and(...filterSql(filter, bind)))
  const buildBySlug = (bind: Bind) =>
    db
      .select(fullColumns)
      .from(articles)
      .innerJoin(sections, eq(sections.id, articles.sectionId))
      .innerJoin(authors, eq(authors.id, articles.authorId))
      .where(and(eq(articles.slug, bind('slug', '')), visibleStatus, lte(articles.publishedAt, bind('now', new Date(0)))))
      .limit(1)
  const countPage = { order: 'desc' as const }

  return {
    /** A page of summaries: limit + 1 rows, in scan order. */
    latest(filter: PublicArticleFilter, page: ListPage): Promise<ArticleSummaryRow[]> {
      const run = recorder()
      bindFilterValues(filter, run.bind)
      pageValues(page, run.bind)
      return prepared<ArticleSummaryRow>(`list:${listShape(filter, page)}`, summaryColumns, (bind) => buildList(filter, page, bind)).execute(run.values)
    },
    async count(filter: PublicArticleFilter): Promise<number> {
      const run = recorder()
      bindFilterValues(filter, run.bind)
      const [row] = await prepared<{ n: number }>(`count:${listShape(filter, countPage)}`, countColumns, (bind) => buildCount(filter, bind)).execute(run.values)
      return row?.n ?? 0
    },
    async bySlug(slug: string, now: Date): Promise<ArticleFullRow | undefined> {
      const [row] = await prepared<ArticleFullRow>('slug', fullColumns, buildBySlug).execute({ slug, now: now.toISOString() })
      return row
    },
    /** The SQL of the unfiltered shapes, for the benchmark's baseline: text, name and parameter order. */
    baselineStatements() {
      const describe = (key: string, query: { toSQL(): { sql: string; params: unknown[] } }) => ({
        name: statementName(key),
        text: query.toSQL().sql,
        params: query.toSQL().params.map((p) => (p as { name: string }).name),
      })
      const page: ListPage = { order: 'desc', limit: 20 }
      const filter: PublicArticleFilter = { now: new Date() }
      return {
        latest: describe(`list:${listShape(filter, page)}`, buildList(filter, page, recorder().bind)),
        count: describe(`count:${listShape(filter, countPage)}`, buildCount(filter, recorder().bind)),
        bySlug: describe('slug', buildBySlug(recorder().bind)),
      }
    },
  }
}
