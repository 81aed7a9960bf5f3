import type { ArticleReadRepository, ArticleSummaryRow, PublicArticleFilter } from '../db/repositories/article-reads.js'
import type { AdminItemRow, CollectionRepository, CollectionRow } from '../db/repositories/collections.js'
import type { Repositories, UnitOfWork } from '../db/repositories/index.js'
import { AppError } from '../errors.js'
import type { Clock } from '../lib/clock.js'
import { parseStrictDate } from '../lib/dates.js'
import type { AdminCollectionBody, CollectionBody } from '../schemas/collections.js'
import type { Actor } from './actor.js'
import { audit } from './audit.js'
import type { ContentEvents } from './events.js'
import { checkVersion, expectedVersion, changedMeanwhile, type Precondition } from './preconditions.js'
import type { Permalinks, SiteLinks } from './permalinks.js'
import type { SlugLookup } from './public-site.js'
import { presentArticleSummary } from './presenters.js'
import { slugFromName } from './slugs.js'
import { createContentWriter } from './webhook-events.js'

export type CollectionRuleKind = 'latest' | 'section' | 'tag' | 'featured'

export interface CollectionInput {
  name?: string | undefined
  slug?: string | undefined
  description?: string | undefined
  size?: number | undefined
  position?: number | undefined
  rule?: { kind: CollectionRuleKind; section?: string | undefined; tag?: string | undefined } | undefined
}

export interface PinInput {
  slot: number
  article_id: string
  expires_at?: string | null | undefined
}

const unprocessable = (name: string, reason: string): never => {
  throw new AppError('UNPROCESSABLE', `${name} ${reason}`, { invalidParams: [{ name: `body.${name}`, reason }] })
}

export function presentAdminCollection(row: CollectionRow, items: AdminItemRow[]): AdminCollectionBody {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    description: row.description,
    size: row.size,
    rule: { kind: row.rule as CollectionRuleKind, section: row.rule === 'section' ? row.ruleSection : null, tag: row.rule === 'tag' ? row.ruleTag : null },
    position: row.position,
    items: items
      .filter((item) => item.collectionId === row.id)
      .map((item) => ({ slot: item.slot, article: { id: item.articleId, slug: item.slug, title: item.title, status: item.status }, expires_at: item.expiresAt?.toISOString() ?? null })),
    version: row.version,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  }
}

/** The rule's own filter; none when its section or tag is gone (the latest articles fill in). */
function ruleFilter(row: CollectionRow): Omit<PublicArticleFilter, 'now'> | undefined {
  switch (row.rule) {
    case 'section':
      return row.ruleSection ? { section: row.ruleSection } : undefined
    case 'tag':
      return row.ruleTag ? { tags: [row.ruleTag] } : undefined
    case 'featured':
      return { featured: true }
    default:
      return undefined
  }
}

/**
 * Curated front-page blocks. A collection shows `size` articles: each live pin (a published
 * article, pin not expired) in its slot, every other slot filled in order by the rule's newest
 * articles and then by the newest articles of the site, so it is never short while the site has
 * that many; nothing unpublished ever shows. The fill reads the public list's cached statements.
 */
export function createCollectionService(deps: {
  uow: UnitOfWork
  reads: { collections: CollectionRepository; articleReads: ArticleReadRepository }
  clock: Clock
  events: ContentEvents
  permalinks: Permalinks
  kickOutbox: () => void
}) {
  const { uow, reads, clock } = deps
  const write = createContentWriter(deps)

  async function fill(row: CollectionRow, pinned: Set<string>, now: Date): Promise<ArticleSummaryRow[]> {
    const want = row.size - pinned.size
    const out: ArticleSummaryRow[] = []
    const seen = new Set(pinned)
    const take = (rows: ArticleSummaryRow[]) => {
      for (const r of rows) {
        if (out.length >= want) return
        if (!seen.has(r.id)) {
          seen.add(r.id)
          out.push(r)
        }
      }
    }
    const rule = ruleFilter(row)
    if (rule) take(await reads.articleReads.listPublic({ now, ...rule }, { order: 'desc', limit: row.size }))
    if (out.length < want) take(await reads.articleReads.listPublic({ now }, { order: 'desc', limit: row.size + out.length }))
    return out
  }

  async function resolve(rows: CollectionRow[], links: SiteLinks): Promise<CollectionBody[]> {
    const now = clock.now()
    const pins = await reads.collections.livePins(
      rows.map((r) => r.id),
      now,
    )
    const pinRows = new Map((await reads.articleReads.summariesByIds([...new Set(pins.map((p) => p.articleId))])).map((r) => [r.id, r]))
    return Promise.all(
      rows.map(async (row) => {
        const live = new Map(pins.filter((p) => p.collectionId === row.id && p.slot <= row.size).map((p) => [p.slot, p.articleId]))
        const filled = await fill(row, new Set(live.values()), now)
        const articles: ArticleSummaryRow[] = []
        for (let slot = 1, next = 0; slot <= row.size; slot++) {
          const pinned = live.get(slot)
          const article = pinned !== undefined ? pinRows.get(pinned) : filled[next++]
          if (article) articles.push(article)
        }
        return { slug: row.slug, name: row.name, description: row.description, size: row.size, articles: articles.map((a) => presentArticleSummary(a, links)) }
      }),
    )
  }

  async function find(repos: Repositories | { collections: CollectionRepository }, slug: string): Promise<CollectionRow> {
    const row = await repos.collections.findBySlug(slug)
    if (!row) throw new AppError('NOT_FOUND', `No collection has the slug "${slug}"`)
    return row
  }

  async function present(repos: Repositories, slug: string): Promise<AdminCollectionBody> {
    const row = await find(repos, slug)
    return presentAdminCollection(row, await repos.collections.adminItems([row.id]))
  }

  /** The columns an input sets: its rule resolved to ids (an unknown section or tag is a 422). */
  async function values(repos: Repositories, input: CollectionInput, current?: CollectionRow) {
    const values: Record<string, unknown> = {}
    if (input.name !== undefined) values.name = input.name.trim()
    if (input.description !== undefined) values.description = input.description
    if (input.size !== undefined) values.size = input.size
    if (input.position !== undefined) values.position = input.position
    if (input.rule) {
      const { kind, section, tag } = input.rule
      if (kind !== 'section' && section !== undefined) unprocessable('rule.section', `is only for rule kind section, not ${kind}`)
      if (kind !== 'tag' && tag !== undefined) unprocessable('rule.tag', `is only for rule kind tag, not ${kind}`)
      values.rule = kind
      values.ruleSectionId = kind === 'section' ? ((await repos.sections.findIdBySlug(section ?? '')) ?? unprocessable('rule.section', section ? `names no section: "${section}"` : 'is required for rule kind section')) : null
      values.ruleTagId = kind === 'tag' ? ((await repos.tags.findIdBySlug(tag ?? '')) ?? unprocessable('rule.tag', tag ? `names no tag: "${tag}"` : 'is required for rule kind tag')) : null
    }
    if (input.size !== undefined && current) {
      const beyond = (await repos.collections.adminItems([current.id])).filter((item) => item.slot > input.size!)
      if (beyond.length > 0) unprocessable('size', `leaves pinned slot(s) ${beyond.map((i) => i.slot).join(', ')} outside the collection: unpin them first`)
    }
    return values
  }

  return {
    /** Every collection with its articles (the front page in one request). */
    async listPublic(): Promise<CollectionBody[]> {
      const [rows, links] = await Promise.all([reads.collections.list(), deps.permalinks.get()])
      return resolve(rows, links)
    },

    /** The collection, or the slug it moved to: an old slug answers 301. */
    async getPublic(slug: string): Promise<SlugLookup<CollectionBody>> {
      const [row, links] = await Promise.all([reads.collections.findBySlug(slug), deps.permalinks.get()])
      if (row) return { kind: 'found', value: (await resolve([row], links))[0]! }
      const moved = await reads.collections.currentSlug(slug)
      if (moved !== undefined && moved !== slug) return { kind: 'redirect', slug: moved }
      throw new AppError('NOT_FOUND', `No collection has the slug "${slug}"`)
    },

    async list(): Promise<AdminCollectionBody[]> {
      const rows = await uow.repos.collections.list()
      const items = await uow.repos.collections.adminItems(rows.map((r) => r.id))
      return rows.map((row) => presentAdminCollection(row, items))
    },

    get: (slug: string) => present(uow.repos, slug),

    async create(actor: Actor, input: CollectionInput & { name: string }): Promise<AdminCollectionBody> {
      const slug = slugFromName(input.slug, input.name)
      return write('collection.created', slug, async (repos) => {
        if (await repos.collections.findBySlug(slug)) throw new AppError('SLUG_TAKEN', `Another collection uses the slug "${slug}"`)
        await repos.collections.insert({ slug, name: input.name.trim(), ...(await values(repos, input)) })
        // A new collection takes its slug over from one renamed away from it.
        await repos.collections.removeSlugRedirect(slug)
        await audit(repos, actor, { action: 'collection.create', entityType: 'collection', entityId: slug, summary: `Created collection ${slug}` })
        const value = await present(repos, slug)
        return { value, data: { current: value, previous: null } }
      })
    },

    async update(actor: Actor, slug: string, precondition: Precondition, input: CollectionInput): Promise<AdminCollectionBody> {
      return write('collection.updated', slug, async (repos) => {
        const current = await find(repos, slug)
        checkVersion('collection', current, precondition)
        const previous = await present(repos, slug)
        const changes = await values(repos, input, current)
        if (input.slug !== undefined && input.slug !== slug) {
          if (await repos.collections.findBySlug(input.slug)) throw new AppError('SLUG_TAKEN', `Another collection uses the slug "${input.slug}"`)
          changes.slug = input.slug
          // The old slug keeps leading to the collection (301); the new one stops leading elsewhere.
          await repos.collections.removeSlugRedirect(input.slug)
          await repos.collections.addSlugRedirect(slug, current.id)
        }
        if (!(await repos.collections.update(current.id, expectedVersion(current, precondition), changes))) changedMeanwhile('collection')
        await audit(repos, actor, { action: 'collection.update', entityType: 'collection', entityId: slug, summary: `Updated collection ${slug}: ${Object.keys(input).join(', ')}` })
        const value = await present(repos, input.slug ?? slug)
        return { value, data: { current: value, previous } }
      })
    },

    async delete(actor: Actor, slug: string, precondition: Precondition): Promise<void> {
      await write('collection.deleted', slug, async (repos) => {
        const current = await find(repos, slug)
        checkVersion('collection', current, precondition)
        const previous = await present(repos, slug)
        if (!(await repos.collections.delete(current.id, expectedVersion(current, precondition)))) changedMeanwhile('collection')
        await audit(repos, actor, { action: 'collection.delete', entityType: 'collection', entityId: slug, summary: `Deleted collection ${slug}` })
        return { value: undefined, data: { current: null, previous } }
      })
    },

    /**
     * Replaces the pins. Each names a slot within the collection's size and an article (any status:
     * a pinned draft shows once published), at most once each; an expiry must be ahead.
     */
    async putItems(actor: Actor, slug: string, precondition: Precondition, pins: PinInput[]): Promise<AdminCollectionBody> {
      const now = clock.now()
      return write('collection.updated', slug, async (repos) => {
        const current = await find(repos, slug)
        checkVersion('collection', current, precondition)
        const slots = new Set<number>()
        const ids = new Set<string>()
        const items = pins.map((pin, i) => {
          if (pin.slot > current.size) unprocessable(`items.${i}.slot`, `is beyond the collection's size (${current.size})`)
          if (slots.has(pin.slot)) unprocessable(`items.${i}.slot`, `pins slot ${pin.slot} twice`)
          if (ids.has(pin.article_id)) unprocessable(`items.${i}.article_id`, 'pins the same article twice')
          slots.add(pin.slot)
          ids.add(pin.article_id)
          const expiresAt = pin.expires_at === undefined || pin.expires_at === null ? null : (parseStrictDate(pin.expires_at) ?? unprocessable(`items.${i}.expires_at`, 'is not a valid date-time'))
          if (expiresAt && expiresAt <= now) unprocessable(`items.${i}.expires_at`, 'must be in the future')
          return { slot: pin.slot, articleId: pin.article_id, expiresAt }
        })
        const existing = await repos.collections.existingArticles([...ids])
        const missing = items.findIndex((item) => !existing.has(item.articleId))
        if (missing >= 0) unprocessable(`items.${missing}.article_id`, `names no article: ${items[missing]!.articleId}`)
        const previous = await present(repos, slug)
        if (!(await repos.collections.update(current.id, expectedVersion(current, precondition), {}))) changedMeanwhile('collection')
        await repos.collections.replaceItems(current.id, items)
        await audit(repos, actor, { action: 'collection.items', entityType: 'collection', entityId: slug, summary: `Pinned ${items.length} article(s) in collection ${slug}` })
        const value = await present(repos, slug)
        return { value, data: { current: value, previous } }
      })
    },
  }
}

export type CollectionService = ReturnType<typeof createCollectionService>
