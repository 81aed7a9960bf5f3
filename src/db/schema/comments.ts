import { sql } from 'drizzle-orm'
import { type AnyPgColumn, bigint, boolean, check, index, integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { articles } from './articles.js'
import { users } from './users.js'

export const commentStatus = pgEnum('comment_status', ['pending', 'approved', 'spam', 'trash'])
export const commentBlockKind = pgEnum('comment_block_kind', ['email', 'ip'])

/**
 * Reader comments, threaded. Only `approved` rows without `deleted_at` are public, and
 * `articles.comment_count` counts exactly those (kept by a trigger, migration 0007, in the same
 * transaction as every insert, status change and delete). `root_id` is the top-level comment of the
 * thread (its own id for a top-level comment), so the public thread pages top-level comments and
 * loads whole threads by one index.
 */
export const comments = pgTable(
  'comments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Insertion order: breaks ties between equal created_at so "oldest first" is a total order. */
    seq: bigint('seq', { mode: 'number' }).notNull().generatedAlwaysAsIdentity(),
    articleId: uuid('article_id')
      .notNull()
      .references(() => articles.id, { onDelete: 'cascade' }),
    parentId: uuid('parent_id').references((): AnyPgColumn => comments.id, { onDelete: 'cascade' }),
    rootId: uuid('root_id').notNull(),
    /** 0 for a top-level comment; replies are never deeper than the thread depth cap allows. */
    depth: integer('depth').notNull().default(0),
    authorName: text('author_name').notNull(),
    /** Trimmed and lower-cased; never shown publicly. */
    authorEmail: text('author_email').notNull(),
    authorWebsite: text('author_website'),
    /** Plain text, served as text (never rendered as HTML by the API). */
    body: text('body').notNull(),
    status: commentStatus('status').notNull().default('pending'),
    /** The status before the comment went to spam or trash, for "restore". */
    statusBefore: commentStatus('status_before'),
    ip: text('ip'),
    userAgent: text('user_agent'),
    referrer: text('referrer'),
    isStaff: boolean('is_staff').notNull().default(false),
    staffUserId: uuid('staff_user_id').references(() => users.id, { onDelete: 'set null' }),
    /** Why the pipeline held or flagged the comment (e.g. ["honeypot"], ["first_comment"]). */
    spamReasons: jsonb('spam_reasons').$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    /** What Akismet's comment-check said: ham, spam, or unavailable (error/timeout); null = not asked. */
    akismetResult: text('akismet_result'),
    /** The last verdict sent to Akismet by submit-spam / submit-ham, when moderators overruled it. */
    akismetFeedback: text('akismet_feedback'),
    /** Set when deleted for good while replies remain: the row stays as a "[deleted]" tombstone, its personal data erased. */
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    approvedAt: timestamp('approved_at', { withTimezone: true }),
    /** Bumped by every moderation write: its ETag ("v<version>"), which If-Match must name (optimistic concurrency). */
    version: integer('version').notNull().default(1),
  },
  (t) => [
    // The public thread: an article's approved comments, oldest first; its top-level comments, paged.
    index('comments_article_status_created_idx').on(t.articleId, t.status, t.createdAt, t.id),
    index('comments_article_roots_idx').on(t.articleId, t.createdAt, t.seq).where(sql`parent_id is null`),
    // Whole threads by their top-level comment.
    index('comments_root_idx').on(t.rootId, t.status),
    index('comments_parent_idx').on(t.parentId),
    // Moderation lists: by status, newest first.
    index('comments_status_created_idx').on(t.status, t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    // "Has this commenter an approved comment?" and duplicate detection.
    index('comments_email_idx').on(t.authorEmail, t.status),
    check('comments_depth_range', sql`${t.depth} >= 0 and ${t.depth} < 16`),
    check('comments_root_shape', sql`(${t.parentId} is null) = (${t.rootId} = ${t.id})`),
    check('comments_akismet_result', sql`${t.akismetResult} is null or ${t.akismetResult} in ('ham', 'spam', 'unavailable')`),
    check('comments_version_positive', sql`${t.version} > 0`),
    check('comments_akismet_feedback', sql`${t.akismetFeedback} is null or ${t.akismetFeedback} in ('ham', 'spam')`),
  ],
)

/** Commenters refused for good: an email address, a whole email domain (`@example.com`), an IP or a CIDR range. */
export const commentBlocks = pgTable(
  'comment_blocks',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: commentBlockKind('kind').notNull(),
    /** Lower-cased email or `@domain`; an IP address or CIDR range in canonical form. */
    value: text('value').notNull(),
    reason: text('reason').notNull().default(''),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('comment_blocks_kind_value_idx').on(t.kind, t.value)],
)
