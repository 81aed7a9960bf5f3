import t from 'tap'
import { hotQueries, type PublicArticleFilter } from '../../src/db/repositories/article-reads.js'
import { hotPoolOf } from '../../src/db/client.js'
import { build } from '../helpers/build.js'

/**
 * On PostgreSQL the hot public reads bypass drizzle's prepared-query runner (node-postgres runs
 * drizzle's SQL and each column's own decoder maps the row). They must return exactly what
 * drizzle returns, row for row and type for type, for every statement shape.
 */
const onPostgres = process.env.TEST_DATABASE_URL ? false : 'PGlite runs drizzle’s prepared queries only: nothing to compare (CI runs this on PostgreSQL)'

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
