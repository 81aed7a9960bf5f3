import { AppError } from '../errors.js'

/** The version a write expects (`*` = any), and where the client said it. */
export interface Precondition {
  version: number | '*'
  via: 'if-match' | 'body'
}

/**
 * The one optimistic-concurrency rule of every editable resource: the write names the version it
 * was based on (If-Match, or a `version` body field), `*` meaning any. A stale If-Match is 412, a
 * stale body version 409 `VERSION_CONFLICT`. Repositories then write only while the row is still
 * at that version (`where version = …`), so a concurrent writer that passed this check loses too.
 */
export function checkVersion(kind: string, current: { version: number }, precondition: Precondition): void {
  if (precondition.version === '*' || precondition.version === current.version) return
  throw new AppError(
    precondition.via === 'if-match' ? 'PRECONDITION_FAILED' : 'VERSION_CONFLICT',
    precondition.version < 0
      ? `The ${kind} is at version ${current.version}; your If-Match names none of its versions (send the ETag of your last read)`
      : `The ${kind} is at version ${current.version}; your copy is version ${precondition.version}`,
  )
}

/** The version a conditional write expects: the one checked, or the current one for `*`. */
export const expectedVersion = (current: { version: number }, precondition: Precondition): number =>
  precondition.version === '*' ? current.version : precondition.version

export function changedMeanwhile(kind: string): never {
  throw new AppError('PRECONDITION_FAILED', `The ${kind} changed meanwhile: read it again`)
}
