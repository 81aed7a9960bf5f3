import type { ArticleRecord } from '../../db/repositories/articles.js'
import type { AdminArticleBody } from '../../schemas/admin.js'
import type { SiteLinks } from '../permalinks.js'
import { isPublicState } from './workflow.js'

/** What readers get: the article's own text where it has some (an empty alt too), else the media item's. */
function adminFeaturedImage(row: ArticleRecord): AdminArticleBody['featured_image'] {
  if (!row.featuredImageUrl) return null
  const m = row.featuredMediaId ? row.featuredMediaText : null
  return {
    url: row.featuredImageUrl,
    alt: row.featuredImageAlt ?? m?.alt ?? '',
    caption: row.featuredImageCaption ?? m?.caption ?? null,
    credit: row.featuredImageCredit ?? m?.credit ?? null,
    media_id: row.featuredMediaId,
  }
}

export interface AdminPresentation {
  publicUrl: string
  now: Date
  links: SiteLinks
}

export function presentAdminArticle(row: ArticleRecord, options: AdminPresentation): AdminArticleBody {
  const isPublic = isPublicState({ status: row.status, publishedAt: row.publishedAt }, options.now)
  const links = options.links
  return {
    id: row.id,
    slug: row.slug,
    title: row.title,
    excerpt: row.excerpt,
    status: row.status,
    version: row.version,
    body_format: row.bodyFormat,
    body_source: row.bodySource,
    body_html: row.bodyHtml,
    word_count: row.wordCount,
    reading_time_minutes: row.readingTimeMinutes,
    featured_image: adminFeaturedImage(row),
    section: { slug: row.sectionSlug, name: row.sectionName, url: links.section(row.sectionSlug) },
    author: { slug: row.authorSlug, name: row.authorName, url: links.author(row.authorSlug) },
    authors: row.authors.map((a) => ({ slug: a.slug, name: a.name, url: links.author(a.slug) })),
    corrections: row.corrections.map((c) => ({ id: c.id, kind: c.kind, text: c.text, at: new Date(c.at).toISOString() })),
    tags: row.tags.map((t) => ({ slug: t.slug, name: t.name, url: links.tag(t.slug) })),
    related_article_ids: row.relatedIds,
    published_at: row.publishedAt ? row.publishedAt.toISOString() : null,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
    created_by: row.createdBy,
    submitted_at: row.submittedAt ? row.submittedAt.toISOString() : null,
    submitted_by: row.submittedBy ? { id: row.submittedBy, name: row.submittedByName ?? '' } : null,
    assignee: row.assigneeId ? { id: row.assigneeId, name: row.assigneeName ?? '' } : null,
    comments_open: row.commentsOpen,
    comment_count: row.commentCount,
    newsletter: row.newsletter,
    featured: row.featured,
    breaking_until: row.breakingUntil ? row.breakingUntil.toISOString() : null,
    seo: {
      meta_title: row.seoMetaTitle,
      meta_description: row.seoMetaDescription,
      canonical_url: row.seoCanonicalUrl,
      og_image: row.seoOgImage,
    },
    is_public: isPublic,
    // The site's address (site.url and its permalinks), not the API's: what an editor or a webhook shares.
    public_url: isPublic ? links.articleIfDated(row) : null,
    url: links.articleIfDated(row),
  }
}

/** What a revision keeps: every field an editor can change, references by slug. */
export function articleSnapshot(row: ArticleRecord): Record<string, unknown> {
  return {
    title: row.title,
    slug: row.slug,
    excerpt: row.excerpt,
    body_format: row.bodyFormat,
    body: row.bodySource,
    featured_image: row.featuredMediaId
      ? { media_id: row.featuredMediaId, alt: row.featuredImageAlt, caption: row.featuredImageCaption, credit: row.featuredImageCredit }
      : row.featuredImageUrl
        ? { url: row.featuredImageUrl, alt: row.featuredImageAlt ?? '', caption: row.featuredImageCaption, credit: row.featuredImageCredit }
        : null,
    section: row.sectionSlug,
    author: row.authorSlug,
    authors: row.authors.map((a) => a.slug),
    // Not restored with the rest (a correction is never taken back): kept so history shows every wording.
    corrections: row.corrections.map((c) => ({ id: c.id, kind: c.kind, text: c.text, at: new Date(c.at).toISOString() })),
    tags: row.tags.map((t) => t.slug),
    related_article_ids: row.relatedIds,
    status: row.status,
    published_at: row.publishedAt ? row.publishedAt.toISOString() : null,
    seo: {
      meta_title: row.seoMetaTitle,
      meta_description: row.seoMetaDescription,
      canonical_url: row.seoCanonicalUrl,
      og_image: row.seoOgImage,
    },
    comments_open: row.commentsOpen,
    featured: row.featured,
    breaking_until: row.breakingUntil ? row.breakingUntil.toISOString() : null,
  }
}
