import { sql } from 'drizzle-orm'
import type { Db } from '../client.js'

/** One table of the database as autovacuum would weigh it. */
export interface TableActivity {
  name: string
  /** Estimated rows (pg_class.reltuples; 0 when never counted). */
  tuples: number
  /** Pages on disk now, and how many of them the visibility map marks all-visible. */
  pages: number
  allVisiblePages: number
  /** This process's counters since the table was last vacuumed or analyzed (they start at 0 with each process). */
  deadTuples: number
  modifiedSinceAnalyze: number
  insertedSinceVacuum: number
  /** The share of its pages (pg_class.relpages) the visibility map does not mark all-frozen, 0..1. */
  unfrozenShare: number
  /** Whether the planner has column statistics for it at all. */
  analyzed: boolean
}

/**
 * The embedded database's own upkeep, which PostgreSQL's autovacuum does on a server: PGlite runs
 * PostgreSQL (18) in single-user mode, where no autovacuum worker ever starts. Never called on a
 * PostgreSQL server (its autovacuum does this; relallfrozen is PostgreSQL 18's).
 */
export function createMaintenanceRepository(db: Db) {
  return {
    /** Every table of the public schema, with its statistics counters flushed first. */
    async tables(): Promise<TableActivity[]> {
      // A backend flushes its counters when idle, which a PGlite backend is not between statements.
      await db.execute(sql`select pg_stat_force_next_flush()`)
      const result = (await db.execute(sql`
        select c.relname as name, greatest(c.reltuples, 0)::float8 as tuples,
          (pg_relation_size(c.oid) / current_setting('block_size')::int)::int as pages, c.relallvisible as all_visible,
          case when c.relpages > 0 and c.relallfrozen > 0 then 1 - least(c.relallfrozen, c.relpages)::float8 / c.relpages else 1 end as unfrozen,
          s.n_dead_tup::int as dead, s.n_mod_since_analyze::int as modified, s.n_ins_since_vacuum::int as inserted,
          exists (select 1 from pg_statistic st where st.starelid = c.oid) as analyzed
        from pg_class c join pg_stat_user_tables s on s.relid = c.oid
        where c.relkind = 'r' and s.schemaname = 'public'
        order by c.relname
      `)) as unknown as { rows: Record<string, unknown>[] }
      return result.rows.map((r) => ({
        name: String(r.name),
        tuples: Number(r.tuples),
        pages: Number(r.pages),
        allVisiblePages: Number(r.all_visible),
        deadTuples: Number(r.dead),
        modifiedSinceAnalyze: Number(r.modified),
        insertedSinceVacuum: Number(r.inserted),
        unfrozenShare: Number(r.unfrozen),
        analyzed: Boolean(r.analyzed),
      }))
    },

    /** VACUUM (ANALYZE) one table: frees dead rows, sets the visibility map (index-only scans), refreshes statistics. */
    async vacuumAnalyze(table: string): Promise<void> {
      await db.execute(sql`vacuum (analyze) ${sql.identifier(table)}`)
    },

    async analyze(table: string): Promise<void> {
      await db.execute(sql`analyze ${sql.identifier(table)}`)
    },
  }
}

export type MaintenanceRepository = ReturnType<typeof createMaintenanceRepository>
