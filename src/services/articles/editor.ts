import type { ArticleRecord, ArticleValues } from '../../db/repositories/articles.js'
import type { Repositories, UnitOfWork } from '../../db/repositories/index.js'
import { AppError } from '../../errors.js'
import type { Clock } from '../../lib/clock.js'
import { parseStrictDate } from '../../lib/dates.js'
import { mediaReferences, renderBody, type BodyFormat, type BodyImage } from '../../lib/markdown.js'
import { pageModeResult, resolvePaging, type PageResult, type PagingQuery } from '../../lib/pagination.js'
import { slugify, uniqueSlug } from '../../lib/slugify.js'
import type { AdminArticleBody } from '../../schemas/admin.js'
import { forbid, isStaff, type Actor } from '../actor.js'
import { audit } from '../audit.js'
import type { ContentEvents } from '../events.js'
import type { Permalinks } from '../permalinks.js'
import { articleEvent, queueWebhookEvent, reviewEvent } from '../webhook-events.js'
import { articleTransition } from './transitions.js'
import { authorize, autoExcerpt, checkPrecondition, forbidWhileInReview, loadArticle, unprocessable } from './rules.js'
import { articleSnapshot, presentAdminArticle } from './present-admin.js'
import { bodyImageOf } from '../media/library.js'
import { queueReviewEmails, reviewMailKind } from './review-mail.js'
import { checkReviewTransition, nextWorkflowState, type ArticleStatus } from './workflow.js'

export interface ArticleInput {
  title?: string | undefined
  slug?: string | undefined
  excerpt?: string | undefined
  body?: string | undefined
  body_format?: BodyFormat | undefined
  featured_image?:
    | { url: string; alt: string; caption?: string | null | undefined; credit?: string | null | undefined }
    | { media_id: string; alt?: string | null | undefined; caption?: string | null | undefined; credit?: string | null | undefined }
    | null
    | undefined
  section?: string | undefined
  author?: string | undefined
  tags?: string[] | undefined
  related_article_ids?: string[] | undefined
  status?: ArticleStatus | undefined
  published_at?: string | null | undefined
  /** The editor (user id) the article is assigned to; null unassigns. */
  assignee?: string | null | undefined
  /** A note for the article's thread, written with this change (required to request changes). */
  note?: string | undefined
  seo?: Partial<Record<'meta_title' | 'meta_description' | 'canonical_url' | 'og_image', string | null>> | undefined
  comments_open?: boolean | undefined
}

/** The version a write expects (`*` = any), and where the client said it. */
export interface Precondition {
  version: number | '*'
  via: 'if-match' | 'body'
}

export interface AdminArticleQuery extends PagingQuery {
  status?: ArticleStatus[] | undefined
  section?: string | undefined
  author?: string | undefined
  q?: string | undefined
  /** A user id, or `me`. */
  assignee?: string | undefined
}

export interface PreviewSigner {
  sign(articleId: string): { token: string; expiresAt: Date }
}

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

  /** Queues the webhook event of a change in its transaction (nothing for private draft edits). */
  async function notify(repos: Repositories, before: ArticleRecord | null, after: ArticleRecord | null): Promise<void> {
    const now = clock.now()
    const type = articleTransition(before, after, now)
    if (type) await queueWebhookEvent(repos, now, articleEvent(type, before, after, { publicUrl, now, links: await permalinks.within(repos) }))
    if (after && after.status !== before?.status && (after.status === 'in_review' || after.status === 'changes_requested')) {
      const review = after.status === 'in_review' ? 'article.submitted' : 'article.changes_requested'
      await queueWebhookEvent(repos, now, reviewEvent(review, before, after, { publicUrl, now, links: await permalinks.within(repos) }))
    }
  }

  const load = loadArticle
  const adminUrl = (id: string) => `${publicUrl}/v1/admin/articles/${id}`

  /**
   * The review side of a write: the note written with it (kept against the version it produced),
   * and the emails of the step it took (submitted, returned, approved) or, for a note alone, of
   * the note. Returns the note's id for the audit trail.
   */
  async function reviewStep(repos: Repositories, actor: Actor, before: ArticleRecord | null, after: ArticleRecord, note: string | undefined): Promise<number | null> {
    const now = clock.now()
    const submitting = after.status === 'in_review' && before?.status !== 'in_review'
    if (after.assigneeId && after.assigneeId !== (before?.assigneeId ?? null) && !submitting) {
      // A submission in the same write tells the assignee already; otherwise the assignment does.
      await queueReviewEmails(repos, { kind: 'review.assigned', article: after, actor, note: null, adminUrl: adminUrl(after.id), now })
    }
    const text = note?.trim() || null
    const transition = after.status !== before?.status ? after.status : null
    const saved = text
      ? await repos.review.insertNote({ articleId: after.id, authorId: actor.id, authorName: actor.name, body: text, articleVersion: after.version, transition, createdAt: now })
      : null
    const kind = reviewMailKind(before, after) ?? (text ? 'review.note' : null)
    if (kind) await queueReviewEmails(repos, { kind, article: after, actor, note: text, adminUrl: adminUrl(after.id), now })
    return saved?.id ?? null
  }

  /** An assignee is an active editor (or admin): a user id that is not one is a 422 naming it. */
  async function assigneeId(repos: Repositories, id: string | null): Promise<string | null> {
    if (id === null) return null
    const user = await repos.users.findById(id)
    if (!user || user.disabled) unprocessable('assignee', `No active account has the id ${id}`)
    if (user.role !== 'editor' && user.role !== 'admin') unprocessable('assignee', `${user.name} is ${user.role === 'author' ? 'an' : 'a'} ${user.role}: articles are assigned to editors`)
    return user.id
  }

  /** The media library images a body references, resolved (an unknown id is a 422). */
  async function bodyImages(repos: Repositories, source: string): Promise<Map<string, BodyImage>> {
    const ids = mediaReferences(source)
    const rows = await repos.media.findByIds(ids)
    const missing = ids.filter((id) => !rows.some((r) => r.id === id))
    if (missing.length > 0) unprocessable('body', `No media item has the id ${missing.join(', ')}`)
    return new Map(rows.map((r) => [r.id, bodyImageOf(r)]))
  }

  /** Turns the input into column values, resolving slugs to ids and applying the workflow. */
  async function toValues(repos: Repositories, actor: Actor, current: ArticleRecord | null, input: ArticleInput) {
    const values: ArticleValues = {}
    let bodyMediaIds: string[] | undefined
    const now = clock.now()
    if (input.title !== undefined) values.title = input.title.trim()
    if (input.excerpt !== undefined) values.excerpt = input.excerpt.trim()
    if (input.body !== undefined || input.body_format !== undefined) {
      const format = input.body_format ?? current?.bodyFormat ?? 'markdown'
      const source = input.body ?? current?.bodySource ?? ''
      const images = await bodyImages(repos, source)
      bodyMediaIds = [...images.keys()]
      const body = renderBody(source, format, images)
      Object.assign(values, { bodyFormat: format, bodySource: source, bodyHtml: body.html, bodyText: body.text, wordCount: body.wordCount, readingTimeMinutes: body.readingTimeMinutes })
      if (!current && input.excerpt === undefined) values.excerpt = autoExcerpt(body.text)
    }
    if (input.featured_image !== undefined) {
      const image = input.featured_image
      if (image && 'media_id' in image) {
        const item = (await repos.media.findById(image.media_id)) ?? unprocessable('featured_image.media_id', `No media item has the id ${image.media_id}`)
        // The URL is kept too (it never changes: content-hashed), so feeds and og:image need no lookup.
        Object.assign(values, {
          featuredMediaId: item.id,
          featuredImageUrl: item.url,
          featuredImageAlt: image.alt ?? null, // "" is kept: a decorative image, not the item's alt
          featuredImageCaption: image.caption ?? null,
          featuredImageCredit: image.credit ?? null,
        })
      } else {
        Object.assign(values, {
          featuredMediaId: null,
          featuredImageUrl: image?.url ?? null,
          featuredImageAlt: image?.alt ?? null,
          featuredImageCaption: image?.caption ?? null,
          featuredImageCredit: image?.credit ?? null,
        })
      }
    }
    if (input.section !== undefined) {
      values.sectionId = (await repos.sections.findIdBySlug(input.section)) ?? unprocessable('section', `No section has the slug "${input.section}"`)
    }
    let authorId: string | undefined
    if (input.author !== undefined) {
      authorId = (await repos.authors.findIdBySlug(input.author)) ?? unprocessable('author', `No author has the slug "${input.author}"`)
      values.authorId = authorId
    }
    if (input.seo) {
      const seo = input.seo
      if (seo.meta_title !== undefined) values.seoMetaTitle = seo.meta_title
      if (seo.meta_description !== undefined) values.seoMetaDescription = seo.meta_description
      if (seo.canonical_url !== undefined) values.seoCanonicalUrl = seo.canonical_url
      if (seo.og_image !== undefined) values.seoOgImage = seo.og_image
    }
    if (input.comments_open !== undefined) values.commentsOpen = input.comments_open

    let publishedAt: Date | null | undefined
    if (input.published_at !== undefined) {
      publishedAt = input.published_at === null ? null : (parseStrictDate(input.published_at) ?? unprocessable('published_at', 'is not a valid date-time'))
    }
    authorize(actor, current, input, authorId)
    if (input.assignee !== undefined) values.assigneeId = await assigneeId(repos, input.assignee)
    checkReviewTransition(current?.status ?? null, input.status)
    if (input.status === 'changes_requested' && current?.status !== 'changes_requested' && !input.note?.trim()) {
      unprocessable('note', 'Say what needs changing: requesting changes needs a note')
    }
    const state = nextWorkflowState(current ? { status: current.status, publishedAt: current.publishedAt } : null, { status: input.status, publishedAt }, now)
    values.status = state.status
    values.publishedAt = state.publishedAt
    if (state.status === 'in_review' && current?.status !== 'in_review') {
      // A (re)submission joins the back of the queue.
      values.submittedAt = now
      values.submittedBy = actor.id
    }
    return { values, bodyMediaIds }
  }

  /**
   * Each listed tag's slug: made from the name, or — for a name with nothing to make a slug from
   * ("Москва", "!!!") — the slug of the existing tag of that name. Such a name is never dropped
   * silently: with no tag of that name it is refused, naming the entry.
   */
  async function tagSlugs(repos: Repositories, names: string[]): Promise<{ slug: string; name: string }[]> {
    const entries = names.map((raw) => ({ name: raw.trim(), slug: slugify(raw) }))
    const unslugged = entries.filter((e) => !e.slug)
    if (unslugged.length === 0) return entries
    const existing = new Map((await repos.tags.findByNames(unslugged.map((e) => e.name))).map((row) => [row.name.toLowerCase(), row.slug]))
    return entries.map((entry, index) => {
      if (entry.slug) return entry
      const slug = existing.get(entry.name.toLowerCase())
      if (!slug) unprocessable(`tags.${index}`, `"${entry.name}" has no Latin letters or digits to make a tag slug from, and no tag has this name: create the tag with a slug first (POST /v1/admin/tags)`)
      return { name: entry.name, slug }
    })
  }

  async function applyRelations(repos: Repositories, articleId: string, input: ArticleInput, bodyMediaIds: string[] | undefined): Promise<void> {
    if (bodyMediaIds !== undefined) await repos.media.setBodyMedia(articleId, bodyMediaIds)
    if (input.tags !== undefined) {
      const wanted = new Map<string, string>()
      for (const { slug, name } of await tagSlugs(repos, input.tags)) if (!wanted.has(slug)) wanted.set(slug, name)
      const rows = await repos.tags.ensure([...wanted].map(([slug, name]) => ({ slug, name })))
      const idBySlug = new Map(rows.map((r) => [r.slug, r.id]))
      await repos.articles.setTags(articleId, [...wanted.keys()].map((slug) => idBySlug.get(slug)!))
    }
    if (input.related_article_ids !== undefined) {
      const ids = [...new Set(input.related_article_ids)]
      if (ids.includes(articleId)) unprocessable('related_article_ids', 'An article cannot be related to itself')
      const existing = new Set(await repos.articles.existingIds(ids))
      const missing = ids.filter((id) => !existing.has(id))
      if (missing.length > 0) unprocessable('related_article_ids', `Unknown articles: ${missing.join(', ')}`)
      await repos.articles.setRelatedPins(articleId, ids)
    }
  }

  async function saveRevision(repos: Repositories, actor: Actor, articleId: string): Promise<ArticleRecord> {
    const row = (await repos.articles.findById(articleId))!
    await repos.articles.insertRevision({ articleId, version: row.version, snapshot: articleSnapshot(row), createdBy: actor.id })
    return row
  }

  async function update(repos: Repositories, actor: Actor, id: string, precondition: Precondition, input: ArticleInput, action = 'article.update') {
    if (!(await repos.articles.lockById(id))) throw new AppError('NOT_FOUND', 'No article has this id')
    const current = await load(repos, actor, id)
    checkPrecondition(current, precondition)
    const { values, bodyMediaIds } = await toValues(repos, actor, current, input)
    if (input.slug !== undefined && input.slug !== current.slug) {
      if (await repos.articles.slugTaken(input.slug, id)) throw new AppError('SLUG_TAKEN', `Another article uses the slug "${input.slug}"`)
      values.slug = input.slug
      await repos.articles.removeRedirect(input.slug)
      await repos.articles.addRedirect(current.slug, id)
    }
    values.updatedAt = clock.now()
    const version = await repos.articles.update(id, current.version, values)
    if (version === undefined) throw new AppError('PRECONDITION_FAILED', 'The article changed while saving; reload it')
    await applyRelations(repos, id, input, bodyMediaIds)
    const saved = await saveRevision(repos, actor, id)
    await notify(repos, current, saved)
    const noteId = await reviewStep(repos, actor, current, saved, input.note)
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
        const { values, bodyMediaIds } = await toValues(repos, actor, null, input)
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
        await applyRelations(repos, id, input, bodyMediaIds)
        const row = await saveRevision(repos, actor, id)
        await notify(repos, null, row)
        const noteId = await reviewStep(repos, actor, null, row, input.note)
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
        await notify(repos, current, null)
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
          if (!isStaff(actor)) delete input.author
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
