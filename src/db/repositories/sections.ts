import { and, asc, eq, ne, sql } from 'drizzle-orm'
import type { Executor } from '../client.js'
import { articles, sections } from '../schema/index.js'
import { isPublicAs } from './article-reads.js'
import { versionedWrites } from './versioned.js'

export interface SectionRow {
  id: string
  slug: string
  version: number
  name: string
  description: string
  position: number
  articleCount: number
}

function publicCount(now: Date) {
  return sql<number>`(select count(*) from ${articles} a where a.section_id = "sections"."id" and ${isPublicAs('a', now)})`.mapWith(
    Number,
  )
}

export function createSectionRepository(db: Executor) {
  const columns = (now: Date) => ({
    id: sections.id,
    slug: sections.slug,
    version: sections.version,
    name: sections.name,
    description: sections.description,
    position: sections.position,
    articleCount: publicCount(now),
  })
  return {
    /** In navigation order. */
    async list(now: Date): Promise<SectionRow[]> {
      return db.select(columns(now)).from(sections).orderBy(asc(sections.position), asc(sections.name))
    },

    async findBySlug(slug: string, now: Date): Promise<SectionRow | undefined> {
      const [row] = await db.select(columns(now)).from(sections).where(eq(sections.slug, slug)).limit(1)
      return row
    },

    async findIdBySlug(slug: string): Promise<string | undefined> {
      const [row] = await db.select({ id: sections.id }).from(sections).where(eq(sections.slug, slug)).limit(1)
      return row?.id
    },

    async slugs(): Promise<string[]> {
      return (await db.select({ slug: sections.slug }).from(sections).orderBy(asc(sections.position), asc(sections.name))).map((r) => r.slug)
    },

    async nextPosition(): Promise<number> {
      const [row] = await db.select({ max: sql<number | null>`max(${sections.position})` }).from(sections)
      return row?.max === null || row?.max === undefined ? 0 : Number(row.max) + 1
    },

    async insert(values: typeof sections.$inferInsert): Promise<string> {
      const [row] = await db.insert(sections).values(values).returning({ id: sections.id })
      return row!.id
    },

    ...versionedWrites(db, sections),

    async setPosition(slug: string, position: number): Promise<void> {
      await db.update(sections).set({ position, version: sql`${sections.version} + 1`, updatedAt: sql`now()` }).where(and(eq(sections.slug, slug), ne(sections.position, position)))
    },
  }
}

export type SectionRepository = ReturnType<typeof createSectionRepository>
