import { Type, type Static } from 'typebox'
import { DateTime, Nullable, ref, StringEnum } from './common.js'
import { NewsArticleJsonLd, SiteJsonLd, structuredDataSchemas } from './structured-data.js'

export const SocialLink = Type.Object(
  {
    network: Type.String({ minLength: 1, maxLength: 40, description: 'e.g. x, facebook, linkedin, youtube' }),
    url: Type.String({ format: 'uri', maxLength: 500 }),
  },
  { $id: 'SocialLink', additionalProperties: false },
)

export const MediaRendition = Type.Object(
  {
    url: Type.String({ description: 'Immutable: cache it forever' }),
    width: Type.Integer(),
    height: Type.Integer(),
    format: Type.String({ enum: ['webp', 'jpeg', 'avif'], description: 'Build one srcset per format (WebP first, then the fallback)' }),
  },
  { $id: 'MediaRendition', description: 'A resized copy of an image (never larger than the original)', additionalProperties: false },
)

export const FocalPoint = Type.Object(
  {
    x: Type.Number({ minimum: 0, maximum: 1, description: '0 = left edge, 1 = right edge' }),
    y: Type.Number({ minimum: 0, maximum: 1, description: '0 = top edge, 1 = bottom edge' }),
  },
  { $id: 'FocalPoint', description: 'The point to keep in view when cropping (CSS object-position)', additionalProperties: false },
)

export const FeaturedImage = Type.Object(
  {
    url: Type.String({ description: 'The original (metadata stripped) for media library images' }),
    alt: Type.String(),
    caption: Nullable(Type.String()),
    credit: Nullable(Type.String()),
    media_id: Nullable(Type.String({ format: 'uuid', description: 'The media library item, when the image is one' })),
    width: Nullable(Type.Integer()),
    height: Nullable(Type.Integer()),
    focal_point: Nullable(ref(FocalPoint)),
    renditions: Type.Array(ref(MediaRendition), { description: 'Media library images: WebP and fallback copies by width, for srcset (empty for plain URLs)' }),
  },
  { $id: 'FeaturedImage', additionalProperties: false },
)
export type FeaturedImageBody = Static<typeof FeaturedImage>

/** The absolute URL of a resource on the public website (site.url and the site's permalinks). */
export const WebsiteUrl = (description = 'Absolute URL on the public website (site.url + the permalink pattern)') => Type.String({ description })

export const SectionRef = Type.Object(
  { slug: Type.String(), name: Type.String(), url: WebsiteUrl() },
  { $id: 'SectionRef', additionalProperties: false },
)
export const AuthorRef = Type.Object(
  { slug: Type.String(), name: Type.String(), url: WebsiteUrl() },
  { $id: 'AuthorRef', additionalProperties: false },
)
export const TagRef = Type.Object({ slug: Type.String(), name: Type.String(), url: WebsiteUrl() }, { $id: 'TagRef', additionalProperties: false })

const summaryProperties = {
  id: Type.String({ format: 'uuid' }),
  slug: Type.String(),
  url: WebsiteUrl(),
  title: Type.String(),
  excerpt: Type.String(),
  featured_image: Nullable(ref(FeaturedImage)),
  section: ref(SectionRef),
  author: ref(AuthorRef),
  authors: Type.Array(ref(AuthorRef), { description: 'The byline, in order (co-authors after the first); the first is `author`' }),
  tags: Type.Array(ref(TagRef)),
  published_at: DateTime(),
  updated_at: DateTime(),
  reading_time_minutes: Type.Integer(),
  comment_count: Type.Integer({ description: 'Approved comments' }),
}

export const ArticleSummary = Type.Object(summaryProperties, {
  $id: 'ArticleSummary',
  description: 'An article in a list (no body)',
  additionalProperties: false,
})
export type ArticleSummaryBody = Static<typeof ArticleSummary>

export const Seo = Type.Object(
  {
    meta_title: Type.String({ description: 'Falls back to the title' }),
    meta_description: Type.String({ description: 'Falls back to the excerpt' }),
    canonical_url: Type.String({ description: 'Falls back to the article’s url' }),
    og_image: Nullable(Type.String({ description: 'Falls back to the featured image' })),
  },
  { $id: 'Seo', additionalProperties: false },
)

export const ArticleAuthor = Type.Object(
  {
    slug: Type.String(),
    name: Type.String(),
    url: WebsiteUrl(),
    bio: Type.String(),
    website: Nullable(Type.String()),
    avatar_url: Nullable(Type.String()),
    social_links: Type.Array(ref(SocialLink)),
  },
  { $id: 'ArticleAuthor', description: 'The author box shown under an article', additionalProperties: false },
)

export const CORRECTION_KINDS = ['correction', 'update', 'clarification'] as const

export const Correction = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    kind: StringEnum(CORRECTION_KINDS, { description: 'correction (something was wrong), update (news since publication) or clarification (something was unclear)' }),
    text: Type.String({ description: 'Plain text shown to readers' }),
    at: DateTime('When it took effect'),
  },
  { $id: 'Correction', description: 'A public note appended to a published article', additionalProperties: false },
)
export type CorrectionBody = Static<typeof Correction>

/** A correction on the site-wide transparency list, with the article it belongs to. */
export const CorrectionEntry = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    kind: StringEnum(CORRECTION_KINDS),
    text: Type.String(),
    at: DateTime(),
    article: Type.Object(
      { id: Type.String({ format: 'uuid' }), slug: Type.String(), title: Type.String(), url: WebsiteUrl(), published_at: DateTime() },
      { additionalProperties: false },
    ),
  },
  { $id: 'CorrectionEntry', additionalProperties: false },
)

export const Article = Type.Object(
  {
    ...summaryProperties,
    author: ref(ArticleAuthor),
    authors: Type.Array(ref(ArticleAuthor), { description: 'The byline, in order, each with its author box; the first is `author`' }),
    body_html: Type.String({ description: 'Sanitised HTML' }),
    word_count: Type.Integer(),
    comments_open: Type.Boolean(),
    seo: ref(Seo),
    corrections: Type.Array(ref(Correction), { description: 'Corrections, updates and clarifications appended since publication, oldest first (the corrections box)' }),
    structured_data: ref(NewsArticleJsonLd),
  },
  { $id: 'Article', description: 'A full article', additionalProperties: false },
)
export type ArticleBody = Static<typeof Article>

export const Section = Type.Object(
  {
    slug: Type.String(),
    url: WebsiteUrl(),
    name: Type.String(),
    description: Type.String(),
    position: Type.Integer({ description: 'Navigation order' }),
    article_count: Type.Integer({ description: 'Published articles' }),
    latest: Type.Optional(Type.Array(ref(ArticleSummary), { description: 'With include=latest: its newest articles' })),
  },
  { $id: 'Section', additionalProperties: false },
)
export type SectionBody = Static<typeof Section>

export const Author = Type.Object(
  {
    slug: Type.String(),
    url: WebsiteUrl(),
    name: Type.String(),
    bio: Type.String(),
    website: Nullable(Type.String()),
    avatar_url: Nullable(Type.String()),
    social_links: Type.Array(ref(SocialLink)),
    article_count: Type.Integer({ description: 'Published articles' }),
  },
  { $id: 'Author', additionalProperties: false },
)
export type AuthorBody = Static<typeof Author>

export const Tag = Type.Object(
  {
    slug: Type.String(),
    url: WebsiteUrl(),
    name: Type.String(),
    description: Type.String(),
    article_count: Type.Integer({ description: 'Published articles' }),
  },
  { $id: 'Tag', additionalProperties: false },
)
export type TagBody = Static<typeof Tag>

export const PageSummary = Type.Object(
  { slug: Type.String(), url: WebsiteUrl(), title: Type.String(), updated_at: DateTime() },
  { $id: 'PageSummary', additionalProperties: false },
)

export const Page = Type.Object(
  {
    slug: Type.String(),
    url: WebsiteUrl(),
    title: Type.String(),
    body_html: Type.String({ description: 'Sanitised HTML' }),
    seo: Type.Object(
      { meta_title: Type.String(), meta_description: Type.String() },
      { additionalProperties: false },
    ),
    updated_at: DateTime(),
  },
  { $id: 'Page', additionalProperties: false },
)
export type PageBody = Static<typeof Page>

export const LINK_TYPES = ['section', 'page', 'tag', 'author', 'external'] as const

const linkProperties = {
  label: Type.String(),
  url: Type.String({ description: 'Absolute: the resource’s URL on the public website, or the link as the editor gave it' }),
  type: StringEnum(LINK_TYPES, { description: 'What the link leads to: a resource of the site (its current URL, even after a slug or permalink change), or anything else (external)' }),
  slug: Nullable(Type.String({ description: 'The resource’s slug; null for external links' })),
}

export const Link = Type.Object(linkProperties, { $id: 'Link', additionalProperties: false })

export const NavigationItem = Type.Object(
  {
    ...linkProperties,
    section: Nullable(Type.String({ description: 'Section slug when the item is a section (the same as slug; kept for older clients)' })),
  },
  { $id: 'NavigationItem', additionalProperties: false },
)

export const Site = Type.Object(
  {
    title: Type.String(),
    tagline: Type.String(),
    description: Type.String(),
    url: Nullable(Type.String()),
    logo: Nullable(Type.String()),
    language: Type.String({ description: 'ISO 639 language code of the publication (en, de, zh-cn…), for the html lang attribute' }),
    social_links: Type.Array(ref(SocialLink)),
    navigation: Type.Array(ref(NavigationItem), { description: 'Sections in editor order, then the extra links' }),
    footer_links: Type.Array(ref(Link)),
    structured_data: ref(SiteJsonLd),
  },
  { $id: 'Site', additionalProperties: false },
)
export type SiteBody = Static<typeof Site>

export const Resolution = Type.Object(
  {
    type: StringEnum(['article', 'section', 'tag', 'author', 'page'] as const),
    slug: Type.String({ description: 'Its current slug: GET /v1/{articles|sections|tags|authors|pages}/{slug}' }),
    url: WebsiteUrl('Its canonical URL: where to render it, or where to redirect to'),
    redirect: Type.Boolean({ description: 'true: the path is an old one; answer 301 with Location: url' }),
    status: Type.Integer({ enum: [200, 301], description: 'The status the website should answer with' }),
  },
  { $id: 'Resolution', description: 'What a website path leads to', additionalProperties: false },
)

/** Every shared schema, registered once with app.addSchema (order: dependencies first). */
export const contentSchemas = [
  ...structuredDataSchemas,
  SocialLink,
  MediaRendition,
  FocalPoint,
  FeaturedImage,
  SectionRef,
  AuthorRef,
  TagRef,
  ArticleSummary,
  Seo,
  ArticleAuthor,
  Correction,
  CorrectionEntry,
  Article,
  Section,
  Author,
  Tag,
  PageSummary,
  Page,
  Link,
  NavigationItem,
  Site,
  Resolution,
]
