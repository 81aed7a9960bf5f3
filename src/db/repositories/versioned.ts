import { and, eq, sql } from 'drizzle-orm'
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core'
import type { Executor } from '../client.js'

/** A table whose rows carry an optimistic-concurrency `version` (sections, tags, authors). */
type VersionedTable = PgTable & { id: PgColumn; version: PgColumn; updatedAt: PgColumn; $inferInsert: object }

/**
 * The one conditional write of every versioned row: it applies only while the row is still at
 * `expectedVersion` (an update bumps it and stamps updated_at), and says whether it did.
 */
export function versionedWrites<T extends VersionedTable>(db: Executor, table: T) {
  const current = (id: string, expectedVersion: number) => and(eq(table.id, id), eq(table.version, expectedVersion))
  return {
    /** Writes only while the row is still at `expectedVersion` (bumping it); false when it moved on. */
    async update(id: string, expectedVersion: number, values: Partial<T['$inferInsert']>): Promise<boolean> {
      const set = { ...values, version: sql`${table.version} + 1`, updatedAt: sql`now()` }
      const rows = await db
        .update(table)
        .set(set as never)
        .where(current(id, expectedVersion))
        .returning({ id: table.id })
      return rows.length > 0
    },

    /** Deletes only while the row is still at `expectedVersion`; false when it moved on. */
    async delete(id: string, expectedVersion: number): Promise<boolean> {
      const rows = await db.delete(table).where(current(id, expectedVersion)).returning({ id: table.id })
      return rows.length > 0
    },
  }
}
