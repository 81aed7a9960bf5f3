import { and, count, desc, eq, inArray, or, sql, type SQL } from 'drizzle-orm'
import type { Executor } from '../client.js'
import { articleAuthors, articleBodyMedia, articles, media, sections } from '../schema/index.js'

export type MediaRow = typeof media.$inferSelect
export type MediaInsert = typeof media.$inferInsert
export type MediaValues = Partial<Pick<MediaInsert, 'alt' | 'caption' | 'credit' | 'focalX' | 'focalY' | 'updatedAt'>>

export interface MediaFilter {
  /** Filename, alt text, caption or credit contains it (case-insensitive). */
  q?: string | undefined
  format?: string | undefined
  createdBy?: string | undefined
}

/** An article that shows a media item, and how. */
export interface MediaUsageRow {
  id: string
  slug: string
  title: string
  status: (typeof articles.$inferSelect)['status']
  sectionSlug: string
  featured: boolean
  body: boolean
  /** Who may read it in the editor (the ownership rule of the article itself). */
  createdBy: string | null
  authorIds: string[]
}

const like = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`

function conditions(filter: MediaFilter): SQL[] {
  const out: SQL[] = []
  if (filter.q) {
    const pattern = like(filter.q)
    out.push(or(sql`${media.filename} ilike ${pattern}`, sql`${media.alt} ilike ${pattern}`, sql`${media.caption} ilike ${pattern}`, sql`${media.credit} ilike ${pattern}`) as SQL)
  }
  if (filter.format) out.push(eq(media.format, filter.format))
  if (filter.createdBy) out.push(eq(media.createdBy, filter.createdBy))
  return out
}

export function createMediaRepository(db: Executor) {
  return {
    async insert(values: MediaInsert): Promise<MediaRow> {
      const [row] = await db.insert(media).values(values).returning()
      return row!
    },

    async findById(id: string): Promise<MediaRow | undefined> {
      const [row] = await db.select().from(media).where(eq(media.id, id)).limit(1)
      return row
    },

    async findByIds(ids: string[]): Promise<MediaRow[]> {
      if (ids.length === 0) return []
      return db.select().from(media).where(inArray(media.id, ids))
    },

    /** Locks the row for the rest of the transaction (read-modify-write, delete-while-referenced). */
    async lockById(id: string): Promise<MediaRow | undefined> {
      const [row] = await db.select().from(media).where(eq(media.id, id)).for('update')
      return row
    },

    async list(filter: MediaFilter, page: { limit: number; offset: number }): Promise<MediaRow[]> {
      return db
        .select()
        .from(media)
        .where(and(...conditions(filter)))
        .orderBy(desc(media.createdAt), desc(media.id))
        .limit(page.limit)
        .offset(page.offset)
    },

    async count(filter: MediaFilter): Promise<number> {
      const [row] = await db.select({ n: count() }).from(media).where(and(...conditions(filter)))
      return row?.n ?? 0
    },

    /** Writes only when the version still matches; the new row, or undefined when stale. */
    async update(id: string, expectedVersion: number, values: MediaValues): Promise<MediaRow | undefined> {
      const [row] = await db
        .update(media)
        .set({ ...values, version: sql`${media.version} + 1` })
        .where(and(eq(media.id, id), eq(media.version, expectedVersion)))
        .returning()
      return row
    },

    async delete(id: string): Promise<boolean> {
      const rows = await db.delete(media).where(eq(media.id, id)).returning({ id: media.id })
      return rows.length > 0
    },

    /** Every article showing the item, as featured image or in its body, newest change first. */
    async usage(id: string): Promise<MediaUsageRow[]> {
      const featured = sql<boolean>`${articles.featuredMediaId} = ${id}`
      const body = sql<boolean>`exists (select 1 from ${articleBodyMedia} abm where abm.article_id = ${articles.id} and abm.media_id = ${id})`
      return db
        .select({
          id: articles.id,
          slug: articles.slug,
          title: articles.title,
          status: articles.status,
          sectionSlug: sections.slug,
          createdBy: articles.createdBy,
          authorIds: sql<string[]>`coalesce((select json_agg(aa.author_id) from ${articleAuthors} aa where aa.article_id = ${articles.id}), '[]'::json)`,
          featured: sql<boolean>`coalesce(${featured}, false)`,
          body,
        })
        .from(articles)
        .innerJoin(sections, eq(sections.id, articles.sectionId))
        .where(or(eq(articles.featuredMediaId, id), inArray(articles.id, db.select({ id: articleBodyMedia.articleId }).from(articleBodyMedia).where(eq(articleBodyMedia.mediaId, id)))))
        .orderBy(desc(articles.updatedAt), desc(articles.id))
    },

    /** Replaces the set of items an article's body shows. */
    async setBodyMedia(articleId: string, mediaIds: string[]): Promise<void> {
      await db.delete(articleBodyMedia).where(eq(articleBodyMedia.articleId, articleId))
      if (mediaIds.length > 0) await db.insert(articleBodyMedia).values([...new Set(mediaIds)].map((mediaId) => ({ articleId, mediaId })))
    },

    /** Forced delete: articles featuring the item lose their featured image (the FK would null the id only). */
    async clearFeatured(id: string): Promise<void> {
      await db
        .update(articles)
        .set({ featuredMediaId: null, featuredImageUrl: null, featuredImageAlt: null, featuredImageCaption: null, featuredImageCredit: null })
        .where(eq(articles.featuredMediaId, id))
    },
  }
}

export type MediaRepository = ReturnType<typeof createMediaRepository>
