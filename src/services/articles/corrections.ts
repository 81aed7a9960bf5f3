import type { CorrectionKind, CorrectionRow } from '../../db/repositories/corrections.js'
import type { Repositories, UnitOfWork } from '../../db/repositories/index.js'
import { AppError } from '../../errors.js'
import type { Clock } from '../../lib/clock.js'
import { parseStrictDate } from '../../lib/dates.js'
import { pageModeResult, resolvePaging, type PagingQuery } from '../../lib/pagination.js'
import type { Actor } from '../actor.js'
import { audit } from '../audit.js'
import type { ContentEvents } from '../events.js'
import type { Permalinks } from '../permalinks.js'
import type { Precondition } from '../preconditions.js'
import { queueArticleWebhooks } from './effects.js'
import { articleSnapshot } from './present-admin.js'
import { checkPrecondition, loadArticle, unprocessable } from './rules.js'
import { isPublicState } from './workflow.js'

export interface CorrectionInput {
  kind: CorrectionKind
  text: string
  /** When it took effect; now when omitted. Never in the future. */
  at?: string | undefined
}

export function presentCorrection(row: Pick<CorrectionRow, 'id' | 'kind' | 'text' | 'at'>) {
  return { id: row.id, kind: row.kind, text: row.text, at: row.at.toISOString() }
}

/**
 * Corrections, updates and clarifications: public notes an editor appends to a published article.
 * They are part of the article's versioned state — adding or editing one needs the article's
 * If-Match, bumps its version and updated_at, saves a revision (so an edited note keeps its
 * earlier wording in the history) and sends `article.updated` like any public edit.
 */
export function createCorrections(deps: { uow: UnitOfWork; clock: Clock; events: ContentEvents; publicUrl: string; permalinks: Permalinks; kickOutbox: () => void }) {
  const { uow, clock } = deps

  /** Runs `write` on a locked, public article at the expected version, then records the new version. */
  async function onArticle(actor: Actor, articleId: string, precondition: Precondition, write: (repos: Repositories, now: Date) => Promise<CorrectionRow>, describe: (row: CorrectionRow) => string) {
    const result = await uow.transaction(async (repos) => {
      if (!(await repos.articles.lockById(articleId))) throw new AppError('NOT_FOUND', 'No article has this id')
      const current = await loadArticle(repos, actor, articleId)
      checkPrecondition(current, precondition)
      const now = clock.now()
      if (!isPublicState({ status: current.status, publishedAt: current.publishedAt }, now)) {
        unprocessable('kind', `Corrections are appended to published articles; this one is ${current.status}. Edit the article itself instead`)
      }
      const row = await write(repos, now)
      const version = await repos.articles.update(articleId, current.version, { updatedAt: now })
      if (version === undefined) throw new AppError('PRECONDITION_FAILED', 'The article changed while saving; reload it')
      const saved = (await repos.articles.findById(articleId))!
      await repos.articles.insertRevision({ articleId, version: saved.version, snapshot: articleSnapshot(saved), createdBy: actor.id })
      await queueArticleWebhooks(repos, current, saved, { publicUrl: deps.publicUrl, permalinks: deps.permalinks, now })
      await audit(repos, actor, { action: 'article.correction', entityType: 'article', entityId: articleId, summary: `${describe(row)} on "${saved.title}" (v${saved.version})`, changes: { correction_id: row.id, kind: row.kind, version: saved.version } })
      return { row, version: saved.version }
    })
    deps.events.emit({ kind: 'article', action: 'updated', id: articleId })
    deps.kickOutbox()
    return { data: presentCorrection(result.row), version: result.version }
  }

  const effectiveAt = (at: string | undefined, now: Date): Date => {
    if (at === undefined) return now
    const date = parseStrictDate(at) ?? unprocessable('at', 'is not a valid date-time')
    if (date.getTime() > now.getTime()) unprocessable('at', 'is in the future: a correction takes effect when it is made')
    return date
  }

  return {
    add(actor: Actor, articleId: string, precondition: Precondition, input: CorrectionInput) {
      const text = input.text.trim()
      return onArticle(
        actor,
        articleId,
        precondition,
        (repos, now) => repos.corrections.insert({ articleId, kind: input.kind, text, at: effectiveAt(input.at, now), createdBy: actor.id, createdAt: now, updatedAt: now }),
        (row) => `Added a ${row.kind}`,
      )
    },

    edit(actor: Actor, articleId: string, correctionId: string, precondition: Precondition, input: Partial<Pick<CorrectionInput, 'kind' | 'text'>>) {
      return onArticle(
        actor,
        articleId,
        precondition,
        async (repos, now) => {
          const changes = { ...(input.kind !== undefined ? { kind: input.kind } : {}), ...(input.text !== undefined ? { text: input.text.trim() } : {}), updatedAt: now }
          return (await repos.corrections.update(articleId, correctionId, changes)) ?? notFound()
        },
        (row) => `Edited a ${row.kind}`,
      )
    },

    /** The newsroom's transparency page: every public article's notes, newest first. */
    async listPublic(query: PagingQuery) {
      const paging = resolvePaging(query, { allowCursor: false })
      const offset = paging.mode === 'page' ? paging.offset : 0
      const page = paging.mode === 'page' ? paging.page : 1
      const now = clock.now()
      const [rows, total, links] = await Promise.all([
        uow.repos.corrections.listPublic(now, { limit: paging.limit, offset }),
        uow.repos.corrections.countPublic(now),
        deps.permalinks.get(),
      ])
      const result = pageModeResult(rows, { limit: paging.limit, page, offset }, total)
      return {
        ...result,
        items: result.items.map((row) => ({
          ...presentCorrection(row),
          article: {
            id: row.articleId,
            slug: row.articleSlug,
            title: row.articleTitle,
            url: links.article({ id: row.articleId, slug: row.articleSlug, publishedAt: row.articlePublishedAt, sectionSlug: row.sectionSlug }),
            published_at: row.articlePublishedAt.toISOString(),
          },
        })),
      }
    },
  }
}

function notFound(): never {
  throw new AppError('NOT_FOUND', 'The article has no correction with this id')
}

export type Corrections = ReturnType<typeof createCorrections>
