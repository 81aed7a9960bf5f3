import { randomUUID } from 'node:crypto'
import type { CommentChanges, CommentRecord, CommentStatus } from '../../db/repositories/comments.js'
import type { Repositories, UnitOfWork } from '../../db/repositories/index.js'
import { AppError } from '../../errors.js'
import type { Clock } from '../../lib/clock.js'
import { pageModeResult, type PageResult } from '../../lib/pagination.js'
import type { AdminCommentBody } from '../../schemas/comments.js'
import type { Actor } from '../actor.js'
import { audit } from '../audit.js'
import type { ContentEvents } from '../events.js'
import type { Permalinks } from '../permalinks.js'
import { checkVersion, type Precondition } from '../preconditions.js'
import { commentCreatedEvent, queueWebhookEvent } from '../webhook-events.js'
import { AKISMET_FEEDBACK_TOPIC } from './feedback.js'
import { cleanBody, cleanLine, normaliseEmail } from './policy.js'
import { placeReply } from './public.js'
import { presentAdminComment, presentSubmitted } from './present.js'

/** A status to set, or `restore`: back to what the comment was before it went to spam or trash (pending if unknown). */
export type StatusCommand = CommentStatus | 'restore'

export interface ModerationQuery {
  status?: CommentStatus[] | undefined
  article?: string | undefined
  q?: string | undefined
  page?: number | undefined
  limit?: number | undefined
}

export interface CommentEdit {
  status?: StatusCommand | undefined
  body?: string | undefined
  author_name?: string | undefined
  author_website?: string | null | undefined
}

export type BulkOutcome = { id: string; ok: true; status: CommentStatus } | { id: string; ok: false; code: string; detail: string }

export interface ModerationList extends Omit<PageResult<AdminCommentBody>, 'meta'> {
  meta: { limit: number; page: number; pages: number; total: number; counts: Record<CommentStatus, number> }
}

const EVENT_OF: Record<CommentStatus, string> = { approved: 'approved', pending: 'unapproved', spam: 'spam', trash: 'trashed' }
const VERB_OF: Record<CommentStatus, string> = { approved: 'Approved', pending: 'Unapproved', spam: 'Marked as spam', trash: 'Trashed' }
const HIDDEN: CommentStatus[] = ['spam', 'trash']

function notFound(): never {
  throw new AppError('NOT_FOUND', 'No comment has this id')
}

function invalid(field: string, reason: string): never {
  throw new AppError('VALIDATION_FAILED', `body.${field} ${reason}`, { invalidParams: [{ name: `body.${field}`, reason }] })
}

/**
 * Moderation: status changes, edits, staff replies, deletion and blocks. Every change runs in one
 * transaction with its audit entry and any Akismet correction (through the outbox); the article's
 * comment_count follows in that same transaction (the comments trigger), so it stays exact.
 */
export function createCommentModeration(deps: { uow: UnitOfWork; clock: Clock; events: ContentEvents; permalinks: Permalinks; akismetEnabled: boolean; kickOutbox: () => void }) {
  const { uow, clock, events, akismetEnabled, kickOutbox } = deps

  async function locked(repos: Repositories, id: string): Promise<CommentRecord> {
    const row = await repos.comments.lock(id)
    if (!row || row.deletedAt) notFound()
    return row
  }

  /**
   * Applies a status change to a locked comment. Tells Akismet when a moderator overrules it: spam
   * it called ham (submit-spam), or ham it called spam (submit-ham). Returns the new status, or
   * undefined when nothing changed.
   */
  async function applyStatus(repos: Repositories, actor: Actor, row: CommentRecord, command: StatusCommand, now: Date): Promise<CommentStatus | undefined> {
    const next: CommentStatus = command === 'restore' ? (HIDDEN.includes(row.status) ? (row.statusBefore ?? 'pending') : row.status) : command
    if (next === row.status) return undefined
    const changes: CommentChanges = { status: next, updatedAt: now, version: row.version + 1 }
    if (HIDDEN.includes(next)) {
      if (!HIDDEN.includes(row.status)) changes.statusBefore = row.status
    } else changes.statusBefore = null
    if (next === 'approved' && !row.approvedAt) changes.approvedAt = now
    const belief = row.akismetFeedback ?? (row.akismetResult === 'ham' || row.akismetResult === 'spam' ? row.akismetResult : null)
    const correction = next === 'spam' && belief === 'ham' ? 'spam' : next === 'approved' && belief === 'spam' ? 'ham' : undefined
    if (correction && akismetEnabled && !row.isStaff) {
      changes.akismetFeedback = correction
      await repos.outbox.enqueue({ topic: AKISMET_FEEDBACK_TOPIC, payload: { kind: correction, comment_id: row.id }, runAt: now })
    }
    await repos.comments.update(row.id, changes)
    await audit(repos, actor, {
      action: `comment.${next}`,
      entityType: 'comment',
      entityId: row.id,
      summary: `${VERB_OF[next]} comment by ${row.authorName} on "${row.articleTitle}"${correction ? ` (reported to Akismet as ${correction})` : ''}`,
      changes: { status: { from: row.status, to: next } },
    })
    return next
  }

  async function present(id: string): Promise<AdminCommentBody> {
    const row = await uow.repos.comments.findById(id)
    if (!row || row.deletedAt) notFound()
    return presentAdminComment(row, await deps.permalinks.get())
  }

  return {
    async list(query: ModerationQuery): Promise<ModerationList> {
      const limit = query.limit ?? 20
      const page = query.page ?? 1
      const paging = { limit, page, offset: (page - 1) * limit }
      // Like WordPress's "All": the queue and what is live; spam and trash only when asked for.
      const filter = { status: query.status ?? (['pending', 'approved'] as CommentStatus[]), article: query.article, q: query.q }
      const [rows, total, counts] = await Promise.all([
        uow.repos.comments.list(filter, paging),
        uow.repos.comments.count(filter),
        uow.repos.comments.countByStatus(filter),
      ])
      const links = await deps.permalinks.get()
      const result = pageModeResult(rows.map((row) => presentAdminComment(row, links)), paging, total)
      return { items: result.items, links: result.links, meta: { limit, page, pages: result.meta.pages ?? 1, total, counts } }
    },

    get: present,

    /**
     * PATCH: any of status, body, author name and website, in one transaction, only while the
     * comment is still at the version the moderator read (one write bumps it once, whatever it changes).
     */
    async update(actor: Actor, id: string, precondition: Precondition, edit: CommentEdit): Promise<AdminCommentBody> {
      const now = clock.now()
      const { changed, status } = await uow.transaction(async (repos) => {
        const row = await locked(repos, id)
        checkVersion('comment', row, precondition)
        const changes: CommentChanges = { updatedAt: now, version: row.version + 1 }
        const fields: string[] = []
        if (edit.body !== undefined) {
          changes.body = cleanBody(edit.body) || invalid('body', 'must contain text')
          fields.push('body')
        }
        if (edit.author_name !== undefined) {
          changes.authorName = cleanLine(edit.author_name) || invalid('author_name', 'must contain a name')
          fields.push('author_name')
        }
        if (edit.author_website !== undefined) {
          changes.authorWebsite = edit.author_website ? cleanLine(edit.author_website) || null : null
          fields.push('author_website')
        }
        if (fields.length > 0) {
          await repos.comments.update(id, changes)
          await audit(repos, actor, { action: 'comment.edit', entityType: 'comment', entityId: id, summary: `Edited comment by ${row.authorName} on "${row.articleTitle}"`, changes: { fields } })
        }
        const status = edit.status === undefined ? undefined : await applyStatus(repos, actor, row, edit.status, now)
        return { changed: fields.length > 0, status }
      })
      if (changed) events.emit({ kind: 'comment', action: 'updated', id })
      if (status) events.emit({ kind: 'comment', action: EVENT_OF[status], id })
      if (status) kickOutbox()
      return present(id)
    },

    /**
     * One status for many comments; each id succeeds or fails on its own. Like WordPress's bulk
     * actions it applies to each comment as it is now (a status command says where the comment goes,
     * not what it was): to act only on the copy you read, PATCH it with If-Match.
     */
    async bulk(actor: Actor, ids: string[], command: StatusCommand): Promise<BulkOutcome[]> {
      const outcomes: BulkOutcome[] = []
      for (const id of [...new Set(ids)]) {
        try {
          const now = clock.now()
          const { status, next } = await uow.transaction(async (repos) => {
            const row = await locked(repos, id)
            const next = await applyStatus(repos, actor, row, command, now)
            return { status: next ?? row.status, next }
          })
          if (next) events.emit({ kind: 'comment', action: EVENT_OF[next], id })
          outcomes.push({ id, ok: true, status })
        } catch (error) {
          if (!(error instanceof AppError)) throw error
          outcomes.push({ id, ok: false, code: error.code, detail: error.detail ?? error.message })
        }
      }
      kickOutbox()
      return outcomes
    },

    /** A staff reply is approved at once; replying to a pending comment approves it too (as in WordPress). */
    async reply(actor: Actor, parentId: string, input: { body: string }): Promise<AdminCommentBody> {
      const now = clock.now()
      const body = cleanBody(input.body) || invalid('body', 'must contain text')
      const id = randomUUID()
      const approvedParent = await uow.transaction(async (repos) => {
        const parent = await locked(repos, parentId)
        if (HIDDEN.includes(parent.status)) {
          throw new AppError('UNPROCESSABLE', `The comment is in ${parent.status}: restore it before replying to it`)
        }
        const approved = parent.status === 'pending' ? await applyStatus(repos, actor, parent, 'approved', now) : undefined
        const place = placeReply(parent)
        await repos.comments.insert({
          id,
          articleId: parent.articleId,
          parentId: place.parentId,
          rootId: place.rootId,
          depth: place.depth,
          authorName: actor.name,
          authorEmail: normaliseEmail(actor.email),
          authorWebsite: null,
          body,
          status: 'approved',
          isStaff: true,
          staffUserId: actor.id,
          createdAt: now,
          updatedAt: now,
          approvedAt: now,
        })
        await audit(repos, actor, { action: 'comment.reply', entityType: 'comment', entityId: id, summary: `Replied to ${parent.authorName} on "${parent.articleTitle}"` })
        const reply = { id, parentId: place.parentId, authorName: actor.name, authorEmail: normaliseEmail(actor.email), authorWebsite: null, body, createdAt: now, isStaff: true }
        await queueWebhookEvent(repos, now, commentCreatedEvent(
            presentSubmitted(reply, 'approved'),
            { id: parent.articleId, slug: parent.articleSlug, title: parent.articleTitle, sectionSlug: parent.articleSectionSlug, publishedAt: parent.articlePublishedAt },
            await deps.permalinks.within(repos),
          ),)
        return approved !== undefined
      })
      kickOutbox()
      if (approvedParent) events.emit({ kind: 'comment', action: 'approved', id: parentId })
      events.emit({ kind: 'comment', action: 'created', id })
      return present(id)
    },

    /**
     * Deletes for good (e.g. an erasure request). A comment with replies stays as a "[deleted]"
     * tombstone, its personal data and text erased, so the thread keeps its shape; a tombstone left
     * without replies goes too.
     */
    async delete(actor: Actor, id: string, precondition: Precondition): Promise<void> {
      const now = clock.now()
      await uow.transaction(async (repos) => {
        const row = await locked(repos, id)
        checkVersion('comment', row, precondition)
        if (await repos.comments.hasReplies(id)) {
          await repos.comments.update(id, { deletedAt: now, updatedAt: now, version: row.version + 1, body: '', authorName: '', authorEmail: '', authorWebsite: null, ip: null, userAgent: null, referrer: null, spamReasons: [] })
        } else {
          await repos.comments.delete(id)
          // Only tombstones are locked here (nothing else writes to them), so this cannot deadlock with a reply or moderation of a live parent.
          for (let parentId = row.parentId; parentId; ) {
            const peek = await repos.comments.findById(parentId)
            if (!peek?.deletedAt) break
            const parent = await repos.comments.lock(parentId)
            if (!parent || (await repos.comments.hasReplies(parent.id))) break
            await repos.comments.delete(parent.id)
            parentId = parent.parentId
          }
        }
        await audit(repos, actor, { action: 'comment.delete', entityType: 'comment', entityId: id, summary: `Deleted comment by ${row.authorName} on "${row.articleTitle}"` })
      })
      events.emit({ kind: 'comment', action: 'deleted', id })
    },
  }
}

export type CommentModeration = ReturnType<typeof createCommentModeration>
