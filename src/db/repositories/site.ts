import { and, eq, sql } from 'drizzle-orm'
import type { Executor } from '../client.js'
import { siteSettings } from '../schema/index.js'

export type SiteSettingsRow = typeof siteSettings.$inferSelect

export function createSiteRepository(db: Executor) {
  return {
    async get(): Promise<SiteSettingsRow | undefined> {
      const [row] = await db.select().from(siteSettings).where(eq(siteSettings.id, 1)).limit(1)
      return row
    },

    /** The settings row, created with placeholder values when the site was started without the demo seed. */
    async ensure(): Promise<SiteSettingsRow> {
      await db.insert(siteSettings).values({ id: 1, title: 'Untitled publication' }).onConflictDoNothing()
      const [row] = await db.select().from(siteSettings).where(eq(siteSettings.id, 1)).limit(1)
      return row!
    },

    async update(expectedVersion: number, values: Partial<typeof siteSettings.$inferInsert>): Promise<SiteSettingsRow | undefined> {
      const [row] = await db
        .update(siteSettings)
        .set({ ...values, version: sql`${siteSettings.version} + 1`, updatedAt: sql`now()` })
        .where(and(eq(siteSettings.id, 1), eq(siteSettings.version, expectedVersion)))
        .returning()
      return row
    },
  }
}

export type SiteRepository = ReturnType<typeof createSiteRepository>
