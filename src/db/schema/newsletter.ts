import { sql } from 'drizzle-orm'
import { index, integer, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { articles } from './articles.js'
import { users } from './users.js'
import { citext } from './types.js'

/** bounced: a permanent (5xx) SMTP failure or a reported bounce; complained: a reported spam complaint. Neither receives anything. */
export const subscriberStatus = pgEnum('subscriber_status', ['pending', 'confirmed', 'unsubscribed', 'bounced', 'complained'])
/** How often a subscriber hears from us: each article as it is sent (instant), or a daily or weekly digest. */
export const newsletterCadence = pgEnum('newsletter_cadence', ['instant', 'daily', 'weekly'])

/**
 * Newsletter subscribers (double opt-in). The address is unique whatever its case (citext). The
 * confirmation token is stored only as a hash; the consent of each signup is recorded.
 */
export const subscribers = pgTable(
  'subscribers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    email: citext('email').notNull().unique(),
    name: text('name'),
    status: subscriberStatus('status').notNull().default('pending'),
    /** Section slugs of interest; empty means everything. */
    sections: text('sections').array().notNull().default(sql`'{}'::text[]`),
    cadence: newsletterCadence('cadence').notNull().default('instant'),
    confirmTokenHash: text('confirm_token_hash').unique(),
    confirmTokenExpiresAt: timestamp('confirm_token_expires_at', { withTimezone: true }),
    /** Last confirmation email: repeated signups resend at most once per interval. */
    confirmSentAt: timestamp('confirm_sent_at', { withTimezone: true }),
    consentAt: timestamp('consent_at', { withTimezone: true }).notNull(),
    consentIp: text('consent_ip'),
    consentUserAgent: text('consent_user_agent'),
    consentSource: text('consent_source').notNull().default('api'),
    privacyPolicyVersion: text('privacy_policy_version').notNull(),
    confirmedAt: timestamp('confirmed_at', { withTimezone: true }),
    unsubscribedAt: timestamp('unsubscribed_at', { withTimezone: true }),
    /** The end of the window the last digest covered: the next one lists what was published after it. */
    lastDigestAt: timestamp('last_digest_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('subscribers_status_idx').on(t.status, t.createdAt)],
)

/** GDPR erasures: that one happened, when and by whom, never whose address it was. */
export const subscriberErasures = pgTable('subscriber_erasures', {
  id: uuid('id').primaryKey().defaultRandom(),
  subscriberId: uuid('subscriber_id').notNull(),
  erasedAt: timestamp('erased_at', { withTimezone: true }).notNull().defaultNow(),
  erasedBy: uuid('erased_by').references(() => users.id, { onDelete: 'set null' }),
  reason: text('reason').notNull().default(''),
})

export const newsletterSendStatus = pgEnum('newsletter_send_status', ['queued', 'sending', 'sent', 'cancelled'])

/**
 * One article sent to its followers. The email is rendered once, when the send is queued, with
 * per-recipient placeholders for the unsubscribe and preferences links; `fanoutAfter` is the
 * subscriber id up to which one outbox job per recipient has been written (the fan-out goes in
 * bounded chunks and resumes there after a crash). Each recipient's job has the dedupe key
 * `newsletter:<send>:<subscriber>`: a (send, subscriber) pair is queued at most once.
 */
export const newsletterSends = pgTable(
  'newsletter_sends',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    articleId: uuid('article_id').references(() => articles.id, { onDelete: 'set null' }),
    sectionSlug: text('section_slug').notNull(),
    status: newsletterSendStatus('status').notNull().default('queued'),
    subject: text('subject').notNull(),
    html: text('html').notNull(),
    text: text('text').notNull(),
    recipients: integer('recipients').notNull().default(0),
    fanoutAfter: uuid('fanout_after'),
    fanoutDone: timestamp('fanout_done', { withTimezone: true }),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    /**
     * The send's counts by outcome, kept when housekeeping deletes its recipients' outbox jobs
     * (which they are counted from until then); null while the jobs are there.
     */
    finalCounts: jsonb('final_counts').$type<Record<'queued' | 'delivered' | 'failed' | 'bounced' | 'skipped', number>>(),
  },
  (t) => [index('newsletter_sends_article_idx').on(t.articleId, t.createdAt), index('newsletter_sends_created_idx').on(t.createdAt.desc().nullsFirst())],
)

/**
 * Which articles each subscriber was sent, and how: `send` (an article email; `ref` is the send) or
 * `digest` (`ref` is the digest's period key). One row per (subscriber, article): whoever inserts
 * it first owns the article for that reader, so an article is never in both an instant email and a
 * digest, nor in two digests, whichever workers race.
 */
export const newsletterDeliveries = pgTable(
  'newsletter_deliveries',
  {
    subscriberId: uuid('subscriber_id')
      .notNull()
      .references(() => subscribers.id, { onDelete: 'cascade' }),
    articleId: uuid('article_id')
      .notNull()
      .references(() => articles.id, { onDelete: 'cascade' }),
    via: text('via', { enum: ['send', 'digest'] }).notNull(),
    ref: text('ref').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.subscriberId, t.articleId] }), index('newsletter_deliveries_ref_idx').on(t.subscriberId, t.ref)],
)
