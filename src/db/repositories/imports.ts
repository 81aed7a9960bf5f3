import { and, desc, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm'
import type { Executor } from '../client.js'
import { importItems, importJobs, type ImportCounts, type ImportWarning } from '../schema/index.js'

export type ImportItemRow = typeof importItems.$inferSelect
export type ImportJobRow = typeof importJobs.$inferSelect

export function createImportRepository(db: Executor) {
  return {
    async findItem(source: string, sourceId: string): Promise<ImportItemRow | undefined> {
      const [row] = await db.select().from(importItems).where(and(eq(importItems.source, source), eq(importItems.sourceId, sourceId))).limit(1)
      return row
    },

    /** Many at once (an item's comments): source id → row. */
    async findItems(source: string, sourceIds: string[]): Promise<Map<string, ImportItemRow>> {
      if (sourceIds.length === 0) return new Map()
      const rows = await db.select().from(importItems).where(and(eq(importItems.source, source), inArray(importItems.sourceId, sourceIds)))
      return new Map(rows.map((r) => [r.sourceId, r]))
    },

    async saveItem(values: typeof importItems.$inferInsert): Promise<void> {
      await db
        .insert(importItems)
        .values(values)
        .onConflictDoUpdate({
          target: [importItems.source, importItems.sourceId],
          set: { kind: values.kind, localId: values.localId, originalUrl: values.originalUrl ?? null, hash: values.hash, importedAt: sql`now()` },
        })
    },

    /** New keys only (an item's comments): one statement. */
    async insertItems(values: (typeof importItems.$inferInsert)[]): Promise<void> {
      if (values.length > 0) await db.insert(importItems).values(values)
    },

    async insertJob(values: typeof importJobs.$inferInsert): Promise<ImportJobRow> {
      const [row] = await db.insert(importJobs).values(values).returning()
      return row!
    },

    async findJob(id: string): Promise<ImportJobRow | undefined> {
      const [row] = await db.select().from(importJobs).where(eq(importJobs.id, id)).limit(1)
      return row
    },

    async listJobs(limit: number): Promise<ImportJobRow[]> {
      return db.select().from(importJobs).orderBy(desc(importJobs.createdAt)).limit(limit)
    },

    /**
     * Takes the job for this worker until `lockedUntil`: a queued job, or a running one whose
     * worker stopped renewing its heartbeat (it died; the import resumes, items already imported
     * are skipped). Undefined when another worker holds it or it has ended.
     */
    async claimJob(id: string, now: Date, lockedUntil: Date): Promise<ImportJobRow | undefined> {
      const [row] = await db
        .update(importJobs)
        .set({ status: 'running', startedAt: sql`coalesce(${importJobs.startedAt}, ${now.toISOString()}::timestamptz)`, lockedUntil })
        .where(and(eq(importJobs.id, id), or(eq(importJobs.status, 'queued'), and(eq(importJobs.status, 'running'), or(isNull(importJobs.lockedUntil), lt(importJobs.lockedUntil, now))))))
        .returning()
      return row
    },

    async progress(id: string, values: { counts: ImportCounts; warnings: ImportWarning[]; warningsDropped: number; lockedUntil: Date }): Promise<void> {
      await db.update(importJobs).set(values).where(eq(importJobs.id, id))
    },

    async finish(id: string, values: { status: 'completed' | 'failed'; counts: ImportCounts; warnings: ImportWarning[]; warningsDropped: number; error: string | null; finishedAt: Date }): Promise<void> {
      await db.update(importJobs).set({ ...values, lockedUntil: null }).where(eq(importJobs.id, id))
    },
  }
}

export type ImportRepository = ReturnType<typeof createImportRepository>
