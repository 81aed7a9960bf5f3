import { AsyncLocalStorage } from 'node:async_hooks'

/**
 * The Idempotency-Key a request runs under (set by plugins/idempotency.ts around the handler),
 * read by the unit of work so that every write transaction also marks the key as committed.
 */
export interface IdempotencyScope {
  userId: string
  key: string
  committed: boolean
}

export const idempotencyContext = new AsyncLocalStorage<IdempotencyScope>()
