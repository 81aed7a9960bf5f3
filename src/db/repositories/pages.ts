import { and, asc, eq, sql } from 'drizzle-orm'
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

    async findBySlug(slug: string): Promise<PageRow | undefined> {
      const [row] = await db.select().from(pages).where(eq(pages.slug, slug)).limit(1)
      return row
    },

    async findById(id: string): Promise<PageRow | undefined> {
      const [row] = await db.select().from(pages).where(eq(pages.id, id)).limit(1)
      return row
    },

    async list(): Promise<PageRow[]> {
      return db.select().from(pages).orderBy(asc(pages.title))
    },

    async insert(values: typeof pages.$inferInsert): Promise<PageRow> {
      const [row] = await db.insert(pages).values(values).returning()
      return row!
    },

    async update(id: string, expectedVersion: number, values: Partial<typeof pages.$inferInsert>): Promise<PageRow | undefined> {
      const [row] = await db
        .update(pages)
        .set({ ...values, version: sql`${pages.version} + 1`, updatedAt: sql`now()` })
        .where(and(eq(pages.id, id), eq(pages.version, expectedVersion)))
        .returning()
      return row
    },

    async delete(id: string, expectedVersion: number): Promise<boolean> {
      const rows = await db.delete(pages).where(and(eq(pages.id, id), eq(pages.version, expectedVersion))).returning({ id: pages.id })
      return rows.length > 0
    },

    async listPublished(): Promise<Pick<PageRow, 'id' | 'slug' | 'title' | 'updatedAt'>[]> {
      return db
        .select({ id: pages.id, slug: pages.slug, title: pages.title, updatedAt: pages.updatedAt })
        .from(pages)
        .where(eq(pages.status, 'published'))
        .orderBy(asc(pages.title))
    },
  }
}

export type PageRepository = ReturnType<typeof createPageRepository>
