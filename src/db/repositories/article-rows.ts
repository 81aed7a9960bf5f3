import { and, lte, sql, type SQL } from 'drizzle-orm'
import { articleAuthors, articleCorrections, articles, authors, media, sections, type MediaRendition } from '../schema/index.js'
import type { SocialLink } from '../schema/types.js'

/**
 * Read models of public articles. "Public" is one rule, kept here in one place: published, or
 * scheduled with its time passed (so a schedule needs no job to become visible), and published_at
 * not in the future. `now` comes from the caller's clock.
 */
export interface PublicArticleFilter {
  now: Date
  section?: string | undefined
  tags?: string[] | undefined
  author?: string | undefined
  publishedAfter?: Date | undefined
  publishedBefore?: Date | undefined
  excludeSlugs?: string[] | undefined
  /** true: editors' picks only; false: all but them. */
  featured?: boolean | undefined
  /** true: breaking news (breaking_until after `now`); false: all but it. */
  breaking?: boolean | undefined
}

export type ListOrder = 'desc' | 'asc'

export interface Keyset {
  at: string
  id: string
  direction: 'after' | 'before'
}

export interface TagRefRow {
  slug: string
  name: string
}

/** A public note on the article (corrections box), oldest first. */
export interface CorrectionRefRow {
  id: string
  kind: 'correction' | 'update' | 'clarification'
  text: string
  at: string
}

/** One author of a byline as lists show it (kept on the article row, in byline order). */
export interface AuthorRefRow {
  id: string
  slug: string
  name: string
}

/** One author of a byline as the article page shows it (the author box). */
export interface BylineAuthorRow extends AuthorRefRow {
  bio: string
  website: string | null
  avatar_url: string | null
  social_links: SocialLink[]
}

/** What a featured media library image brings to a public read (JSON from one primary-key lookup). */
export interface FeaturedMediaRow {
  alt: string
  caption: string | null
  credit: string | null
  width: number
  height: number
  focal_x: number | null
  focal_y: number | null
  renditions: MediaRendition[]
}

export interface ArticleSummaryRow {
  id: string
  slug: string
  title: string
  excerpt: string
  featuredImageUrl: string | null
  featuredImageAlt: string | null
  featuredImageCaption: string | null
  featuredImageCredit: string | null
  featuredMediaId: string | null
  featuredMedia: FeaturedMediaRow | null
  sectionSlug: string
  sectionName: string
  authorSlug: string
  authorName: string
  /** The whole byline, first author first (the first is also authorSlug/authorName). */
  authors: AuthorRefRow[]
  tags: TagRefRow[]
  publishedAt: Date
  updatedAt: Date
  readingTimeMinutes: number
  commentCount: number
}

export interface ArticleFullRow extends ArticleSummaryRow {
  bodyHtml: string
  wordCount: number
  commentsOpen: boolean
  seoMetaTitle: string | null
  seoMetaDescription: string | null
  seoCanonicalUrl: string | null
  seoOgImage: string | null
  authorBio: string
  authorWebsite: string | null
  authorAvatarUrl: string | null
  authorSocialLinks: SocialLink[]
  byline: BylineAuthorRow[]
  corrections: CorrectionRefRow[]
  status: (typeof articles.$inferSelect)['status']
}

/** `status in (...)` as literal SQL so the planner can match the partial feed indexes. */
export const visibleStatus = sql`${articles.status} in ('published', 'scheduled')`

export function isPublic(now: Date): SQL {
  return and(visibleStatus, lte(articles.publishedAt, now)) as SQL
}

/**
 * The same rule for an aliased `articles` inside a raw subquery. Correlated subqueries spell out
 * their outer references ("sections"."id"): drizzle drops table names from columns in the select
 * list of a single-table query, which would silently bind them to the inner table.
 */
export function isPublicAs(alias: string, now: Date): SQL {
  const a = sql.raw(alias)
  return sql`${a}.status in ('published', 'scheduled') and ${a}.published_at <= ${now.toISOString()}::timestamptz`
}

/**
 * The featured media item's metadata and renditions, by primary key, inside the same statement (so
 * the prepared hot reads stay one round trip). Spelled with "articles": drizzle drops table names
 * from columns in the select list of a single-table query, which would bind them to the inner table.
 */
const featuredMediaOf = sql<FeaturedMediaRow | null>`(select json_build_object('alt', m.alt, 'caption', m.caption, 'credit', m.credit, 'width', m.width, 'height', m.height, 'focal_x', m.focal_x, 'focal_y', m.focal_y, 'renditions', m.renditions) from ${media} m where m.id = "articles"."featured_media_id")`

export const summaryColumns = {
  id: articles.id,
  slug: articles.slug,
  title: articles.title,
  excerpt: articles.excerpt,
  featuredImageUrl: articles.featuredImageUrl,
  featuredImageAlt: articles.featuredImageAlt,
  featuredImageCaption: articles.featuredImageCaption,
  featuredImageCredit: articles.featuredImageCredit,
  featuredMediaId: articles.featuredMediaId,
  featuredMedia: featuredMediaOf,
  sectionSlug: sections.slug,
  sectionName: sections.name,
  authorSlug: authors.slug,
  authorName: authors.name,
  // Kept on the row by triggers (migrations/0022_bylines_corrections.sql), in byline order.
  authors: articles.authorRefs,
  // Kept on the row by triggers (migrations/0012_tag_refs.sql), in the article's order.
  tags: articles.tagRefs,
  publishedAt: sql<Date>`${articles.publishedAt}`.mapWith(articles.publishedAt),
  updatedAt: articles.updatedAt,
  readingTimeMinutes: articles.readingTimeMinutes,
  commentCount: articles.commentCount,
}

/** Every author of the byline with the author box's fields: one small index range (an article has few authors). */
const bylineOf = sql<BylineAuthorRow[]>`coalesce((select json_agg(json_build_object('id', au.id, 'slug', au.slug, 'name', au.name, 'bio', au.bio, 'website', au.website, 'avatar_url', au.avatar_url, 'social_links', au.social_links) order by aa.position, au.name) from ${articleAuthors} aa join ${authors} au on au.id = aa.author_id where aa.article_id = "articles"."id"), '[]'::json)`

/** The article's public notes in order (usually none: one index probe). */
export const correctionsOf = sql<CorrectionRefRow[]>`coalesce((select json_agg(json_build_object('id', c.id, 'kind', c.kind, 'text', c.text, 'at', c.at) order by c.at, c.id) from ${articleCorrections} c where c.article_id = "articles"."id"), '[]'::json)`

export const fullColumns = {
  ...summaryColumns,
  bodyHtml: articles.bodyHtml,
  wordCount: articles.wordCount,
  commentsOpen: articles.commentsOpen,
  seoMetaTitle: articles.seoMetaTitle,
  seoMetaDescription: articles.seoMetaDescription,
  seoCanonicalUrl: articles.seoCanonicalUrl,
  seoOgImage: articles.seoOgImage,
  authorBio: authors.bio,
  authorWebsite: authors.website,
  authorAvatarUrl: authors.avatarUrl,
  authorSocialLinks: authors.socialLinks,
  byline: bylineOf,
  corrections: correctionsOf,
  status: articles.status,
}
