import { AsyncLocalStorage } from 'node:async_hooks'

/**
 * Which database a public read may use. A request that can tolerate a slightly stale answer
 * (anonymous GETs of public content) runs inside `allowReplicaReads`; everything else — writes,
 * admin and authenticated reads, previews, background workers — never does, so it reads the
 * primary and always sees its own writes.
 */
const context = new AsyncLocalStorage<{ replica: true }>()

export function allowReplicaReads<T>(fn: () => T): T {
  return context.run({ replica: true }, fn)
}

export function replicaReadsAllowed(): boolean {
  return context.getStore()?.replica === true
}

type Methods = Record<string, (...args: unknown[]) => unknown>

/**
 * A repository whose every method runs on `replica` when `useReplica()` says so at call time, else
 * on `primary`. Both are full repositories bound to their own database, so each keeps its own
 * prepared statements (PostgreSQL prepares them per connection, hence per pool). A read the
 * replica fails (down, restarting, a query cancelled by WAL replay) is retried on the primary: a
 * replica outage costs capacity, not answers.
 */
export function routeReads<T extends object>(primary: T, replica: T, useReplica: () => boolean): T {
  if (primary === replica) return primary
  const onPrimary = primary as Methods
  const onReplica = replica as Methods
  const routed: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(primary)) {
    routed[key] =
      typeof value === 'function'
        ? (...args: unknown[]) => {
            if (!useReplica()) return onPrimary[key]!(...args)
            const result = onReplica[key]!(...args)
            return result instanceof Promise ? result.catch(() => onPrimary[key]!(...args)) : result
          }
        : value
  }
  return routed as T
}
