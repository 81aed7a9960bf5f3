import { AppError } from '../errors.js'

export const ROLES = ['admin', 'editor', 'author', 'contributor'] as const
export type Role = (typeof ROLES)[number]

/** Who is making an authenticated request, as loaded from the database (not trusted from the token). */
export interface Actor {
  id: string
  email: string
  name: string
  role: Role
  authorId: string | null
  requestId?: string | undefined
}

/** Admins and editors handle all content; authors and contributors only their own. */
export function isStaff(actor: Actor): boolean {
  return actor.role === 'admin' || actor.role === 'editor'
}

/** Their own: they created it, or their author profile is in its byline (first author or co-author). */
export function owns(actor: Actor, resource: { createdBy: string | null; authorIds: readonly string[] }): boolean {
  return resource.createdBy === actor.id || (actor.authorId !== null && resource.authorIds.includes(actor.authorId))
}

export function forbid(detail: string): never {
  throw new AppError('FORBIDDEN', detail)
}
