import { and, asc, eq } from 'drizzle-orm'
import type { Executor } from '../client.js'
import { pages } from '../schema/index.js'

export type PageRow = typeof pages.$inferSelect

export function createPageRepository(db: Executor) {
  return {
    async findPublishedBySlug(slug: string): Promise<PageRow | undefined> {
      const [row] = await db
        .select()
        .from(pages)
        .where(and(eq(pages.slug, slug), eq(pages.status, 'published')))
        .limit(1)
      return row
    },

    async listPublished(): Promise<Pick<PageRow, 'slug' | 'title' | 'updatedAt'>[]> {
      return db
        .select({ slug: pages.slug, title: pages.title, updatedAt: pages.updatedAt })
        .from(pages)
        .where(eq(pages.status, 'published'))
        .orderBy(asc(pages.title))
    },
  }
}

export type PageRepository = ReturnType<typeof createPageRepository>
