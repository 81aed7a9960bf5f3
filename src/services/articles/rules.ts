import type { ArticleRecord } from '../../db/repositories/articles.js'
import { AppError } from '../../errors.js'
import { forbid, isStaff, owns, type Actor } from '../actor.js'
import type { ArticleInput, Precondition } from './editor.js'

const AUTO_EXCERPT_LENGTH = 220

/** An excerpt from the body when the editor gave none: whole words, about 220 characters. */
export function autoExcerpt(text: string): string {
  if (text.length <= AUTO_EXCERPT_LENGTH) return text
  const cut = text.slice(0, AUTO_EXCERPT_LENGTH)
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), 100))}…`
}

export function unprocessable(field: string, detail: string): never {
  throw new AppError('UNPROCESSABLE', detail, { invalidParams: [{ name: `body.${field}`, reason: detail }] })
}

export function checkPrecondition(current: { version: number }, precondition: Precondition): void {
  if (precondition.version === '*' || precondition.version === current.version) return
  const detail = `The article is at version ${current.version}; your copy is version ${precondition.version}. Reload it and reapply your change.`
  throw new AppError(precondition.via === 'if-match' ? 'PRECONDITION_FAILED' : 'VERSION_CONFLICT', detail)
}

/** Who may write what: the role rules of the editorial workflow, in one place. */
export function authorize(actor: Actor, current: ArticleRecord | null, input: ArticleInput, authorId: string | undefined): void {
  if (isStaff(actor)) return
  if (current && !owns(actor, current)) forbid('You can only edit your own articles')
  if (authorId !== undefined && authorId !== actor.authorId) forbid('You write under your own byline; only editors can set another author')
  if (actor.role === 'contributor') {
    if (current && current.status !== 'draft') forbid('Contributors can only edit drafts; this article is ' + current.status)
    if (input.status !== undefined && input.status !== 'draft') forbid('Contributors cannot publish, schedule or archive')
    if (input.published_at !== undefined) forbid('Contributors cannot set published_at')
    if (input.author !== undefined) forbid('Contributors cannot set the author')
  }
}
