import type { ArticleRecord } from '../../db/repositories/articles.js'
import type { Repositories } from '../../db/repositories/index.js'
import { AppError } from '../../errors.js'
import { forbid, isStaff, owns, type Actor } from '../actor.js'
import type { Precondition } from '../preconditions.js'
import type { ArticleInput } from './input.js'

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

/** Who an article belongs to: its creator and every author of its byline. */
export function ownership(row: ArticleRecord): { createdBy: string | null; authorIds: string[] } {
  return { createdBy: row.createdBy, authorIds: row.authors.length > 0 ? row.authors.map((a) => a.id) : [row.authorId] }
}

/** An article the actor may read (staff: any; others: their own), as the editor sees it. */
export async function loadArticle(repos: Repositories, actor: Actor, id: string): Promise<ArticleRecord> {
  const row = await repos.articles.findById(id)
  if (!row) throw new AppError('NOT_FOUND', 'No article has this id')
  if (!isStaff(actor) && !owns(actor, ownership(row))) forbid('You can only see your own articles')
  return row
}

/** What a contributor may edit: drafts, and articles the desk returned to them. */
const CONTRIBUTOR_EDITABLE = new Set(['draft', 'changes_requested'])

/**
 * A submitted article is the desk's until it is returned or approved: its writer can read it and
 * write in its thread, not change it.
 */
export function forbidWhileInReview(actor: Actor, current: ArticleRecord): void {
  if (!isStaff(actor) && current.status === 'in_review') {
    forbid('The article is in review: it is read-only to you until an editor returns it (changes_requested), schedules or publishes it')
  }
}

/** Who may write what: the role rules of the editorial workflow, in one place. */
export function authorize(actor: Actor, current: ArticleRecord | null, input: ArticleInput, authorIds: string[] | undefined): void {
  if (isStaff(actor)) return
  if (current && !owns(actor, ownership(current))) forbid('You can only edit your own articles')
  if (current) forbidWhileInReview(actor, current)
  if (input.status === 'changes_requested') forbid('Only editors can request changes')
  if (input.assignee !== undefined) forbid('Only editors can assign articles')
  if (input.featured !== undefined || input.breaking_until !== undefined) forbid('Only editors can feature an article or mark it breaking')
  if (input.author !== undefined && authorIds?.[0] !== actor.authorId) forbid('You write under your own byline; only editors can set another author')
  // An author may share the byline (add co-authors) but not leave it: the article would stop being theirs.
  if (input.authors !== undefined && (actor.authorId === null || !authorIds?.includes(actor.authorId))) forbid('Your own byline must stay in `authors`; only editors can set a byline without you')
  if (actor.role === 'contributor') {
    if (current && !CONTRIBUTOR_EDITABLE.has(current.status)) forbid('Contributors can only edit drafts and articles returned to them; this article is ' + current.status)
    if (input.status !== undefined && input.status !== 'draft' && input.status !== 'in_review') {
      forbid('Contributors cannot publish, schedule or archive: submit the article for review with status "in_review"')
    }
    if (input.published_at !== undefined) forbid('Contributors cannot set published_at')
    if (input.author !== undefined) forbid('Contributors cannot set the author')
    if (input.authors !== undefined) forbid('Contributors cannot set the byline')
  }
}
