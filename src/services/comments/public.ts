import { randomUUID } from 'node:crypto'
import { isForeignKeyViolation } from '../../db/errors.js'
import type { CommentableArticle, CommentRow } from '../../db/repositories/comments.js'
import type { Repositories, UnitOfWork } from '../../db/repositories/index.js'
import { AppError } from '../../errors.js'
import type { Clock } from '../../lib/clock.js'
import { pageModeResult, type PageResult } from '../../lib/pagination.js'
import type { CommentThreadMetaBody, PublicCommentBody, SubmittedCommentBody } from '../../schemas/comments.js'
import type { ContentEvents } from '../events.js'
import type { Permalinks } from '../permalinks.js'
import { commentCreatedEvent, queueWebhookEvent } from '../webhook-events.js'
import { cleanBody, cleanHeader, cleanLine, commentsCloseAt, commentsOpenAt, MAX_THREAD_DEPTH, normaliseEmail } from './policy.js'
import { presentPublicComment, presentSubmitted, presentTombstone } from './present.js'
import type { SpamPipeline } from './spam.js'

export interface CommentInput {
  author_name: string
  author_email: string
  author_website?: string | null | undefined
  body: string
  parent_id?: string | null | undefined
  honeypot?: string | null | undefined
}

/** What the request says about its sender (for Akismet and moderators), as received. */
export interface RequestFacts {
  ip: string
  userAgent: string | string[] | undefined
  referrer: string | string[] | undefined
}

export type ThreadResult = { kind: 'thread'; articleId: string; /** When comments_open turns false by age (ms). */ changesAt?: number | undefined; result: PageResult<PublicCommentBody> & { meta: CommentThreadMetaBody } } | { kind: 'redirect'; slug: string }

export interface SubmitResult {
  comment: SubmittedCommentBody
  /** Stored and visible now (201) or held (202). */
  visible: boolean
}

/** Where a reply goes: under its parent, or beside it once the thread is as deep as it may get (as WordPress does). */
export function placeReply(parent: Pick<CommentRow, 'id' | 'parentId' | 'rootId' | 'depth'>): { parentId: string; rootId: string; depth: number } {
  if (parent.depth + 1 < MAX_THREAD_DEPTH || parent.parentId === null) return { parentId: parent.id, rootId: parent.rootId, depth: parent.depth + 1 }
  return { parentId: parent.parentId, rootId: parent.rootId, depth: parent.depth }
}

const isVisible = (row: Pick<CommentRow, 'status' | 'deletedAt'>) => row.status === 'approved' && row.deletedAt === null

/** Builds the nested thread; a hidden comment stays (as a tombstone) only while a visible reply hangs below it. */
export function buildThread(rootIds: string[], nodes: CommentRow[]): PublicCommentBody[] {
  const children = new Map<string, CommentRow[]>()
  const byId = new Map<string, CommentRow>()
  for (const node of nodes) {
    byId.set(node.id, node)
    if (node.parentId) children.set(node.parentId, [...(children.get(node.parentId) ?? []), node])
  }
  const render = (row: CommentRow): PublicCommentBody | undefined => {
    const replies = (children.get(row.id) ?? []).map(render).filter((r): r is PublicCommentBody => r !== undefined)
    if (isVisible(row)) return presentPublicComment(row, replies)
    return replies.length > 0 ? presentTombstone(row, replies) : undefined
  }
  return rootIds.map((id) => byId.get(id)).flatMap((row) => (row ? (render(row) ?? []) : []))
}

function invalid(field: string, reason: string): never {
  throw new AppError('VALIDATION_FAILED', `body.${field} ${reason}`, { invalidParams: [{ name: `body.${field}`, reason }] })
}

export function createCommentService(deps: {
  uow: UnitOfWork
  clock: Clock
  events: ContentEvents
  pipeline: SpamPipeline
  permalinks: Permalinks
  closeAfterDays: number
  log?: { info(obj: object, msg: string): void }
  /** Deliver queued webhooks now rather than at the next poll. */
  kickOutbox?: () => void
}) {
  const { uow, clock, events, pipeline, permalinks, closeAfterDays } = deps

  /** A public article by slug, following an old slug to the article's current one. */
  async function findArticle(repos: Repositories, slug: string, now: Date): Promise<{ article: CommentableArticle; movedTo?: string } | undefined> {
    const article = await repos.comments.findPublicArticle(slug, now)
    if (article) return { article }
    const moved = await repos.articleReads.findRedirect(slug)
    const target = moved && moved !== slug ? await repos.comments.findPublicArticle(moved, now) : undefined
    return target ? { article: target, movedTo: target.slug } : undefined
  }

  const noArticle = (slug: string) => new AppError('NOT_FOUND', `No published article has the slug "${slug}"`)

  return {
    async thread(slug: string, query: { page?: number | undefined; limit?: number | undefined }): Promise<ThreadResult> {
      const now = clock.now()
      const found = await findArticle(uow.repos, slug, now)
      if (!found) throw noArticle(slug)
      if (found.movedTo) return { kind: 'redirect', slug: found.movedTo }
      const { article } = found
      const limit = query.limit ?? 20
      const page = query.page ?? 1
      const paging = { limit, page, offset: (page - 1) * limit }
      const [rootIds, total] = await Promise.all([uow.repos.comments.threadRoots(article.id, paging), uow.repos.comments.countThreads(article.id)])
      const items = buildThread(rootIds, await uow.repos.comments.threadNodes(rootIds))
      const result = pageModeResult(items, paging, total)
      const meta: CommentThreadMetaBody = {
        limit,
        page,
        pages: result.meta.pages ?? 1,
        total,
        comment_count: article.commentCount,
        comments_open: commentsOpenAt(article, now, closeAfterDays),
        max_depth: MAX_THREAD_DEPTH,
      }
      return { kind: 'thread', articleId: article.id, changesAt: commentsCloseAt(article, closeAfterDays), result: { ...result, meta } }
    },

    /**
     * A reader's comment: checked by the spam pipeline, then stored as approved, pending or spam.
     * Akismet's "discard" spam is answered like any spam but not stored.
     */
    async submit(slug: string, input: CommentInput, facts: RequestFacts): Promise<SubmitResult> {
      const now = clock.now()
      const found = await findArticle(uow.repos, slug, now)
      if (!found) throw noArticle(slug)
      const { article } = found
      if (!commentsOpenAt(article, now, closeAfterDays)) throw new AppError('COMMENTS_CLOSED', 'Comments are closed for this article')

      const authorName = cleanLine(input.author_name)
      if (!authorName) invalid('author_name', 'must contain a name')
      const body = cleanBody(input.body)
      if (!body) invalid('body', 'must contain text')
      const authorWebsite = input.author_website ? cleanLine(input.author_website) || null : null
      const authorEmail = normaliseEmail(input.author_email)

      let place = { parentId: null as string | null, depth: 0, rootId: '' }
      if (input.parent_id) {
        const parent = await uow.repos.comments.findById(input.parent_id)
        if (!parent || parent.articleId !== article.id || !isVisible(parent)) {
          throw new AppError('NOT_FOUND', 'No visible comment with this parent_id on this article', { invalidParams: [{ name: 'body.parent_id', reason: 'unknown comment' }] })
        }
        place = placeReply(parent)
      }

      // Headers are the sender's to choose: cleaned and capped before they are stored or sent on.
      const ip = cleanHeader(facts.ip, 100)
      const userAgent = cleanHeader(facts.userAgent, 1000)
      const referrer = cleanHeader(facts.referrer, 2000)
      const links = await permalinks.get()
      const verdict = await pipeline.check({
        articleId: article.id,
        authorName,
        authorEmail,
        authorWebsite,
        body,
        honeypot: input.honeypot ?? null,
        ip,
        userAgent,
        referrer,
        permalink: links.articleIfDated(article) ?? links.home,
        blog: links.home,
        isReply: place.parentId !== null,
        createdAt: now,
      })

      const id = randomUUID()
      const row = { id, parentId: place.parentId, authorName, authorEmail, authorWebsite, body, createdAt: now, isStaff: false }
      if (verdict.discard) {
        deps.log?.info({ articleId: article.id, reasons: verdict.reasons }, 'comment discarded (Akismet pro-tip)')
        return { comment: presentSubmitted(row, 'spam'), visible: false }
      }
      const visible = verdict.status === 'approved'
      try {
        await uow.transaction(async (repos) => {
          await repos.comments.insert({
            ...row,
            articleId: article.id,
            rootId: place.parentId ? place.rootId : id,
            depth: place.depth,
            status: verdict.status,
            ip: ip || null,
            userAgent: userAgent || null,
            referrer: referrer || null,
            spamReasons: verdict.reasons,
            akismetResult: verdict.akismet,
            updatedAt: now,
            approvedAt: verdict.status === 'approved' ? now : null,
          })
          await queueWebhookEvent(repos, now, commentCreatedEvent(presentSubmitted(row, verdict.status), article, links))
        })
      } catch (error) {
        // The article or the parent was deleted while the pipeline ran.
        if (isForeignKeyViolation(error)) throw new AppError('NOT_FOUND', 'The article or the comment replied to no longer exists')
        throw error
      }
      events.emit({ kind: 'comment', action: 'created', id, ...(visible ? {} : { publicChange: false as const }) })
      deps.kickOutbox?.()
      return { comment: presentSubmitted(row, verdict.status), visible }
    },
  }
}

export type CommentService = ReturnType<typeof createCommentService>
