import t from 'tap'
import { hotQueries, type PublicArticleFilter } from '../../src/db/repositories/article-reads.js'
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
