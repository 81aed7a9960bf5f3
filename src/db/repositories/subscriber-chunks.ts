import { sql, type SQL } from 'drizzle-orm'
import type { Executor } from '../client.js'
import { outbox, subscribers } from '../schema/index.js'

export interface ChunkResult {
  /** The last subscriber id of the chunk: where the next chunk starts (null when it was empty). */
  last: string | null
  /** Subscribers the chunk covered; fewer than the limit means the run is done. */
  seen: number
  /** Jobs queued; the rest already existed (their dedupe key), so a repeated chunk is a no-op. */
  inserted: number
}

/**
 * One bounded chunk of a newsletter run in one INSERT … SELECT: the subscribers matching `where`
 * after `after` (id order), `limit` of them, each given an outbox job of `topic` with the payload
 * and dedupe key built from `chunk.id`. Article sends and digests both fan out through it.
 */
export async function queueSubscriberChunk(
  db: Executor,
  chunk: { where: SQL; after: string | null; limit: number },
  job: { topic: string; payload: SQL; runAt: Date; dedupeKey: SQL; maxAttempts: number },
): Promise<ChunkResult> {
  const afterFilter = chunk.after ? sql`and s.id > ${chunk.after}::uuid` : sql``
  const result = (await db.execute(sql`
    with chunk as (
      select s.id from ${subscribers} s
      where ${chunk.where} ${afterFilter}
      order by s.id
      limit ${chunk.limit}
    ), inserted as (
      insert into ${outbox} (topic, payload, run_at, dedupe_key, max_attempts)
      select ${job.topic}, ${job.payload}, ${job.runAt.toISOString()}::timestamptz, ${job.dedupeKey}, ${job.maxAttempts}
      from chunk
      on conflict (dedupe_key) do nothing
      returning 1
    )
    select (select id::text from chunk order by id desc limit 1) as last,
      (select count(*) from chunk) as seen,
      (select count(*) from inserted) as inserted
  `)) as unknown as { rows: Record<string, unknown>[] }
  const r = result.rows[0] ?? {}
  return { last: (r.last as string | null) ?? null, seen: Number(r.seen ?? 0), inserted: Number(r.inserted ?? 0) }
}
