import t from 'tap'
import { sql } from 'drizzle-orm'
import { createSearchRepository } from '../../src/db/repositories/search.js'
import { build } from '../helpers/build.js'

/**
 * Search facets come from a statement that reads the matches from the GIN index only and stops
 * after FACET_CAP + 1 of them: below the cap its counts are the exact counts per section; past it
 * they are lower bounds and say so.
 */
type Facet = { slug: string; name: string; count: number }

t.test('facets: exact per-section counts under every filter but the section one', async (t) => {
  const app = await build(t, { seed: true })
  const db = app.database.db
  const now = app.clock.now().toISOString()
  const counted = async (q: string, extra = sql`true`) => {
    const result = (await db.execute(sql`
      select s.slug, count(*)::int as count from articles a join sections s on s.id = a.section_id
      where a.status in ('published', 'scheduled') and a.published_at <= ${now}::timestamptz
        and a.search @@ websearch_to_tsquery('english', ${q}) and ${extra}
      group by s.slug, s.position order by count(*) desc, s.position`)) as unknown as { rows: { slug: string; count: number }[] }
    return result.rows.map((r) => ({ slug: r.slug, count: Number(r.count) }))
  }
  for (const q of ['china', 'missile', '"aircraft carrier"', 'china -taiwan', 'navy or submarine']) {
    const body = (await app.inject({ url: `/v1/search?q=${encodeURIComponent(q)}` })).json()
    const facets = body.meta.facets.sections as Facet[]
    t.same(facets.map(({ slug, count }) => ({ slug, count })), await counted(q), `${q}: every section's count`)
    t.equal(body.meta.total, facets.reduce((sum, f) => sum + f.count, 0), `${q}: total`)
    t.equal(body.meta.total_exact, true)
  }
  const tagged = (await app.inject({ url: '/v1/search?q=china&tag=taiwan' })).json()
  t.same(
    tagged.meta.facets.sections.map(({ slug, count }: Facet) => ({ slug, count })),
    await counted('china', sql`exists (select 1 from article_tags x join tags g on g.id = x.tag_id where x.article_id = a.id and g.slug = 'taiwan')`),
    'with a tag filter',
  )
  const inSection = (await app.inject({ url: '/v1/search?q=missile&section=india' })).json()
  t.same(inSection.meta.facets.sections.map(({ slug, count }: Facet) => ({ slug, count })), await counted('missile'), 'the section filter leaves the facets alone')
  t.equal(inSection.meta.total, (await counted('missile')).find((f) => f.slug === 'india')?.count ?? 0, 'but the total is the section’s')
  t.same((await app.inject({ url: '/v1/articles?q=missile&limit=1' })).json().meta.total_exact, true, '/v1/articles?q= says so too')
})

t.test('facets past the cap: lower bounds, and said to be', async (t) => {
  const app = await build(t, { seed: true })
  const now = app.clock.now()
  const exact = await createSearchRepository(app.database.db).facets('china', 'web', { now })
  const total = exact.sections.reduce((sum, f) => sum + f.count, 0)
  t.ok(total > 3 && exact.exact, 'more than 3 matches, counted exactly')
  const capped = await createSearchRepository(app.database.db, { facetCap: 3 }).facets('china', 'web', { now })
  t.equal(capped.exact, false)
  t.equal(capped.sections.reduce((sum, f) => sum + f.count, 0), 4, 'cap + 1 matches counted')
  for (const f of capped.sections) t.ok(f.count <= exact.sections.find((e) => e.slug === f.slug)!.count, `${f.slug}: a lower bound`)
  const atCap = await createSearchRepository(app.database.db, { facetCap: total }).facets('china', 'web', { now })
  t.same(atCap, exact, 'exactly at the cap: still exact')
})
