import { AsyncLocalStorage } from 'node:async_hooks'

/** Whose key it is: an editor's (their user id), or a public writer's (e.g. `email:<address>`). */
export type IdempotencyOwner = { kind: 'user'; id: string } | { kind: 'public'; id: string }

/**
 * The Idempotency-Key a request runs under (set by plugins/idempotency.ts around the handler),
 * read by the unit of work so that every write transaction also marks the key as committed.
 */
export interface IdempotencyScope {
  owner: IdempotencyOwner
  key: string
  committed: boolean
  /** The first entity the write's transaction audited (services/audit.ts), recorded with `committed`. */
  entity?: { type: string; id: string } | undefined
}

export const idempotencyContext = new AsyncLocalStorage<IdempotencyScope>()

/** The write under way is about this entity (the first one named wins: the create, not its side effects). */
export function noteIdempotentEntity(type: string, id: string | null | undefined): void {
  const scope = idempotencyContext.getStore()
  if (scope && !scope.entity && id) scope.entity = { type, id }
}
