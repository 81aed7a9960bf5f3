import { buildApp } from '../../src/app.js'
import { discoveryConfig, discoveryEnv, DEFAULT_OPTIONS } from './discovery.js'
import { openConfiguredDatabase } from '../../src/db/client.js'
import { createRelatedRepository } from '../../src/db/repositories/related.js'
import { RELATED_WEIGHTS } from '../../src/services/related.js'
import { sql } from 'drizzle-orm'

const env = discoveryEnv(process.env, DEFAULT_OPTIONS)
const config = discoveryConfig(env)
const database = await openConfiguredDatabase(config.database)
const app = await buildApp({ config, database, docs: false })
await app.ready()
let t = performance.now()
const n = await app.services.relatedLists.computeAll()
console.log('computed', n, 'in', Math.round(performance.now() - t), 'ms')
t = performance.now()
console.log('second pass', await app.services.relatedLists.computeAll(), Math.round(performance.now() - t), 'ms')
const repo = createRelatedRepository(database.db)
const slugs = ((await database.db.execute(sql`select slug from articles where status='published' order by md5(id::text) limit 200`)) as any).rows.map((r: any) => r.slug)
const total = ((await database.db.execute(sql`select count(*)::int n from articles where status in ('published','scheduled') and published_at <= now()`)) as any).rows[0].n
let diff = 0, tl = 0, tp = 0
for (const slug of slugs) for (const limit of [6, 24]) {
  const now = new Date()
  const o = { perTag: 100, perSection: 40, latest: 20, limit, totalPublic: total, weights: RELATED_WEIGHTS }
  let s = performance.now(); const a = await repo.related(slug, now, o); tl += performance.now() - s
  s = performance.now(); const b = await repo.related(slug, now, { ...o, useList: false }); tp += performance.now() - s
  if (JSON.stringify(a.map(r => [r.id, r.total.toFixed(9)])) !== JSON.stringify(b.map(r => [r.id, r.total.toFixed(9)]))) { diff++; if (diff < 3) console.log(slug, limit, a.map(r => r.id), b.map(r => r.id)) }
}
console.log('differences', diff, 'of', slugs.length * 2, 'list ms', Math.round(tl), 'pools ms', Math.round(tp))
await app.close(); await database.close()
