import { readFileSync } from 'node:fs'
import path from 'node:path'
import t from 'tap'
import { hotPoolOf } from '../../src/db/hot/pools.js'
import { hotQueries } from '../../src/db/hot/queries.js'
import { and, desc, eq } from 'drizzle-orm'
import { filterConditions, type PublicArticleFilter } from '../../src/db/repositories/article-reads.js'
import { articles } from '../../src/db/schema/index.js'
import { build } from '../helpers/build.js'

/**
 * On PostgreSQL the hot public reads bypass drizzle's prepared-query runner (node-postgres runs
 * drizzle's SQL and each column's own decoder maps the row). They must return exactly what
 * drizzle returns, row for row and type for type, for every statement shape.
 */
const onPostgres = process.env.TEST_DATABASE_URL
  ? false
  : 'POSTGRESQL ONLY: the production hot path (node-postgres, src/db/hot/) is NOT tested on PGlite; CI runs it on PostgreSQL, or: TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npx tap test/db/hot-queries.test.ts'
if (onPostgres) {
  // Said loudly, not only as a SKIP directive a reporter may fold away.
  t.comment(`!!! ${onPostgres}`)
  process.stderr.write(`\n!!! test/db/hot-queries.test.ts SKIPPED ON PGLITE — ${onPostgres}\n\n`)
}

t.test('drizzle-orm and pg are pinned to the exact versions installed (src/db/hot/driver.ts uses their internals)', async (t) => {
  const root = path.resolve(import.meta.dirname, '../..')
  const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }
  for (const name of ['drizzle-orm', 'pg']) {
    const installed = (JSON.parse(readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version
    t.equal(manifest.dependencies[name], installed, `${name}: package.json names exactly the installed version`)
  }
})

t.test('hot statements run by node-postgres return what drizzle returns', { skip: onPostgres }, async (t) => {
  const app = await build(t, { seed: true })
  const db = app.testDb.database.db
  const direct = hotQueries(db)
  const drizzle = hotQueries(db, { direct: false })
  const now = new Date()
  const all = await drizzle.latest({ now }, { order: 'desc', limit: 100 })
  t.ok(all.length > 5, 'the seed has articles to compare')
  const first = all[0]!
  const filters: PublicArticleFilter[] = [
    { now },
    { now, section: first.sectionSlug },
    { now, author: first.authorSlug },
    { now, tags: first.tags.map((tag) => tag.slug) },
    { now, excludeSlugs: [first.slug], publishedAfter: new Date(0) },
    { now, featured: true },
    { now, featured: false, breaking: false },
    { now, breaking: true },
    { now: new Date(0) },
  ]
  for (const filter of filters) {
    for (const page of [{ order: 'desc' as const, limit: 3 }, { order: 'asc' as const, limit: 2, offset: 1 }, { order: 'desc' as const, limit: 2, cursor: { at: first.publishedAt.toISOString(), id: first.id, direction: 'after' as const } }]) {
      const [a, b] = await Promise.all([direct.latest(filter, page), drizzle.latest(filter, page)])
      t.same(a, b, `list ${JSON.stringify({ ...filter, now: undefined })} ${JSON.stringify(page)}`)
      t.ok(a.every((row) => row.publishedAt instanceof Date && row.updatedAt instanceof Date && Array.isArray(row.tags)), 'dates decoded, JSON parsed')
    }
    t.equal(await direct.count(filter), await drizzle.count(filter))
    t.equal(typeof (await direct.count(filter)), 'number')
  }
  for (const row of all.slice(0, 5)) {
    const [a, b] = await Promise.all([direct.bySlug(row.slug, now), drizzle.bySlug(row.slug, now)])
    t.ok(a, row.slug)
    t.same(a, b, `by slug ${row.slug}`)
    t.same(Object.keys(a!), Object.keys(b!), 'same keys in the same order')
  }
  t.equal(await direct.bySlug('no-such-article', now), undefined)
  t.equal(await direct.bySlug(first.slug, new Date(0)), undefined, 'not public before its time')
})

t.test('hot statements run on their own connections, with generic plans; other statements keep custom plans', { skip: onPostgres }, async (t) => {
  const app = await build(t, { seed: true })
  const { database } = app.testDb
  const hotPool = hotPoolOf(database.pool!)!
  t.ok(hotPool, 'the pool has a companion for hot statements')
  const hot = hotQueries(database.db)
  for (let i = 0; i < 7; i++) await hot.latest({ now: new Date() }, { order: 'desc', limit: 5, offset: i })
  // Sequential use keeps to one idle connection: the one that prepared the statement.
  const { rows } = await hotPool.query<{ generic_plans: string; custom_plans: string }>(`select generic_plans, custom_plans from pg_prepared_statements where name like 'newsroom_%'`)
  t.equal(rows.length, 1)
  t.equal(Number(rows[0]!.custom_plans), 0, 'never re-planned per execution')
  t.equal(Number(rows[0]!.generic_plans), 7)
  t.equal((await hotPool.query('show plan_cache_mode')).rows[0].plan_cache_mode, 'force_generic_plan')
  t.equal((await database.pool!.query('show plan_cache_mode')).rows[0].plan_cache_mode, 'auto', 'the main pool keeps the default')
})

t.test('each filter, said once, gives a cached statement that reads what a plain query with its conditions reads (both drivers)', async (t) => {
  const app = await build(t, { seed: true })
  const db = app.testDb.database.db
  const hot = hotQueries(db)
  const now = new Date()
  const plainIds = async (filter: PublicArticleFilter) =>
    (await db.select({ id: articles.id }).from(articles).where(and(...filterConditions(filter))).orderBy(desc(articles.publishedAt), desc(articles.id))).map((r) => r.id)
  const all = await hot.latest({ now }, { order: 'desc', limit: 100 })
  const [first, second] = [all[0]!, all.at(-1)!]
  // Two picks, one of them breaking until tomorrow, one whose breaking news has passed.
  const tomorrow = new Date(now.getTime() + 86_400_000)
  await db.update(articles).set({ featured: true, breakingUntil: tomorrow }).where(eq(articles.id, first.id))
  await db.update(articles).set({ featured: true, breakingUntil: new Date(now.getTime() - 1000) }).where(eq(articles.id, second.id))
  // Pairs with the same number of values in different filters (section / author, one tag / one
  // excluded slug) must not share a statement: each execution follows one on the same shape.
  const filters: PublicArticleFilter[] = [
    { now, section: first.sectionSlug },
    { now, author: second.authorSlug },
    { now, section: second.sectionSlug },
    { now, tags: [first.tags[0]!.slug] },
    { now, excludeSlugs: [first.slug] },
    { now, tags: second.tags.map((tag) => tag.slug) },
    { now, publishedAfter: second.publishedAt },
    { now, publishedBefore: first.publishedAt },
    { now, section: first.sectionSlug, author: first.authorSlug, tags: first.tags.map((tag) => tag.slug), publishedAfter: new Date(0), publishedBefore: now, excludeSlugs: [second.slug] },
    // Flags with the same values bound (none, or `now` again) must not share a statement either.
    { now, featured: true },
    { now, featured: false },
    { now, breaking: true },
    { now, breaking: false },
    { now, featured: true, breaking: false },
    { now: new Date(0) },
  ]
  const matched: number[] = []
  for (const filter of filters) {
    const label = JSON.stringify({ ...filter, now: filter.now.getTime() === 0 ? 'epoch' : 'now' })
    const expected = await plainIds(filter)
    t.same((await hot.latest(filter, { order: 'desc', limit: 100 })).map((r) => r.id), expected, `list ${label}`)
    t.equal(await hot.count(filter), expected.length, `count ${label}`)
    matched.push(expected.length)
  }
  t.same(matched.slice(-6, -1), [2, all.length - 2, 1, all.length - 1, 1], 'featured, not featured, breaking, not breaking, featured and not breaking')
  t.ok(matched.filter((n) => n > 0).length >= 8 && matched.at(-1) === 0, 'the filters match articles (none before the epoch): the comparisons are not of empty lists')
})
