import type { ArticleRecord } from '../../db/repositories/articles.js'
import type { Repositories, UnitOfWork } from '../../db/repositories/index.js'
import { AppError } from '../../errors.js'
import type { Clock } from '../../lib/clock.js'
import { pageModeResult, resolvePaging, type PageResult } from '../../lib/pagination.js'
import { slugify, uniqueSlug } from '../../lib/slugify.js'
import type { AdminArticleBody } from '../../schemas/admin.js'
import { forbid, isStaff, type Actor } from '../actor.js'
import { audit } from '../audit.js'
import type { ContentEvents } from '../events.js'
import type { Permalinks } from '../permalinks.js'
import type { Precondition } from '../preconditions.js'
import { queueArticleWebhooks, reviewStep } from './effects.js'
import type { AdminArticleQuery, ArticleInput, PreviewSigner } from './input.js'
import { articleSnapshot, presentAdminArticle } from './present-admin.js'
import { checkPrecondition, forbidWhileInReview, loadArticle, unprocessable } from './rules.js'
import { applyRelations, articleValues } from './values.js'

/*
 * The editor's article service: create, update, delete, restore, preview and the admin reads.
 * What a write is made of lives beside it: input.ts (what it may say), values.ts (input → columns
 * and related rows), rules.ts (who may do what), effects.ts (webhooks and review emails).
 */

export function createArticleEditor(deps: {
  uow: UnitOfWork
  clock: Clock
  events: ContentEvents
  publicUrl: string
  permalinks: Permalinks
  previews: PreviewSigner
  kickOutbox: () => void
}) {
  const { uow, clock, events, publicUrl, previews, permalinks } = deps
  const changed = (action: string, id: string) => {
    events.emit({ kind: 'article', action, id })
    deps.kickOutbox()
  }
  const present = async (row: ArticleRecord) => presentAdminArticle(row, { publicUrl, now: clock.now(), links: await permalinks.get() })

  const load = loadArticle
  /** Where a write's webhooks and review emails are built, at the time of each call (as the clock says then). */
  const effects = () => ({ publicUrl, permalinks, now: clock.now() })

  async function saveRevision(repos: Repositories, actor: Actor, articleId: string): Promise<ArticleRecord> {
    const row = (await repos.articles.findById(articleId))!
    await repos.articles.insertRevision({ articleId, version: row.version, snapshot: articleSnapshot(row), createdBy: actor.id })
    return row
  }

  async function update(repos: Repositories, actor: Actor, id: string, precondition: Precondition, input: ArticleInput, action = 'article.update') {
    if (!(await repos.articles.lockById(id))) throw new AppError('NOT_FOUND', 'No article has this id')
    const current = await load(repos, actor, id)
    checkPrecondition(current, precondition)
    const { values, bodyMediaIds, authorIds } = await articleValues(repos, actor, current, input, clock.now())
    if (input.slug !== undefined && input.slug !== current.slug) {
      if (await repos.articles.slugTaken(input.slug, id)) throw new AppError('SLUG_TAKEN', `Another article uses the slug "${input.slug}"`)
      values.slug = input.slug
      await repos.articles.removeRedirect(input.slug)
      await repos.articles.addRedirect(current.slug, id)
    }
    values.updatedAt = clock.now()
    const version = await repos.articles.update(id, current.version, values)
    if (version === undefined) throw new AppError('PRECONDITION_FAILED', 'The article changed while saving; reload it')
    await applyRelations(repos, id, input, bodyMediaIds, authorIds)
    const saved = await saveRevision(repos, actor, id)
    await queueArticleWebhooks(repos, current, saved, effects())
    const noteId = await reviewStep(repos, actor, current, saved, input.note, effects())
    const changed = Object.keys(input)
    await audit(repos, actor, {
      action: current.status !== saved.status ? `article.${saved.status}` : action,
      entityType: 'article',
      entityId: id,
      summary: `${action === 'article.restore' ? 'Restored' : 'Updated'} "${saved.title}" (v${saved.version}): ${changed.join(', ') || 'no fields'}`,
      changes: {
        fields: changed,
        from_status: current.status,
        to_status: saved.status,
        version: saved.version,
        ...(input.assignee !== undefined ? { assignee: { from: current.assigneeId, to: saved.assigneeId } } : {}),
        ...(noteId ? { note_id: noteId } : {}),
      },
    })
    return saved
  }

  return {
    async list(actor: Actor, query: AdminArticleQuery): Promise<PageResult<AdminArticleBody>> {
      const paging = resolvePaging(query, { allowCursor: false })
      const offset = paging.mode === 'page' ? paging.offset : 0
      const page = paging.mode === 'page' ? paging.page : 1
      const filter = {
        status: query.status,
        section: query.section,
        author: query.author,
        q: query.q,
        assigneeId: query.assignee === 'me' ? actor.id : query.assignee,
        ownedBy: isStaff(actor) ? undefined : { userId: actor.id, authorId: actor.authorId },
      }
      // The review queue (only in_review asked for) reads oldest submission first.
      const order = query.status?.length && query.status.every((s) => s === 'in_review') ? 'submitted' : 'updated'
      const [rows, total] = await Promise.all([
        uow.repos.articles.list(filter, { limit: paging.limit, offset }, order),
        uow.repos.articles.count(filter),
      ])
      const result = pageModeResult(rows, { limit: paging.limit, page, offset }, total)
      const presentation = { publicUrl, now: clock.now(), links: await permalinks.get() }
      return { ...result, items: result.items.map((row) => presentAdminArticle(row, presentation)) }
    },

    async get(actor: Actor, id: string): Promise<AdminArticleBody> {
      return present(await load(uow.repos, actor, id))
    },

    async create(actor: Actor, input: ArticleInput & { title: string; section: string }): Promise<AdminArticleBody> {
      const saved = await uow.transaction(async (repos) => {
        const { values, bodyMediaIds, authorIds } = await articleValues(repos, actor, null, input, clock.now())
        const authorId = values.authorId ?? actor.authorId ?? unprocessable('author', 'Your account has no author profile: name an author')
        let slug = input.slug
        if (slug !== undefined) {
          if (await repos.articles.slugTaken(slug)) throw new AppError('SLUG_TAKEN', `Another article uses the slug "${slug}"`)
        } else {
          slug = await uniqueSlug(slugify(input.title), (s) => repos.articles.slugTaken(s))
        }
        await repos.articles.removeRedirect(slug)
        const now = clock.now()
        const id = await repos.articles.insert({
          ...values,
          slug,
          title: values.title ?? input.title,
          sectionId: values.sectionId!,
          authorId,
          createdBy: actor.id,
          createdAt: now,
          updatedAt: now,
        })
        await applyRelations(repos, id, input, bodyMediaIds, authorIds)
        const row = await saveRevision(repos, actor, id)
        await queueArticleWebhooks(repos, null, row, effects())
        const noteId = await reviewStep(repos, actor, null, row, input.note, effects())
        await audit(repos, actor, {
          action: 'article.create',
          entityType: 'article',
          entityId: id,
          summary: `Created "${row.title}" as ${row.status}`,
          changes: { to_status: row.status, version: row.version, ...(noteId ? { note_id: noteId } : {}) },
        })
        return row
      })
      changed('created', saved.id)
      return present(saved)
    },

    async update(actor: Actor, id: string, precondition: Precondition, input: ArticleInput): Promise<AdminArticleBody> {
      const saved = await uow.transaction((repos) => update(repos, actor, id, precondition, input))
      changed('updated', id)
      return present(saved)
    },

    async delete(actor: Actor, id: string, precondition: Precondition): Promise<void> {
      await uow.transaction(async (repos) => {
        if (!(await repos.articles.lockById(id))) throw new AppError('NOT_FOUND', 'No article has this id')
        const current = await load(repos, actor, id)
        forbidWhileInReview(actor, current)
        if (actor.role === 'contributor' && current.status !== 'draft' && current.status !== 'changes_requested') forbid('Contributors can only delete their own drafts')
        checkPrecondition(current, precondition)
        if (!(await repos.articles.delete(id, current.version))) throw new AppError('PRECONDITION_FAILED', 'The article changed meanwhile')
        await queueArticleWebhooks(repos, current, null, effects())
        await audit(repos, actor, { action: 'article.delete', entityType: 'article', entityId: id, summary: `Deleted "${current.title}" (${current.status})`, changes: { snapshot: articleSnapshot(current) } })
      })
      changed('deleted', id)
    },

    async revisions(actor: Actor, id: string) {
      await load(uow.repos, actor, id)
      return (await uow.repos.articles.listRevisions(id)).map((r) => ({
        version: r.version,
        created_at: r.createdAt.toISOString(),
        created_by: r.createdById ? { id: r.createdById, name: r.createdByName ?? '' } : null,
        title: String(r.snapshot.title ?? ''),
        status: String(r.snapshot.status ?? ''),
      }))
    },

    async revision(actor: Actor, id: string, version: number) {
      await load(uow.repos, actor, id)
      const r = await uow.repos.articles.findRevision(id, version)
      if (!r) throw new AppError('NOT_FOUND', `The article has no version ${version}`)
      return {
        version: r.version,
        created_at: r.createdAt.toISOString(),
        created_by: r.createdById ? { id: r.createdById, name: r.createdByName ?? '' } : null,
        snapshot: r.snapshot,
      }
    },

    /** Makes an earlier version current again, as a new version (history is never rewritten). */
    async restore(actor: Actor, id: string, version: number, precondition: Precondition): Promise<AdminArticleBody> {
      const saved = await uow.transaction(async (repos) => {
          const revision = await repos.articles.findRevision(id, version)
          if (!revision) throw new AppError('NOT_FOUND', `The article has no version ${version}`)
          const snapshot = revision.snapshot as unknown as ArticleInput
          const input: ArticleInput = { ...snapshot }
          // The workflow state is not rolled back: restoring the text of v3 does not unpublish the article.
          delete input.status
          delete input.published_at
          // Nor is its placement: an old pick or a breaking flag long expired stays as it is now.
          delete input.featured
          delete input.breaking_until
          // Snapshots name the whole byline (`authors`); older ones only `author`.
          if (input.authors !== undefined) delete input.author
          // Corrections are never rolled back: they stay as they are.
          delete (input as { corrections?: unknown }).corrections
          if (!isStaff(actor)) {
            delete input.author
            delete input.authors
          }
          return update(repos, actor, id, precondition, input, 'article.restore')
        })
      changed('updated', id)
      return present(saved)
    },

    async preview(actor: Actor, id: string): Promise<{ token: string; url: string; expires_at: string }> {
      const row = await load(uow.repos, actor, id)
      const { token, expiresAt } = previews.sign(row.id)
      return {
        token,
        url: `${publicUrl}/v1/articles/${row.slug}?preview=${encodeURIComponent(token)}`,
        expires_at: expiresAt.toISOString(),
      }
    },
  }
}

export type ArticleEditor = ReturnType<typeof createArticleEditor>
