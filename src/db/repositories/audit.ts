import { and, desc, eq, lt, type SQL } from 'drizzle-orm'
import type { Executor } from '../client.js'
import { auditLog } from '../schema/index.js'

export type AuditRow = typeof auditLog.$inferSelect
export type AuditEntry = Omit<typeof auditLog.$inferInsert, 'id' | 'at'>

export interface AuditFilter {
  entityType?: string | undefined
  entityId?: string | undefined
  actorId?: string | undefined
  beforeId?: number | undefined
}

export function createAuditRepository(db: Executor) {
  return {
    async record(entry: AuditEntry): Promise<void> {
      await db.insert(auditLog).values(entry)
    },

    /** Newest first; keyset on the identity column. Returns limit + 1 rows. */
    async list(filter: AuditFilter, limit: number): Promise<AuditRow[]> {
      const conditions: SQL[] = []
      if (filter.entityType) conditions.push(eq(auditLog.entityType, filter.entityType))
      if (filter.entityId) conditions.push(eq(auditLog.entityId, filter.entityId))
      if (filter.actorId) conditions.push(eq(auditLog.actorId, filter.actorId))
      if (filter.beforeId !== undefined) conditions.push(lt(auditLog.id, filter.beforeId))
      return db
        .select()
        .from(auditLog)
        .where(and(...conditions))
        .orderBy(desc(auditLog.id))
        .limit(limit + 1)
    },
  }
}

export type AuditRepository = ReturnType<typeof createAuditRepository>
