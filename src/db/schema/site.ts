import { sql } from 'drizzle-orm'
import { check, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core'
import type { LinkItem, PermalinkSettings, SocialLink } from './types.js'

/** A single row (id = 1): the publication's identity and chrome. */
export const siteSettings = pgTable(
  'site_settings',
  {
    id: integer('id').primaryKey().default(1),
    title: text('title').notNull(),
    tagline: text('tagline').notNull().default(''),
    description: text('description').notNull().default(''),
    url: text('url'),
    logoUrl: text('logo_url'),
    /** The publication's language (ISO 639 code, e.g. en, or zh-cn / zh-tw): the news sitemap and feeds say it. */
    language: text('language').notNull().default('en'),
    socialLinks: jsonb('social_links').$type<SocialLink[]>().notNull().default(sql`'[]'::jsonb`),
    /** Links shown in the navigation after the sections (which come first, in editor order). */
    navigationLinks: jsonb('navigation_links').$type<LinkItem[]>().notNull().default(sql`'[]'::jsonb`),
    footerLinks: jsonb('footer_links').$type<LinkItem[]>().notNull().default(sql`'[]'::jsonb`),
    /** Permalink patterns by kind; a kind left out uses the default (src/lib/permalinks.ts). */
    permalinks: jsonb('permalinks').$type<PermalinkSettings>().notNull().default(sql`'{}'::jsonb`),
    /** Earlier patterns by kind, newest first: their paths keep resolving as redirects. */
    permalinkHistory: jsonb('permalink_history').$type<Record<string, string[]>>().notNull().default(sql`'{}'::jsonb`),
    version: integer('version').notNull().default(1),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('site_settings_single_row', sql`${t.id} = 1`),
    check('site_settings_language_code', sql`${t.language} ~ '^([a-z]{2,3}|zh-cn|zh-tw)$'`),
  ],
)
