import { eq } from 'drizzle-orm'
import type { Executor } from '../client.js'
import { siteSettings } from '../schema/index.js'

export type SiteSettingsRow = typeof siteSettings.$inferSelect

export function createSiteRepository(db: Executor) {
  return {
    async get(): Promise<SiteSettingsRow | undefined> {
      const [row] = await db.select().from(siteSettings).where(eq(siteSettings.id, 1)).limit(1)
      return row
    },
  }
}

export type SiteRepository = ReturnType<typeof createSiteRepository>
