import { asc, eq, sql } from 'drizzle-orm'
import type { Executor } from '../client.js'
import { articles, sections } from '../schema/index.js'
import { isPublicAs } from './article-reads.js'

export interface SectionRow {
  id: string
  slug: string
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
  }
}

export type SectionRepository = ReturnType<typeof createSectionRepository>
