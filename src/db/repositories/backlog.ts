import { sql } from 'drizzle-orm'
import type { Executor } from '../client.js'
import { articles, outbox } from '../schema/index.js'

export interface Backlog {
  /** Per outbox topic: jobs waiting (pending), being run (processing), and the oldest due pending job's age. */
  outbox: { topic: string; pending: number; processing: number; oldestDueAgeSeconds: number }[]
  /** Scheduled articles whose time has come but that the scheduler has not marked published yet. */
  scheduler: { due: number; oldestDueAgeSeconds: number }
}

/**
 * What the metrics read on each scrape, in one round trip. Both halves go through partial indexes
 * (outbox_due_idx / outbox_leased_idx, and articles by status), so a scrape stays cheap however many
 * finished jobs the outbox keeps.
 */
export function createBacklogRepository(db: Executor) {
  return {
    async snapshot(): Promise<Backlog> {
      const result = (await db.execute(sql`
        select 'outbox' as source, topic,
          count(*) filter (where status = 'pending')::int as pending,
          count(*) filter (where status = 'processing')::int as processing,
          coalesce(extract(epoch from now() - min(run_at) filter (where status = 'pending' and run_at <= now())), 0)::float8 as age
        from ${outbox} where status in ('pending', 'processing') group by topic
        union all
        select 'scheduler', null, count(*)::int, 0, coalesce(extract(epoch from now() - min(published_at)), 0)::float8
        from ${articles} where status = 'scheduled' and published_at <= now()
      `)) as unknown as { rows: { source: string; topic: string | null; pending: number | string; processing: number | string; age: number | string }[] }
      const backlog: Backlog = { outbox: [], scheduler: { due: 0, oldestDueAgeSeconds: 0 } }
      for (const row of result.rows) {
        if (row.source === 'scheduler') backlog.scheduler = { due: Number(row.pending), oldestDueAgeSeconds: Math.max(0, Number(row.age)) }
        else backlog.outbox.push({ topic: row.topic ?? '', pending: Number(row.pending), processing: Number(row.processing), oldestDueAgeSeconds: Math.max(0, Number(row.age)) })
      }
      return backlog
    },
  }
}
