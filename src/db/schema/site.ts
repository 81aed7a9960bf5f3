import { sql } from 'drizzle-orm'
import { boolean, check, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core'
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
    /** Articles whose own `newsletter` flag is unset are emailed to their followers when published. */
    newsletterAutosend: boolean('newsletter_autosend').notNull().default(false),
    /** Digests go out at this hour (0–23) of the site's time zone: daily ones every day, weekly ones on `digestWeekday`. */
    digestHour: integer('digest_hour').notNull().default(8),
    /** An IANA time zone (checked with Intl when set). */
    digestTimeZone: text('digest_time_zone').notNull().default('UTC'),
    /** 0 Sunday … 6 Saturday (the API names the day). */
    digestWeekday: integer('digest_weekday').notNull().default(1),
    version: integer('version').notNull().default(1),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('site_settings_single_row', sql`${t.id} = 1`),
    check('site_settings_language_code', sql`${t.language} ~ '^([a-z]{2,3}|zh-cn|zh-tw)$'`),
    check('site_settings_digest_hour', sql`${t.digestHour} between 0 and 23`),
    check('site_settings_digest_weekday', sql`${t.digestWeekday} between 0 and 6`),
  ],
)
