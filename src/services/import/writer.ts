import { createHash, randomUUID } from 'node:crypto'
import type { ImportCounts } from '../../db/schema/index.js'
import type { NewComment } from '../../db/repositories/comments.js'
import type { Repositories, UnitOfWork } from '../../db/repositories/index.js'
import type { ResourceKind } from '../../db/repositories/redirects.js'
import type { Clock } from '../../lib/clock.js'
import { renderBody, type BodyImage } from '../../lib/markdown.js'
import { normalizeWebsitePath } from '../../lib/permalinks.js'
import { slugify, uniqueSlug } from '../../lib/slugify.js'
import type { Actor } from '../actor.js'
import { autoExcerpt } from '../articles/rules.js'
import { articleSnapshot } from '../articles/present-admin.js'
import { bodyImageOf, type MediaLibrary } from '../media/library.js'
import { normaliseEmail } from '../newsletter.js'
import { compileForText } from '../../plugins/validation.js'
import type { ArticleItem, AuthorItem, BodyImageRef, CommentItem, ImportKind, ImportSource, ItemWarning, MediaRef, PageItem, RedirectItem, SubscriberItem, TermItem } from './model.js'

/** Brings one image's bytes (from the network through the SSRF guard, or an uploads folder). */
export type ImageFetcher = (url: string) => Promise<Buffer>

export interface ImportWriterOptions {
  uow: UnitOfWork
  media: Pick<MediaLibrary, 'upload'>
  clock: Clock
  /** Who the import runs as: recorded as the creator of articles, revisions and media. */
  actor: Actor
  source: ImportSource
  dryRun: boolean
  fetchImage: ImageFetcher
  /** Called after every item (progress display, job heartbeat). */
  onItem?: () => void | Promise<void>
}

/** The rule the API applies to every email address it accepts (format email, at most 254 characters). */
const isEmailAddress = compileForText({ type: 'string', format: 'email', maxLength: 254 })

/** Replaced by the local id once written; in a dry run, a placeholder that is never written. */
const PLANNED = 'planned'

const digest = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('base64url').slice(0, 32)

/**
 * Writes imported items. Each item is one transaction — its row, its tags, its comments, its old
 * URLs and its import_items key — so an item that fails is rolled back alone and reported. An
 * item already imported (same source id) is skipped when unchanged and updated when its digest
 * differs; a re-run of the same file changes nothing. A dry run reads the same keys, writes nothing
 * and counts what would happen.
 */
export function createImportWriter(options: ImportWriterOptions) {
  const { uow, clock, actor, source, dryRun } = options
  const counts: ImportCounts = {}
  const warnings: ItemWarning[] = []
  /** Source id → local id of what this run already resolved (taxonomy and media are referenced often). */
  const resolved = new Map<string, string | null>()
  let written = 0

  const count = (kind: ImportKind, outcome: 'created' | 'updated' | 'skipped' | 'failed', n = 1) => {
    const row = (counts[kind] ??= { created: 0, updated: 0, skipped: 0, failed: 0 })
    row[outcome] += n
    if (outcome === 'created' || outcome === 'updated') written += dryRun ? 0 : n
  }
  const warn = (item: string, message: string) => warnings.push({ item, message })

  async function aliases(repos: Repositories, urls: string[], kind: ResourceKind, id: string): Promise<void> {
    for (const url of urls) {
      let pathname: string
      try {
        pathname = new URL(url).pathname
      } catch {
        continue
      }
      const normalized = normalizeWebsitePath(pathname)
      if (normalized.ok && normalized.path !== '/') await repos.redirects.setAlias(normalized.path, kind, id)
    }
  }

  /**
   * The shared path of every item: known and unchanged → skipped; a dry run → counted; else
   * `write` (given the local id when the item was imported before) in one transaction with its key.
   */
  async function upsert(
    kind: ImportKind,
    sourceId: string,
    hashed: unknown,
    originalUrl: string | null,
    write: (repos: Repositories, existingId: string | null) => Promise<string>,
    /** `keep`: an item imported before stays as it is here even when the source changed it (editors may have renamed a section). */
    onChange: 'update' | 'keep' = 'update',
  ): Promise<string | null> {
    if (resolved.has(sourceId)) return resolved.get(sourceId)!
    const hash = digest(hashed)
    try {
      const existing = await uow.repos.imports.findItem(source, sourceId)
      if (existing && (existing.hash === hash || onChange === 'keep')) {
        count(kind, 'skipped')
        resolved.set(sourceId, existing.localId)
        return existing.localId
      }
      if (dryRun) {
        count(kind, existing ? 'updated' : 'created')
        resolved.set(sourceId, existing?.localId ?? PLANNED)
        return existing?.localId ?? PLANNED
      }
      const id = await uow.transaction(async (repos) => {
        const localId = await write(repos, existing?.localId ?? null)
        await repos.imports.saveItem({ source, sourceId, kind, localId, originalUrl, hash })
        return localId
      })
      count(kind, existing ? 'updated' : 'created')
      resolved.set(sourceId, id)
      return id
    } catch (error) {
      count(kind, 'failed')
      warn(sourceId, `not imported: ${(error as Error).message}`)
      resolved.set(sourceId, null)
      return null
    } finally {
      await options.onItem?.()
    }
  }

  /** A taxonomy item: linked to an existing one of the same slug, else created. */
  async function term(kind: 'section' | 'tag', item: TermItem): Promise<string | null> {
    return upsert(kind, item.sourceId, item, item.originalUrls[0] ?? null, async (repos, existingId) => {
      const table = kind === 'section' ? repos.sections : repos.tags
      const slug = slugify(item.slug) || slugify(item.name) || `${kind}-${randomUUID().slice(0, 8)}`
      const id = existingId ?? (await table.findIdBySlug(slug)) ?? null
      if (id === null) {
        const now = clock.now()
        const values = { slug, name: item.name.trim() || slug, description: item.description, createdAt: now, updatedAt: now }
        const newId = kind === 'section' ? await repos.sections.insert({ ...values, position: await repos.sections.nextPosition() }) : await repos.tags.insert(values)
        await aliases(repos, item.originalUrls, kind, newId)
        return newId
      }
      await aliases(repos, item.originalUrls, kind, id)
      return id
    }, 'keep')
  }

  async function author(item: AuthorItem): Promise<string | null> {
    return upsert('author', item.sourceId, item, item.originalUrls[0] ?? null, async (repos, existingId) => {
      const slug = slugify(item.slug) || slugify(item.name) || `author-${randomUUID().slice(0, 8)}`
      const id = existingId ?? (await repos.authors.findIdBySlug(slug)) ?? (await repos.authors.insert({ slug, name: item.name.trim() || slug, bio: item.bio }))
      await aliases(repos, item.originalUrls, 'author', id)
      return id
    }, 'keep')
  }

  /** The media library item of an image, imported once per run and per source; null (reported) when it cannot be had. */
  async function mediaItem(ref: MediaRef, usedBy: string): Promise<string | null> {
    if (resolved.has(ref.sourceId)) return resolved.get(ref.sourceId)!
    const existing = await uow.repos.imports.findItem(source, ref.sourceId)
    if (existing) {
      count('media', 'skipped')
      resolved.set(ref.sourceId, existing.localId)
      return existing.localId
    }
    if (dryRun) {
      count('media', 'created')
      resolved.set(ref.sourceId, PLANNED)
      return PLANNED
    }
    try {
      const bytes = await options.fetchImage(ref.url)
      const item = await options.media.upload(actor, { bytes, filename: ref.filename, alt: ref.alt, caption: ref.caption })
      await uow.repos.imports.saveItem({ source, sourceId: ref.sourceId, kind: 'media', localId: item.id, originalUrl: ref.url, hash: digest(ref) })
      count('media', 'created')
      resolved.set(ref.sourceId, item.id)
      return item.id
    } catch (error) {
      count('media', 'failed')
      warn(usedBy, `image ${ref.url} not imported: ${(error as Error).message}`)
      resolved.set(ref.sourceId, null)
      return null
    }
  }

  /** The body with every imported image pointing at its media item (`media:<id>`), and those items. */
  async function bodyWithMedia(repos: Repositories, html: string, refs: Map<string, string>): Promise<{ html: string; images: Map<string, BodyImage>; ids: string[] }> {
    const rows = await repos.media.findByIds([...new Set(refs.values())])
    const images = new Map(rows.map((r) => [r.id, bodyImageOf(r)]))
    let out = html
    for (const [url, id] of refs) {
      if (!images.has(id)) continue
      const escaped = url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/&/g, '&(?:amp;)?')
      out = out.replace(new RegExp(`(<img\\b[^>]*?\\ssrc\\s*=\\s*["'])${escaped}(["'])`, 'gi'), `$1media:${id}$2`)
    }
    return { html: out, images, ids: [...images.keys()] }
  }

  async function bodyMedia(item: { sourceId: string; bodyImages: BodyImageRef[] }): Promise<Map<string, string>> {
    const refs = new Map<string, string>()
    for (const ref of item.bodyImages) {
      const id = await mediaItem(ref.image, item.sourceId)
      if (id && id !== PLANNED) refs.set(ref.src, id)
    }
    return refs
  }

  /** The comments not imported yet, parents before replies, in the article's transaction. */
  async function comments(repos: Repositories, articleId: string, item: ArticleItem): Promise<{ created: number; skipped: number }> {
    const tally = { created: 0, skipped: 0 }
    if (item.comments.length === 0) return tally
    const known = await repos.imports.findItems(source, item.comments.map((c) => c.sourceId))
    interface Placed {
      id: string
      rootId: string
      depth: number
      parent?: Placed | undefined
    }
    const placed = new Map<string, Placed>()
    const place = async (sourceId: string) => {
      const found = placed.get(sourceId)
      if (found) return found
      const row = known.get(sourceId)
      const comment = row ? await repos.comments.findById(row.localId) : undefined
      if (!comment) return undefined
      const node = { id: comment.id, rootId: comment.rootId, depth: comment.depth }
      placed.set(sourceId, node)
      return node
    }
    const bySource = new Map(item.comments.map((c) => [c.sourceId, c]))
    const pending = item.comments.filter((c) => !known.has(c.sourceId))
    tally.skipped = item.comments.length - pending.length
    const visiting = new Set<string>()
    const rows: NewComment[] = []
    const keys: Parameters<Repositories['imports']['insertItems']>[0] = []
    const insert = async (c: CommentItem): Promise<void> => {
      if (placed.has(c.sourceId) || visiting.has(c.sourceId)) return
      visiting.add(c.sourceId)
      let parent: Placed | undefined
      if (c.parentSourceId) {
        const parentItem = bySource.get(c.parentSourceId)
        if (parentItem && !known.has(parentItem.sourceId)) await insert(parentItem)
        parent = await place(c.parentSourceId)
        if (!parent) warn(c.sourceId, `replies to comment ${c.parentSourceId}, which is not in the file: imported as a top-level comment`)
      }
      // Threads deeper than the depth cap hang their deepest replies on the deepest allowed ancestor.
      while (parent && parent.depth >= 15 && parent.parent) parent = parent.parent
      const id = randomUUID()
      const createdAt = c.createdAt ?? clock.now()
      const node: Placed = { id, rootId: parent ? parent.rootId : id, depth: parent ? parent.depth + 1 : 0, parent }
      rows.push({
        id,
        rootId: node.rootId,
        articleId,
        parentId: parent?.id ?? null,
        depth: node.depth,
        authorName: c.authorName.trim().slice(0, 200) || 'Anonymous',
        authorEmail: c.authorEmail.trim().toLowerCase(),
        authorWebsite: c.authorWebsite,
        body: c.body,
        status: c.status,
        ip: c.ip,
        createdAt,
        updatedAt: createdAt,
        approvedAt: c.status === 'approved' ? createdAt : null,
      })
      keys.push({ source, sourceId: c.sourceId, kind: 'comment', localId: id, originalUrl: null, hash: digest(c) })
      placed.set(c.sourceId, node)
      tally.created++
    }
    for (const c of pending) await insert(c)
    // One statement each: a thread of replies is written in two round trips, not two per comment.
    await repos.comments.insertMany(rows)
    await repos.imports.insertItems(keys)
    return tally
  }

  async function article(item: ArticleItem): Promise<string | null> {
    const sectionId = await term('section', item.section)
    const authorId = await author(item.author)
    const coAuthorIds: string[] = []
    for (const coAuthor of item.coAuthors) {
      const id = await author(coAuthor)
      if (id && id !== authorId) coAuthorIds.push(id)
      else if (!id) warn(item.sourceId, `its co-author ${coAuthor.name} could not be imported: left out of the byline`)
    }
    const tagIds: string[] = []
    for (const tag of item.tags) {
      const id = await term('tag', tag)
      if (id) tagIds.push(id)
    }
    if (!sectionId || !authorId) {
      count('article', 'failed')
      warn(item.sourceId, `not imported: its ${sectionId ? 'author' : 'section'} could not be imported`)
      return null
    }
    const featuredId = item.featuredImage ? await mediaItem(item.featuredImage, item.sourceId) : null
    const refs = await bodyMedia(item)
    const { comments: commentItems, ...hashed } = item
    let tally: { created: number; skipped: number } | undefined
    const id = await upsert('article', item.sourceId, hashed, item.originalUrls[0] ?? null, async (repos, existingId) => {
      const body = await bodyWithMedia(repos, item.html, refs)
      const rendered = await renderBody(body.html, 'html', body.images)
      const featured = featuredId && featuredId !== PLANNED ? await repos.media.findById(featuredId) : undefined
      const now = clock.now()
      const values = {
        title: item.title.trim() || 'Untitled',
        excerpt: item.excerpt.trim() || autoExcerpt(rendered.text),
        bodyFormat: 'html' as const,
        bodySource: body.html,
        bodyHtml: rendered.html,
        bodyText: rendered.text,
        wordCount: rendered.wordCount,
        readingTimeMinutes: rendered.readingTimeMinutes,
        featuredMediaId: featured?.id ?? null,
        featuredImageUrl: featured?.url ?? null,
        featuredImageAlt: featured ? (item.featuredImage?.alt ?? null) : null,
        featuredImageCaption: featured ? (item.featuredImage?.caption ?? null) : null,
        featuredImageCredit: null,
        sectionId,
        authorId,
        status: item.status,
        publishedAt: item.publishedAt,
        submittedAt: item.status === 'in_review' ? now : null,
        commentsOpen: item.commentsOpen,
        updatedAt: now,
      }
      let articleId: string
      if (existingId && (await repos.articles.lockById(existingId))) {
        const current = (await repos.articles.findById(existingId))!
        await repos.articles.update(existingId, current.version, values)
        // The byline follows the source's authors, in order; co-authors added here stay, after them.
        const imported = [authorId, ...coAuthorIds]
        await repos.articles.setAuthors(existingId, [...new Set([...imported, ...current.authors.map((a) => a.id)])])
        articleId = existingId
      } else {
        const base = slugify(item.slug) || slugify(item.title)
        const slug = await uniqueSlug(base, (s) => repos.articles.slugTaken(s))
        if (base && slug !== base) warn(item.sourceId, `the slug "${base}" is taken by another article: imported as "${slug}" (its old URL still leads to it)`)
        await repos.articles.removeRedirect(slug)
        articleId = await repos.articles.insert({ ...values, slug, createdBy: actor.id, createdAt: item.createdAt ?? now })
        if (coAuthorIds.length > 0) await repos.articles.setAuthors(articleId, [...new Set([authorId, ...coAuthorIds])])
      }
      await repos.media.setBodyMedia(articleId, body.ids)
      await repos.articles.setTags(articleId, [...new Set(tagIds)])
      const row = (await repos.articles.findById(articleId))!
      await repos.articles.insertRevision({ articleId, version: row.version, snapshot: articleSnapshot(row), createdBy: actor.id })
      await aliases(repos, item.originalUrls, 'article', articleId)
      tally = await comments(repos, articleId, item)
      return articleId
    })
    if (tally) {
      count('comment', 'created', tally.created)
      count('comment', 'skipped', tally.skipped)
      return id
    }
    if (!id) return id
    // The article was skipped (unchanged) or this is a dry run: only comments new in the source are added.
    if (id === PLANNED) {
      count('comment', 'created', commentItems.length)
      return id
    }
    if (dryRun) {
      const known = await uow.repos.imports.findItems(source, commentItems.map((c) => c.sourceId))
      count('comment', 'skipped', known.size)
      count('comment', 'created', commentItems.length - known.size)
      return id
    }
    try {
      const added = await uow.transaction((repos) => comments(repos, id, item))
      count('comment', 'created', added.created)
      count('comment', 'skipped', added.skipped)
    } catch (error) {
      count('comment', 'failed', commentItems.length)
      warn(item.sourceId, `its new comments were not imported: ${(error as Error).message}`)
    }
    return id
  }

  async function page(item: PageItem): Promise<string | null> {
    const refs = await bodyMedia(item)
    return upsert('page', item.sourceId, item, item.originalUrls[0] ?? null, async (repos, existingId) => {
      const body = await bodyWithMedia(repos, item.html, refs)
      const rendered = await renderBody(body.html, 'html', body.images)
      const values = { title: item.title.trim() || 'Untitled', bodyFormat: 'html' as const, bodySource: body.html, bodyHtml: rendered.html, bodyText: rendered.text, status: item.status, updatedAt: clock.now() }
      const current = existingId ? await repos.pages.findById(existingId) : undefined
      let pageId: string
      if (current) {
        await repos.pages.update(current.id, current.version, values)
        pageId = current.id
      } else {
        const base = slugify(item.slug) || slugify(item.title)
        const slug = await uniqueSlug(base, async (s) => (await repos.pages.findBySlug(s)) !== undefined)
        if (base && slug !== base) warn(item.sourceId, `the slug "${base}" is taken by another page: imported as "${slug}"`)
        pageId = (await repos.pages.insert({ ...values, slug })).id
      }
      await aliases(repos, item.originalUrls, 'page', pageId)
      return pageId
    })
  }

  /**
   * A subscriber who consented at the source: confirmed, consent recorded as imported (source
   * `import:<source>`, their signup time). An address already here is linked, never changed: one
   * that unsubscribed here stays unsubscribed.
   */
  async function subscriber(item: SubscriberItem): Promise<string | null> {
    const email = normaliseEmail(item.email)
    if (!isEmailAddress(email)) {
      count('subscriber', 'failed')
      warn(item.sourceId, 'not imported: its email address is not valid')
      return null
    }
    return upsert('subscriber', item.sourceId, { ...item, email }, null, async (repos) => {
      const consentAt = item.consentAt ?? clock.now()
      const id = await repos.subscribers.insertIfAbsent({
        email,
        name: item.name?.trim().slice(0, 200) || null,
        status: 'confirmed',
        consentAt,
        consentSource: `import:${source}`,
        privacyPolicyVersion: 'imported',
        confirmedAt: consentAt,
        createdAt: consentAt,
        updatedAt: clock.now(),
      })
      if (id) return id
      const existing = (await repos.subscribers.lockByEmail(email))!
      warn(item.sourceId, `its address is already a subscriber here (${existing.status}): kept as it is`)
      return existing.id
    }, 'keep')
  }

  /**
   * An old path that redirected to an imported item's old URL: the path answers the resolver with
   * a 301 to that item too. Only literal paths: a pattern (regular expression) is reported.
   */
  async function redirect(item: RedirectItem): Promise<string | null> {
    const from = normalizeWebsitePath(item.from)
    let toPath: string
    try {
      toPath = new URL(item.to, 'http://old.invalid').pathname
    } catch {
      toPath = ''
    }
    const to = normalizeWebsitePath(toPath)
    if (!from.ok || from.path === '/' || !to.ok) {
      count('redirect', 'failed')
      warn(item.sourceId, `not imported: "${item.from}" → "${item.to}" is not a redirect between two paths`)
      return null
    }
    const target = await uow.repos.redirects.findAlias(to.path)
    if (!target) {
      count('redirect', 'failed')
      warn(item.sourceId, `not imported: its target ${to.path} is not the old URL of an imported item`)
      return null
    }
    return upsert('redirect', item.sourceId, { from: from.path, target }, from.path, async (repos) => {
      await repos.redirects.setAlias(from.path, target.kind, target.id)
      return target.id
    })
  }

  return {
    author,
    subscriber,
    redirect,
    section: (item: TermItem) => term('section', item),
    tag: (item: TermItem) => term('tag', item),
    article,
    page,
    /** Something about the file or an item that was not imported as such (never fatal). */
    warn,
    /** An item the source has that has no place here (revisions, menu items…). */
    skip(kind: ImportKind) {
      count(kind, 'skipped')
    },
    report: () => ({ counts, warnings }),
    /** Rows written (0 in a dry run): whether caches must forget. */
    written: () => written,
  }
}

export type ImportWriter = ReturnType<typeof createImportWriter>
