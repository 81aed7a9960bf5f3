import t from 'tap'
import { sql } from 'drizzle-orm'
import { generateBenchData } from '../../src/cli/bench-data.js'
import { createTestDatabase } from '../helpers/database.js'

t.test('the benchmark generator writes realistic, deterministic articles', async (t) => {
  const testDb = await createTestDatabase()
  t.teardown(() => testDb.destroy())
  const db = testDb.database.db
  const lines: string[] = []
  const report = await generateBenchData(db, { articles: 600, tags: 200, authors: 10, seed: 7, log: (l) => lines.push(l) })
  t.same(report, { articles: 600, tags: 200, authors: 10 })
  const one = async (query: ReturnType<typeof sql>) => ((await db.execute(query)) as unknown as { rows: Record<string, unknown>[] }).rows[0]!
  const stats = await one(sql`select count(*)::int as n, min(word_count) as min_words, max(word_count) as max_words,
    count(*) filter (where status = 'draft')::int as drafts, count(*) filter (where status = 'scheduled')::int as scheduled,
    extract(epoch from max(published_at) - min(published_at)) / 86400 / 365 as years from articles`)
  t.equal(stats.n, 600)
  t.ok(Number(stats.min_words) >= 100 && Number(stats.max_words) > 3 * Number(stats.min_words), `varied lengths ${stats.min_words}..${stats.max_words}`)
  t.ok(Number(stats.drafts) > 0 && Number(stats.scheduled) > 0, 'some drafts and scheduled posts')
  t.ok(Number(stats.years) > 4, 'dates spread over years')
  const tags = await one(sql`select max(usage_count) as top, percentile_cont(0.5) within group (order by usage_count) as median from tags where slug like 'bench-%'`)
  t.ok(Number(tags.top) > 10 * Math.max(Number(tags.median), 1), `long tail: top ${tags.top}, median ${tags.median}`)
  const unique = await one(sql`select count(distinct slug)::int as n from articles`)
  t.equal(unique.n, 600, 'slugs are unique')
  t.match(lines.at(-1), /600 \/ 600 articles/)
})
