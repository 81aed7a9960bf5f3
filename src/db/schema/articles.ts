import { sql } from 'drizzle-orm'
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core'
import { articleStatus, bodyFormat } from './enums.js'
import { media } from './media.js'
import { users } from './users.js'
import { authors, sections, tags } from './taxonomy.js'
import { tsvector } from './types.js'

export const articles = pgTable(
  'articles',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    slug: text('slug').notNull().unique(),
    title: text('title').notNull(),
    excerpt: text('excerpt').notNull().default(''),
    bodyFormat: bodyFormat('body_format').notNull().default('markdown'),
    bodySource: text('body_source').notNull().default(''),
    /** Sanitised HTML rendered from body_source; the only body ever served. */
    bodyHtml: text('body_html').notNull().default(''),
    /** Plain text of the body, for search, word count and similarity. */
    bodyText: text('body_text').notNull().default(''),
    featuredImageUrl: text('featured_image_url'),
    featuredImageAlt: text('featured_image_alt'),
    featuredImageCaption: text('featured_image_caption'),
    featuredImageCredit: text('featured_image_credit'),
    /**
     * A media library item as the featured image (then featured_image_url is null and the alt,
     * caption and credit columns override the item's own when set).
     */
    featuredMediaId: uuid('featured_media_id').references(() => media.id, { onDelete: 'set null' }),
    sectionId: uuid('section_id')
      .notNull()
      .references(() => sections.id, { onDelete: 'restrict' }),
    authorId: uuid('author_id')
      .notNull()
      .references(() => authors.id, { onDelete: 'restrict' }),
    status: articleStatus('status').notNull().default('draft'),
    /** The account that created the article: ownership for authors and contributors. */
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    /** The editor the article is assigned to (review desk). */
    assigneeId: uuid('assignee_id').references(() => users.id, { onDelete: 'set null' }),
    /** When and by whom the article was last submitted for review (the queue's order). */
    submittedAt: timestamp('submitted_at', { withTimezone: true }),
    submittedBy: uuid('submitted_by').references(() => users.id, { onDelete: 'set null' }),
    /** When the article is (or becomes, if scheduled) public. */
    publishedAt: timestamp('published_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    version: integer('version').notNull().default(1),
    wordCount: integer('word_count').notNull().default(0),
    readingTimeMinutes: integer('reading_time_minutes').notNull().default(0),
    seoMetaTitle: text('seo_meta_title'),
    seoMetaDescription: text('seo_meta_description'),
    seoCanonicalUrl: text('seo_canonical_url'),
    seoOgImage: text('seo_og_image'),
    commentsOpen: boolean('comments_open').notNull().default(true),
    /** Email it to its section's followers when it is published: true, false, or null for the site's default (newsletter autosend). */
    newsletter: boolean('newsletter'),
    /** An editor's pick: GET /v1/articles?featured=true, and what a collection of rule `featured` fills with. */
    featured: boolean('featured').notNull().default(false),
    /** Breaking news until this moment (the banner: GET /v1/articles?breaking=true); null = not breaking. */
    breakingUntil: timestamp('breaking_until', { withTimezone: true }),
    /** Approved comments; maintained in the same transaction as every moderation change. */
    commentCount: integer('comment_count').notNull().default(0),
    /**
     * The article's tags as public reads show them ({slug, name} in the article's order), kept by
     * triggers on article_tags and tags (migrations/0012): a list reads them off the row instead of
     * looking up every article's tags, which was 40 % of the database's work for "latest 20".
     */
    tagRefs: jsonb('tag_refs').$type<{ slug: string; name: string }[]>().notNull().default([]),
    /**
     * The byline as public reads show it ({id, slug, name} in order), kept by triggers on
     * article_authors and authors (migrations/0022), like tag_refs: lists read it off the row.
     */
    authorRefs: jsonb('author_refs').$type<{ id: string; slug: string; name: string }[]>().notNull().default([]),
    search: tsvector('search')
      .notNull()
      .generatedAlwaysAs(
        sql`setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A') || setweight(to_tsvector('english'::regconfig, coalesce(excerpt, '')), 'B') || setweight(to_tsvector('english'::regconfig, coalesce(body_text, '')), 'C')`,
      ),
    /**
     * Title (A) and excerpt (B) only. Relevance is ranked on it: an article whose title or excerpt
     * matches the whole query ranks by ts_rank here; a match that needs the body ranks after them,
     * newest first. So a page of results never ranks (or decompresses) every body that matches.
     */
    searchHead: tsvector('search_head')
      .notNull()
      .generatedAlwaysAs(
        sql`setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A') || setweight(to_tsvector('english'::regconfig, coalesce(excerpt, '')), 'B')`,
      ),
  },
  (t) => [
    // The public list: visible = published or scheduled-and-due, newest first, keyset on (published_at, id).
    index('articles_public_feed_idx')
      .on(t.publishedAt.desc().nullsFirst(), t.id.desc().nullsFirst())
      .where(sql`status in ('published', 'scheduled')`),
    index('articles_section_feed_idx')
      .on(t.sectionId, t.publishedAt.desc().nullsFirst(), t.id.desc().nullsFirst())
      .where(sql`status in ('published', 'scheduled')`),
    index('articles_author_feed_idx')
      .on(t.authorId, t.publishedAt.desc().nullsFirst(), t.id.desc().nullsFirst())
      .where(sql`status in ('published', 'scheduled')`),
    // Featured and breaking lists: few rows each, newest first.
    index('articles_featured_feed_idx')
      .on(t.publishedAt.desc().nullsFirst(), t.id.desc().nullsFirst())
      .where(sql`status in ('published', 'scheduled') and featured`),
    index('articles_breaking_feed_idx')
      .on(t.publishedAt.desc().nullsFirst(), t.id.desc().nullsFirst())
      .where(sql`status in ('published', 'scheduled') and breaking_until is not null`),
    index('articles_status_idx').on(t.status, t.updatedAt.desc().nullsFirst()),
    index('articles_created_by_idx').on(t.createdBy),
    // The review queue (status in_review, oldest submission first). Not a partial index: the
    // migration adding the status cannot name the new enum value in its own transaction.
    index('articles_review_queue_idx').on(t.status, t.submittedAt, t.id),
    index('articles_assignee_idx').on(t.assigneeId),
    index('articles_featured_media_idx').on(t.featuredMediaId),
    index('articles_search_idx').using('gin', t.search),
    index('articles_search_head_idx').using('gin', t.searchHead),
    // Only the public states need a date. Written with the states that existed before the review
    // states were added, so the migration adding them never uses a new enum value in its transaction.
    check('articles_published_has_date', sql`status not in ('scheduled', 'published') or published_at is not null`),
    check('articles_version_positive', sql`version > 0`),
    // Keyset cursors carry millisecond timestamps (JavaScript dates); finer values would make pages skip rows.
    check('articles_published_at_ms', sql`published_at = date_trunc('milliseconds', published_at)`),
  ],
)

export const articleTags = pgTable(
  'article_tags',
  {
    articleId: uuid('article_id')
      .notNull()
      .references(() => articles.id, { onDelete: 'cascade' }),
    tagId: uuid('tag_id')
      .notNull()
      .references(() => tags.id, { onDelete: 'cascade' }),
    position: integer('position').notNull().default(0),
    /**
     * The article's published_at while its status is published or scheduled, else null: kept by
     * database triggers (migration 0004) so "latest with tag X" and Related Posts read one index.
     */
    publishedAt: timestamp('published_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.articleId, t.tagId] }),
    index('article_tags_tag_idx').on(t.tagId, t.articleId),
    index('article_tags_tag_feed_idx')
      .on(t.tagId, t.publishedAt.desc().nullsFirst(), t.articleId.desc().nullsFirst())
      .where(sql`published_at is not null`),
  ],
)

/** Editor-pinned Related Posts, shown before the ranked ones. */
export const articleRelatedPins = pgTable(
  'article_related_pins',
  {
    articleId: uuid('article_id')
      .notNull()
      .references(() => articles.id, { onDelete: 'cascade' }),
    relatedArticleId: uuid('related_article_id')
      .notNull()
      .references(() => articles.id, { onDelete: 'cascade' }),
    position: integer('position').notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.articleId, t.relatedArticleId] }),
    check('article_related_pins_not_self', sql`article_id <> related_article_id`),
  ],
)

/** Old slugs keep answering with a 301 to the article's current slug. */
export const articleSlugRedirects = pgTable(
  'article_slug_redirects',
  {
    slug: text('slug').primaryKey(),
    articleId: uuid('article_id')
      .notNull()
      .references(() => articles.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('article_slug_redirects_article_idx').on(t.articleId)],
)

/** Every saved state of an article (version N = the state after its Nth write), for history and restore. */
export const articleRevisions = pgTable(
  'article_revisions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    articleId: uuid('article_id')
      .notNull()
      .references(() => articles.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    snapshot: jsonb('snapshot').$type<Record<string, unknown>>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
  },
  (t) => [uniqueIndex('article_revisions_article_version_idx').on(t.articleId, t.version)],
)

/** Media items an article's body shows (`media:<id>` images): usage and delete protection. */
export const articleBodyMedia = pgTable(
  'article_body_media',
  {
    articleId: uuid('article_id')
      .notNull()
      .references(() => articles.id, { onDelete: 'cascade' }),
    mediaId: uuid('media_id')
      .notNull()
      .references(() => media.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.articleId, t.mediaId] }), index('article_body_media_media_idx').on(t.mediaId)],
)

/**
 * The editorial thread of an article: internal notes between its writer and the desk, never
 * public. Each note records the version it was written against, so it reads in the context of
 * the revisions (GET …/revisions/{version}).
 */
export const articleNotes = pgTable(
  'article_notes',
  {
    /** Increasing: the thread's order, even for notes written in the same instant. */
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    articleId: uuid('article_id')
      .notNull()
      .references(() => articles.id, { onDelete: 'cascade' }),
    authorId: uuid('author_id').references(() => users.id, { onDelete: 'set null' }),
    /** Copied, so the thread still reads when the account is deleted. */
    authorName: text('author_name').notNull(),
    body: text('body').notNull(),
    articleVersion: integer('article_version').notNull(),
    /** The status change the note came with (e.g. changes_requested), if any. */
    transition: articleStatus('transition'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('article_notes_article_idx').on(t.articleId, t.id)],
)
