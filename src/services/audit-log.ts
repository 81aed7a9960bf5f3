import type { AuditRow } from '../db/repositories/audit.js'
import type { UnitOfWork } from '../db/repositories/index.js'
import { AppError } from '../errors.js'

export interface AuditQuery {
  entity_type?: string | undefined
  entity_id?: string | undefined
  actor?: string | undefined
  limit?: number | undefined
  cursor?: string | undefined
}

function present(row: AuditRow) {
  return {
    id: row.id,
    at: row.at.toISOString(),
    actor: row.actorId || row.actorEmail ? { id: row.actorId, email: row.actorEmail } : null,
    action: row.action,
    entity_type: row.entityType,
    entity_id: row.entityId,
    summary: row.summary,
    changes: row.changes ?? null,
    request_id: row.requestId,
  }
}

/** The audit trail, newest first, paginated by an opaque cursor over the entry id. */
export function createAuditLog(deps: { uow: UnitOfWork }) {
  return {
    async list(query: AuditQuery) {
      const limit = query.limit ?? 50
      let beforeId: number | undefined
      if (query.cursor !== undefined) {
        beforeId = Number.parseInt(Buffer.from(query.cursor, 'base64url').toString('utf8'), 10)
        if (!Number.isSafeInteger(beforeId) || beforeId <= 0) {
          throw new AppError('BAD_CURSOR', 'The cursor is not valid', { invalidParams: [{ name: 'querystring.cursor', reason: 'not a valid cursor' }] })
        }
      }
      const rows = await deps.uow.repos.audit.list({ entityType: query.entity_type, entityId: query.entity_id, actorId: query.actor, beforeId }, limit)
      const page = rows.slice(0, limit)
      const last = page[page.length - 1]
      const next = rows.length > limit && last ? Buffer.from(String(last.id)).toString('base64url') : null
      return { items: page.map(present), meta: { limit, next_cursor: next }, links: next ? { next: { cursor: next } } : {} }
    },
  }
}
