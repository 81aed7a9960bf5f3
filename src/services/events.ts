/**
 * The one content-change signal. Services emit after their transaction commits; in-process caches
 * (and, later, webhooks and cross-process notification) listen. Emitting never throws: a failing
 * listener is reported to `onError`, not to the writer whose change already happened.
 */
export type ContentKind = 'article' | 'section' | 'tag' | 'author' | 'page' | 'settings' | 'collection' | 'comment' | 'subscriber'

export interface ContentChange {
  kind: ContentKind
  action: string
  id?: string | undefined
  /** False when nothing public changed (a comment held for moderation, a subscriber): caches stay. */
  publicChange?: false
}

/** Whether a change can alter any public response (and so must empty the caches everywhere). */
export function changesPublicContent(change: ContentChange): boolean {
  return change.publicChange !== false && change.kind !== 'subscriber'
}

export type ContentListener = (change: ContentChange) => void

export interface ContentEvents {
  emit(change: ContentChange): void
  on(listener: ContentListener): () => void
}

export function createContentEvents(onError: (error: unknown) => void = () => {}): ContentEvents {
  const listeners = new Set<ContentListener>()
  return {
    emit(change) {
      for (const listener of listeners) {
        try {
          listener(change)
        } catch (error) {
          onError(error)
        }
      }
    },
    on(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  }
}
