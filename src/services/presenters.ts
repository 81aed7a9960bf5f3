import type { ArticleFullRow, ArticleSummaryRow } from '../db/repositories/article-reads.js'
import type { AuthorRow } from '../db/repositories/authors.js'
import type { PageRow } from '../db/repositories/pages.js'
import type { SectionRow } from '../db/repositories/sections.js'
import type { TagRow } from '../db/repositories/tags.js'
import type { UserWithAuthor } from '../db/repositories/users.js'
import type { AdminUserBody } from '../schemas/admin.js'
import type { ArticleBody, ArticleSummaryBody, AuthorBody, FeaturedImageBody, PageBody, SectionBody, TagBody } from '../schemas/content.js'
import type { SiteLinks } from './permalinks.js'
import { newsArticleJsonLd } from './structured-data.js'

/**
 * Output mappers: the only place a database row becomes a public representation. They allow-list
 * fields (nothing is spread from a row), so a column added later never leaks by accident. Every
 * resource carries its `url` on the public website, built from the site's links (kept in memory,
 * see permalinks.ts): no lookup per row.
 */
/**
 * The featured image: a plain URL, or a media library item whose own alt, caption and credit fill
 * in what the article does not override, with its renditions for srcset.
 */
export function presentFeaturedImage(row: ArticleSummaryRow): FeaturedImageBody | null {
  if (!row.featuredImageUrl) return null
  const m = row.featuredMediaId ? row.featuredMedia : null
  if (!m) {
    return {
      url: row.featuredImageUrl,
      alt: row.featuredImageAlt ?? '',
      caption: row.featuredImageCaption,
      credit: row.featuredImageCredit,
      media_id: null,
      width: null,
      height: null,
      focal_point: null,
      renditions: [],
    }
  }
  return {
    url: row.featuredImageUrl,
    // An explicit alt wins, the empty one too (a decorative image); null = the item's own.
    alt: row.featuredImageAlt ?? m.alt,
    caption: row.featuredImageCaption ?? m.caption,
    credit: row.featuredImageCredit ?? m.credit,
    media_id: row.featuredMediaId,
    width: m.width,
    height: m.height,
    focal_point: m.focal_x !== null && m.focal_y !== null ? { x: m.focal_x, y: m.focal_y } : null,
    renditions: m.renditions.map((r) => ({ url: r.url, width: r.width, height: r.height, format: r.format })),
  }
}

export function presentArticleSummary(row: ArticleSummaryRow, links: SiteLinks): ArticleSummaryBody {
  return {
    id: row.id,
    slug: row.slug,
    url: links.article(row),
    title: row.title,
    excerpt: row.excerpt,
    featured_image: presentFeaturedImage(row),
    section: { slug: row.sectionSlug, name: row.sectionName, url: links.section(row.sectionSlug) },
    author: { slug: row.authorSlug, name: row.authorName, url: links.author(row.authorSlug) },
    authors: row.authors.map((a) => ({ slug: a.slug, name: a.name, url: links.author(a.slug) })),
    tags: row.tags.map((t) => ({ slug: t.slug, name: t.name, url: links.tag(t.slug) })),
    published_at: row.publishedAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
    reading_time_minutes: row.readingTimeMinutes,
    comment_count: row.commentCount,
  }
}

/**
 * `commentsOpen`: the article's flag as the reader sees it now (COMMENTS_CLOSE_AFTER_DAYS applied).
 * One object literal, field by field in the summary's order: spreading the summary and replacing
 * its `author` took V8's slow object-clone path, 13 µs against 2 µs per article read (measured on
 * the bench machine); test/services/presenters.test.ts keeps the shared fields equal to the summary's.
 */
export function presentArticle(row: ArticleFullRow, links: SiteLinks, commentsOpen: boolean = row.commentsOpen): ArticleBody {
  const url = links.article(row)
  const publishedAt = row.publishedAt.toISOString()
  const updatedAt = row.updatedAt.toISOString()
  return {
    id: row.id,
    slug: row.slug,
    url,
    title: row.title,
    excerpt: row.excerpt,
    featured_image: presentFeaturedImage(row),
    section: { slug: row.sectionSlug, name: row.sectionName, url: links.section(row.sectionSlug) },
    author: {
      slug: row.authorSlug,
      name: row.authorName,
      url: links.author(row.authorSlug),
      bio: row.authorBio,
      website: row.authorWebsite,
      avatar_url: row.authorAvatarUrl,
      social_links: row.authorSocialLinks.map((l) => ({ network: l.network, url: l.url })),
    },
    authors: row.byline.map((a) => ({
      slug: a.slug,
      name: a.name,
      url: links.author(a.slug),
      bio: a.bio,
      website: a.website,
      avatar_url: a.avatar_url,
      social_links: a.social_links.map((l) => ({ network: l.network, url: l.url })),
    })),
    tags: row.tags.map((t) => ({ slug: t.slug, name: t.name, url: links.tag(t.slug) })),
    published_at: row.publishedAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
    reading_time_minutes: row.readingTimeMinutes,
    comment_count: row.commentCount,
    body_html: row.bodyHtml,
    word_count: row.wordCount,
    comments_open: commentsOpen,
    seo: {
      meta_title: row.seoMetaTitle ?? row.title,
      meta_description: row.seoMetaDescription ?? row.excerpt,
      canonical_url: row.seoCanonicalUrl ?? url,
      og_image: row.seoOgImage ?? row.featuredImageUrl,
    },
    corrections: row.corrections.map((c) => ({ id: c.id, kind: c.kind, text: c.text, at: new Date(c.at).toISOString() })),
    structured_data: newsArticleJsonLd(
      {
        url,
        title: row.title,
        excerpt: row.excerpt,
        publishedAt,
        updatedAt,
        sectionName: row.sectionName,
        tagNames: row.tags.map((t) => t.name),
        authors: row.byline.map((a) => ({ name: a.name, url: links.author(a.slug) })),
        image: row.featuredImageUrl ? { url: row.featuredImageUrl, renditions: row.featuredMediaId ? (row.featuredMedia?.renditions ?? []) : [] } : null,
        wordCount: row.wordCount,
        commentCount: row.commentCount,
      },
      links,
    ),
  }
}

export function presentSection(row: SectionRow, links: SiteLinks): SectionBody {
  return {
    slug: row.slug,
    url: links.section(row.slug),
    name: row.name,
    description: row.description,
    position: row.position,
    article_count: row.articleCount,
  }
}

export function presentAuthor(row: AuthorRow, links: SiteLinks): AuthorBody {
  return {
    slug: row.slug,
    url: links.author(row.slug),
    name: row.name,
    bio: row.bio,
    website: row.website,
    avatar_url: row.avatarUrl,
    social_links: row.socialLinks.map((l) => ({ network: l.network, url: l.url })),
    article_count: row.articleCount,
  }
}

export function presentTag(row: TagRow, links: SiteLinks): TagBody {
  return { slug: row.slug, url: links.tag(row.slug), name: row.name, description: row.description, article_count: row.articleCount }
}

export function presentPage(row: PageRow, links: SiteLinks): PageBody {
  return {
    slug: row.slug,
    url: links.page(row),
    title: row.title,
    body_html: row.bodyHtml,
    seo: { meta_title: row.seoMetaTitle ?? row.title, meta_description: row.seoMetaDescription ?? '' },
    updated_at: row.updatedAt.toISOString(),
  }
}

export function presentUser(user: UserWithAuthor): AdminUserBody {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    author: user.authorSlug && user.authorName ? { slug: user.authorSlug, name: user.authorName } : null,
    disabled: user.disabled,
    notify_email: user.notifyEmail,
    last_login_at: user.lastLoginAt ? user.lastLoginAt.toISOString() : null,
    created_at: user.createdAt.toISOString(),
    updated_at: user.updatedAt.toISOString(),
    version: user.version,
  }
}
