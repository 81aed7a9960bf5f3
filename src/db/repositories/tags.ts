import { asc, count, desc, eq, inArray, sql } from 'drizzle-orm'
import type { Executor } from '../client.js'
import { articles, articleTags, tags } from '../schema/index.js'
import { isPublicAs } from './article-reads.js'
import { versionedWrites } from './versioned.js'

export interface TagRow {
  id: string
  slug: string
  version: number
  name: string
  description: string
  articleCount: number
}

export type TagOrder = 'name' | '-article_count'

export function createTagRepository(db: Executor) {
  const columns = (now: Date) => ({
    id: tags.id,
    slug: tags.slug,
    version: tags.version,
    name: tags.name,
    description: tags.description,
    articleCount: sql<number>`(select count(*) from ${articleTags} at join ${articles} a on a.id = at.article_id where at.tag_id = "tags"."id" and ${isPublicAs('a', now)})`.mapWith(
      Number,
    ).as('article_count'),
  })
  return {
    async list(now: Date, page: { order: TagOrder; limit: number; offset: number }): Promise<TagRow[]> {
      const query = db.select(columns(now)).from(tags)
      const ordered =
        page.order === 'name'
          ? query.orderBy(asc(tags.name), asc(tags.slug))
          : query.orderBy(desc(sql`article_count`), asc(tags.name))
      return ordered.limit(page.limit).offset(page.offset)
    },

    async count(): Promise<number> {
      const [row] = await db.select({ n: count() }).from(tags)
      return row?.n ?? 0
    },

    async findBySlug(slug: string, now: Date): Promise<TagRow | undefined> {
      const [row] = await db.select(columns(now)).from(tags).where(eq(tags.slug, slug)).limit(1)
      return row
    },

    /** By name, ignoring case (names are not unique: the oldest wins). */
    async findByNames(names: string[]): Promise<{ id: string; slug: string; name: string }[]> {
      if (names.length === 0) return []
      const lowered = [...new Set(names.map((n) => n.toLowerCase()))]
      return db
        .selectDistinctOn([sql`lower(${tags.name})`], { id: tags.id, slug: tags.slug, name: tags.name })
        .from(tags)
        .where(inArray(sql`lower(${tags.name})`, lowered))
        .orderBy(sql`lower(${tags.name})`, asc(tags.createdAt), asc(tags.id))
    },

    async findBySlugs(slugs: string[]): Promise<{ id: string; slug: string; name: string }[]> {
      if (slugs.length === 0) return []
      return db.select({ id: tags.id, slug: tags.slug, name: tags.name }).from(tags).where(inArray(tags.slug, slugs))
    },

    /** Creates what is missing (by slug) and returns all of them; safe against concurrent creation. */
    async ensure(values: { slug: string; name: string }[]): Promise<{ id: string; slug: string }[]> {
      if (values.length === 0) return []
      await db.insert(tags).values(values).onConflictDoNothing({ target: tags.slug })
      return db.select({ id: tags.id, slug: tags.slug }).from(tags).where(inArray(tags.slug, values.map((v) => v.slug)))
    },

    async findIdBySlug(slug: string): Promise<string | undefined> {
      const [row] = await db.select({ id: tags.id }).from(tags).where(eq(tags.slug, slug)).limit(1)
      return row?.id
    },

    async insert(values: typeof tags.$inferInsert): Promise<string> {
      const [row] = await db.insert(tags).values(values).returning({ id: tags.id })
      return row!.id
    },

    ...versionedWrites(db, tags),

  }
}

export type TagRepository = ReturnType<typeof createTagRepository>
