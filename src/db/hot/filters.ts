import { eq, gt, gte, inArray, isNull, lt, lte, not, or, sql, type SQL } from 'drizzle-orm'
import { articleAuthors, articles, articleTags, authors, sections, tags } from '../schema/index.js'
import { isPublic, type PublicArticleFilter } from '../repositories/article-rows.js'

/**
 * Binds one value into a condition: as an ordinary parameter, or as a named placeholder of a
 * prepared statement (then the value is recorded under that name, dates as ISO strings).
 */
export type Bind = <T>(name: string, value: T) => T

export const asParameter: Bind = (_name, value) => value

/**
 * One filter of the public article lists, said once. A cached statement needs each filter three
 * ways — its SQL, the values it binds on each execution, and its part of the statement's key (the
 * SQL differs with how many values it binds) — and all three derive from `values` and `sql` here,
 * so a filter cannot be added to one and forgotten in another.
 */
interface FilterDescriptor<T> {
  /** The placeholder name (a filter of several values binds `name0`, `name1`, …). */
  name: string
  /** Several values (one placeholder each), or at most one. */
  many: boolean
  /** The values this filter binds for a request; none = the filter is absent. */
  values(filter: PublicArticleFilter): readonly T[]
  /** Its condition over the bound values (placeholders in a prepared statement). */
  sql(bound: T[]): SQL
}

/**
 * A filter that binds no value: present or absent, with fixed SQL. Its part of the statement's key
 * is whether it is present. Written as literal SQL so that a partial index over the same
 * condition (articles_featured_feed_idx) serves it under the hot pool's generic plans, which a
 * bound `featured = $1` would not.
 */
interface FlagDescriptor {
  name: string
  on(filter: PublicArticleFilter): boolean
  sql: SQL
}

const describe = <T>(descriptor: FilterDescriptor<T>): FilterDescriptor<unknown> => descriptor as FilterDescriptor<unknown>
const one = <T>(value: T | undefined): T[] => (value === undefined ? [] : [value])
const list = (bound: unknown[]) => sql.join(bound.map((value) => sql`${value}`), sql`, `)

const FILTERS: FilterDescriptor<unknown>[] = [
  // The public rule itself: always present, so every statement has its `now`.
  describe({ name: 'now', many: false, values: (f) => [f.now], sql: ([now]) => isPublic(now!) }),
  describe({ name: 'section', many: false, values: (f) => one(f.section), sql: ([slug]) => eq(articles.sectionId, sql`(select id from ${sections} where slug = ${slug})`) }),
  // Any author of the byline, first or not.
  describe({
    name: 'author',
    many: false,
    values: (f) => one(f.author),
    sql: ([slug]) => inArray(articles.id, sql`(select aa.article_id from ${articleAuthors} aa where aa.author_id = (select id from ${authors} where slug = ${slug}))`),
  }),
  // Any of the given tags (OR), like WordPress's `tags=` and Ghost's `tag:[a,b]`.
  describe({
    name: 'tag',
    many: true,
    values: (f) => f.tags ?? [],
    sql: (slugs) => inArray(articles.id, sql`(select at.article_id from ${articleTags} at join ${tags} t on t.id = at.tag_id where t.slug in (${list(slugs)}))`),
  }),
  describe({ name: 'after', many: false, values: (f) => (f.publishedAfter ? [f.publishedAfter] : []), sql: ([at]) => gte(articles.publishedAt, at!) }),
  describe({ name: 'before', many: false, values: (f) => (f.publishedBefore ? [f.publishedBefore] : []), sql: ([at]) => lt(articles.publishedAt, at!) }),
  describe({ name: 'exclude', many: true, values: (f) => f.excludeSlugs ?? [], sql: (slugs) => sql`${articles.slug} not in (${list(slugs)})` }),
  // Breaking news while its expiry is ahead of the request's clock (the value is `now` again).
  describe({ name: 'breakingAt', many: false, values: (f) => (f.breaking === true ? [f.now] : []), sql: ([at]) => gt(articles.breakingUntil, at!) }),
  describe({ name: 'calmAt', many: false, values: (f) => (f.breaking === false ? [f.now] : []), sql: ([at]) => or(isNull(articles.breakingUntil), lte(articles.breakingUntil, at!))! }),
]

const FLAGS: FlagDescriptor[] = [
  { name: 'featured', on: (f) => f.featured === true, sql: sql`${articles.featured}` },
  { name: 'notFeatured', on: (f) => f.featured === false, sql: not(articles.featured) },
]

const placeholderName = (descriptor: FilterDescriptor<unknown>, index: number) => (descriptor.many ? `${descriptor.name}${index}` : descriptor.name)

/** The filter's conditions, each value bound through `bind`. */
export function filterSql(filter: PublicArticleFilter, bind: Bind = asParameter): SQL[] {
  const conditions: SQL[] = []
  for (const descriptor of FILTERS) {
    const values = descriptor.values(filter)
    if (values.length > 0) conditions.push(descriptor.sql(values.map((value, i) => bind(placeholderName(descriptor, i), value))))
  }
  for (const flag of FLAGS) if (flag.on(filter)) conditions.push(flag.sql)
  return conditions
}

/** The values `filterSql` binds, without building any SQL (the cheap half of a cached statement). */
export function bindFilterValues(filter: PublicArticleFilter, bind: Bind): void {
  for (const descriptor of FILTERS) descriptor.values(filter).forEach((value, i) => bind(placeholderName(descriptor, i), value))
}

/** What decides the filter's SQL text: how many values each filter binds, and which flags are on. */
export function filterShape(filter: PublicArticleFilter): string {
  return [...FILTERS.map((descriptor) => descriptor.values(filter).length), ...FLAGS.map((flag) => (flag.on(filter) ? 1 : 0))].join('.')
}
