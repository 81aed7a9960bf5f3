import { and, asc, eq, gt, inArray, isNull, or, sql } from 'drizzle-orm'
import type { Executor } from '../client.js'
import { articles, collectionItems, collectionSlugRedirects, collections, sections, tags } from '../schema/index.js'
import { isPublic } from './article-rows.js'

export type CollectionRow = typeof collections.$inferSelect & { ruleSection: string | null; ruleTag: string | null }
export type CollectionItemRow = { collectionId: string; slot: number; articleId: string; expiresAt: Date | null }
/** A pinned item as editors see it: the article's slug, title and status beside the pin. */
export type AdminItemRow = CollectionItemRow & { slug: string; title: string; status: string }

const collectionColumns = {
  id: collections.id,
  slug: collections.slug,
  name: collections.name,
  description: collections.description,
  size: collections.size,
  rule: collections.rule,
  ruleSectionId: collections.ruleSectionId,
  ruleTagId: collections.ruleTagId,
  position: collections.position,
  version: collections.version,
  createdAt: collections.createdAt,
  updatedAt: collections.updatedAt,
  ruleSection: sections.slug,
  ruleTag: tags.slug,
}

const itemColumns = { collectionId: collectionItems.collectionId, slot: collectionItems.slot, articleId: collectionItems.articleId, expiresAt: collectionItems.expiresAt }

export function createCollectionRepository(db: Executor) {
  const select = () =>
    db
      .select(collectionColumns)
      .from(collections)
      .leftJoin(sections, eq(sections.id, collections.ruleSectionId))
      .leftJoin(tags, eq(tags.id, collections.ruleTagId))

  return {
    /** Every collection, in their editor order. */
    list(): Promise<CollectionRow[]> {
      return select().orderBy(asc(collections.position), asc(collections.createdAt), asc(collections.slug))
    },

    async findBySlug(slug: string): Promise<CollectionRow | undefined> {
      const [row] = await select().where(eq(collections.slug, slug)).limit(1)
      return row
    },

    /** The current slug of the collection an old slug belonged to. */
    async currentSlug(oldSlug: string): Promise<string | undefined> {
      const [row] = await db
        .select({ slug: collections.slug })
        .from(collectionSlugRedirects)
        .innerJoin(collections, eq(collections.id, collectionSlugRedirects.collectionId))
        .where(eq(collectionSlugRedirects.slug, oldSlug))
        .limit(1)
      return row?.slug
    },

    /** Keeps `oldSlug` answering 301 for the collection, until a collection takes the slug (removeSlugRedirect). */
    async addSlugRedirect(oldSlug: string, collectionId: string): Promise<void> {
      await db
        .insert(collectionSlugRedirects)
        .values({ slug: oldSlug, collectionId })
        .onConflictDoUpdate({ target: collectionSlugRedirects.slug, set: { collectionId, createdAt: sql`now()` } })
    },

    async removeSlugRedirect(slug: string): Promise<void> {
      await db.delete(collectionSlugRedirects).where(eq(collectionSlugRedirects.slug, slug))
    },

    async insert(values: typeof collections.$inferInsert): Promise<{ id: string }> {
      const [row] = await db.insert(collections).values(values).returning({ id: collections.id })
      return row!
    },

    async update(id: string, expectedVersion: number, values: Partial<typeof collections.$inferInsert>): Promise<boolean> {
      const rows = await db
        .update(collections)
        .set({ ...values, version: sql`${collections.version} + 1`, updatedAt: sql`now()` })
        .where(and(eq(collections.id, id), eq(collections.version, expectedVersion)))
        .returning({ id: collections.id })
      return rows.length > 0
    },

    async delete(id: string, expectedVersion: number): Promise<boolean> {
      const rows = await db.delete(collections).where(and(eq(collections.id, id), eq(collections.version, expectedVersion))).returning({ id: collections.id })
      return rows.length > 0
    },

    /** The pins of these collections with their articles' slug, title and status, by slot. */
    adminItems(collectionIds: string[]): Promise<AdminItemRow[]> {
      if (collectionIds.length === 0) return Promise.resolve([])
      return db
        .select({ ...itemColumns, slug: articles.slug, title: articles.title, status: articles.status })
        .from(collectionItems)
        .innerJoin(articles, eq(articles.id, collectionItems.articleId))
        .where(inArray(collectionItems.collectionId, collectionIds))
        .orderBy(asc(collectionItems.collectionId), asc(collectionItems.slot))
    },

    /** The pins readers see now: public articles whose pin has not expired. */
    livePins(collectionIds: string[], now: Date): Promise<CollectionItemRow[]> {
      if (collectionIds.length === 0) return Promise.resolve([])
      return db
        .select(itemColumns)
        .from(collectionItems)
        .innerJoin(articles, eq(articles.id, collectionItems.articleId))
        .where(and(inArray(collectionItems.collectionId, collectionIds), isPublic(now), or(isNull(collectionItems.expiresAt), gt(collectionItems.expiresAt, now))))
        .orderBy(asc(collectionItems.slot))
    },

    /** Replaces every pin of the collection. */
    async replaceItems(collectionId: string, items: { slot: number; articleId: string; expiresAt: Date | null }[]): Promise<void> {
      await db.delete(collectionItems).where(eq(collectionItems.collectionId, collectionId))
      if (items.length > 0) await db.insert(collectionItems).values(items.map((item) => ({ collectionId, ...item })))
    },

    /** Which of these article ids exist. */
    async existingArticles(ids: string[]): Promise<Set<string>> {
      if (ids.length === 0) return new Set()
      const rows = await db.select({ id: articles.id }).from(articles).where(inArray(articles.id, ids))
      return new Set(rows.map((r) => r.id))
    },


    /** When the next pin of a public article expires (collections change then without a write). */
    async nextPinExpiry(now: Date): Promise<Date | null> {
      const [row] = await db
        .select({ at: sql<Date | null>`min(${collectionItems.expiresAt})`.mapWith(collectionItems.expiresAt) })
        .from(collectionItems)
        .where(gt(collectionItems.expiresAt, now))
      return row?.at ?? null
    },
  }
}

export type CollectionRepository = ReturnType<typeof createCollectionRepository>
