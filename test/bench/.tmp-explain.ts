import { sql } from 'drizzle-orm'
import { openConfiguredDatabase } from '../../src/db/client.js'
import { createRelatedRepository } from '../../src/db/repositories/related.js'
import { RELATED_WEIGHTS } from '../../src/services/related.js'
import { discoveryConfig, discoveryEnv, DEFAULT_OPTIONS } from './discovery.js'
const config = discoveryConfig(discoveryEnv(process.env, DEFAULT_OPTIONS))
const database = await openConfiguredDatabase(config.database)
const wrap = { execute: async (q: any) => { const r: any = await database.db.execute(sql`explain (analyze, buffers) ${q}`); console.log(r.rows.map((x: any) => x['QUERY PLAN']).join('\n')); return { rows: [] } } }
const repo = createRelatedRepository(wrap as any)
const slug = ((await database.db.execute(sql`select slug, id from articles where status='published' order by md5(id::text) limit 1`)) as any).rows[0]
const o = { perTag: 100, perSection: 40, latest: 20, limit: 6, totalPublic: 2000, weights: RELATED_WEIGHTS }
if (process.argv[2] === 'compute') await repo.computeList(slug.id, new Date(), o)
else await repo.related(slug.slug, new Date(), { ...o, useList: process.argv[2] !== 'pools' })
await database.close()
