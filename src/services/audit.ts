import type { Repositories } from '../db/repositories/index.js'
import { noteIdempotentEntity } from '../lib/idempotency-context.js'
import type { Actor } from './actor.js'

export interface AuditInput {
  action: string
  entityType: string
  entityId?: string | null | undefined
  summary: string
  changes?: Record<string, unknown> | undefined
}

/** Writes an audit entry with the actor; call it inside the transaction of the change it records. */
export async function audit(repos: Repositories, actor: Actor | null, entry: AuditInput): Promise<void> {
  // Under an Idempotency-Key, the key remembers what the write was about (a retry is pointed at it).
  noteIdempotentEntity(entry.entityType, entry.entityId)
  await repos.audit.record({
    actorId: actor?.id ?? null,
    actorEmail: actor?.email ?? null,
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId ?? null,
    summary: entry.summary,
    changes: entry.changes ?? null,
    requestId: actor?.requestId ?? null,
  })
}
