import { Type, type Static, type TArray, type TString } from 'typebox'
import { PERMALINK_KINDS } from '../lib/permalinks.js'
import { DateTime, Nullable, ref, StringEnum } from './common.js'
import { AuthorRef, Correction, SectionRef, TagRef, WebsiteUrl } from './content.js'

export const ROLE_VALUES = ['admin', 'editor', 'author', 'contributor'] as const
export const STATUS_VALUES = ['draft', 'in_review', 'changes_requested', 'scheduled', 'published', 'archived'] as const

export const AdminFeaturedImage = Type.Object(
  {
    url: Type.String(),
    alt: Type.String(),
    caption: Nullable(Type.String()),
    credit: Nullable(Type.String()),
    media_id: Nullable(Type.String({ format: 'uuid', description: "The media library item. alt, caption and credit are what readers get: the article's own where set (an empty alt marks a decorative image), else the item's" })),
  },
  { $id: 'AdminFeaturedImage', additionalProperties: false },
)

export const AdminSeo = Type.Object(
  {
    meta_title: Nullable(Type.String()),
    meta_description: Nullable(Type.String()),
    canonical_url: Nullable(Type.String()),
    og_image: Nullable(Type.String()),
  },
  { $id: 'AdminSeo', description: 'As stored (public responses fill gaps from title/excerpt/image)', additionalProperties: false },
)

/** An account as the review workflow names it (submitter, assignee, note writer). */
export const UserRef = Type.Object(
  { id: Type.String({ format: 'uuid' }), name: Type.String() },
  { $id: 'UserRef', additionalProperties: false },
)

export const AdminArticle = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    slug: Type.String(),
    title: Type.String(),
    excerpt: Type.String(),
    status: StringEnum(STATUS_VALUES),
    version: Type.Integer({ description: 'Optimistic concurrency: send it back as If-Match: "v<version>"' }),
    body_format: StringEnum(['markdown', 'html']),
    body_source: Type.String(),
    body_html: Type.String({ description: 'Sanitised HTML rendered from body_source' }),
    word_count: Type.Integer(),
    reading_time_minutes: Type.Integer(),
    featured_image: Nullable(ref(AdminFeaturedImage)),
    section: ref(SectionRef),
    author: ref(AuthorRef),
    authors: Type.Array(ref(AuthorRef), { description: 'The byline, in order; the first is `author`' }),
    corrections: Type.Array(ref(Correction), { description: 'Public notes appended since publication, oldest first: POST /v1/admin/articles/{id}/corrections' }),
    tags: Type.Array(ref(TagRef)),
    related_article_ids: Type.Array(Type.String({ format: 'uuid' }), { description: 'Editor-pinned Related Posts, in order' }),
    published_at: Nullable(DateTime()),
    created_at: DateTime(),
    updated_at: DateTime(),
    created_by: Nullable(Type.String({ format: 'uuid' })),
    submitted_at: Nullable(DateTime('When it was last submitted for review (status in_review); the review queue is ordered by it')),
    submitted_by: Nullable(ref(UserRef)),
    assignee: Nullable(ref(UserRef)),
    comments_open: Type.Boolean(),
    comment_count: Type.Integer(),
    newsletter: Nullable(Type.Boolean({ description: "Emailed to its section's followers when published: true, false, or null for the site's default (settings newsletter.autosend)" })),
    featured: Type.Boolean({ description: "An editor's pick: GET /v1/articles?featured=true and collections of rule featured" }),
    breaking_until: Nullable(DateTime('Breaking news until then (GET /v1/articles?breaking=true, the banner); null: not breaking')),
    seo: ref(AdminSeo),
    is_public: Type.Boolean({ description: 'Readers can see it now' }),
    public_url: Nullable(Type.String({ description: 'Where readers find it on the website (site.url and its permalinks), when public; null otherwise' })),
    url: Nullable(Type.String({ description: 'Where it lives (or will, once public) on the website; null while the permalink needs a date it does not have yet' })),
  },
  { $id: 'AdminArticle', additionalProperties: false },
)
export type AdminArticleBody = Static<typeof AdminArticle>

export const AdminUser = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    email: Type.String(),
    name: Type.String(),
    role: StringEnum(ROLE_VALUES),
    author: Nullable(Type.Object({ slug: Type.String(), name: Type.String() }, { additionalProperties: false })),
    disabled: Type.Boolean(),
    notify_email: Type.Boolean({ description: 'Whether the review workflow emails this account (its own choice: PATCH /v1/auth/me/notifications)' }),
    last_login_at: Nullable(DateTime()),
    created_at: DateTime(),
    updated_at: DateTime(),
    version: Type.Integer(),
  },
  { $id: 'AdminUser', additionalProperties: false },
)
export type AdminUserBody = Static<typeof AdminUser>

export const TokenResponse = Type.Object(
  {
    access_token: Type.String({ description: 'JWT (HS256), send as Authorization: Bearer <token>' }),
    token_type: Type.Literal('Bearer'),
    expires_in: Type.Integer({ description: 'Seconds until the access token expires' }),
    refresh_token: Type.String({ description: 'Opaque, single use: POST it to /v1/auth/refresh for a new pair' }),
  },
  { $id: 'TokenResponse', description: 'RFC 6749 §5.1 token response', additionalProperties: false },
)


export const AdminPage = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    slug: Type.String(),
    url: WebsiteUrl('Where it lives (or will, once published) on the website'),
    title: Type.String(),
    status: StringEnum(['draft', 'published']),
    body_format: StringEnum(['markdown', 'html']),
    body_source: Type.String(),
    body_html: Type.String(),
    seo: Type.Object({ meta_title: Nullable(Type.String()), meta_description: Nullable(Type.String()) }, { additionalProperties: false }),
    version: Type.Integer(),
    created_at: DateTime(),
    updated_at: DateTime(),
  },
  { $id: 'AdminPage', additionalProperties: false },
)
export type AdminPageBody = Static<typeof AdminPage>

const patternDescription: Record<(typeof PERMALINK_KINDS)[number], string> = {
  article: 'Tokens: {slug}, {id}, {section} (its section’s slug), {year}, {month}, {day} (publication date, UTC). Default /{slug}',
  section: 'Token: {slug}. Default /section/{slug}',
  tag: 'Token: {slug}. Default /tag/{slug}',
  author: 'Token: {slug}. Default /author/{slug}',
  page: 'Tokens: {slug}, {id}. Default /{slug}',
}

export const Permalinks = Type.Object(
  Object.fromEntries(PERMALINK_KINDS.map((k) => [k, Type.String({ description: patternDescription[k] })])) as Record<(typeof PERMALINK_KINDS)[number], TString>,
  {
    $id: 'Permalinks',
    description:
      'Where each kind of resource lives on the website: a path starting with /, with {slug} (or {id} where allowed); tokens separated by literal characters. When a path fits several kinds, the first of page, section, tag, author, article that has such a resource wins.',
    additionalProperties: false,
  },
)
export type PermalinksBody = Static<typeof Permalinks>

export const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const

export const NewsletterSettings = Type.Object(
  {
    autosend: Type.Boolean({ description: "Articles whose own `newsletter` flag is null are emailed to their section's instant followers when published (once)" }),
    digest_hour: Type.Integer({ minimum: 0, maximum: 23, description: "Digests go out at this hour of digest_time_zone: daily ones every day, weekly ones on digest_weekday" }),
    digest_time_zone: Type.String({ description: 'An IANA time zone, e.g. Asia/Kolkata or UTC' }),
    digest_weekday: StringEnum(WEEKDAYS, { description: 'The day weekly digests go out' }),
  },
  { $id: 'NewsletterSettings', additionalProperties: false },
)
export type NewsletterSettingsBody = Static<typeof NewsletterSettings>

export const AdminSettings = Type.Object(
  {
    title: Type.String(),
    tagline: Type.String(),
    description: Type.String(),
    url: Nullable(Type.String()),
    logo: Nullable(Type.String()),
    language: Type.String({ description: 'ISO 639 language code of the publication (en, de, zh-cn…): the news sitemap and feeds say it' }),
    social_links: Type.Array(Type.Object({ network: Type.String(), url: Type.String() }, { additionalProperties: false })),
    navigation_links: Type.Array(Type.Object({ label: Type.String(), url: Type.String() }, { additionalProperties: false }), {
      description: 'Shown after the sections in the navigation',
    }),
    footer_links: Type.Array(Type.Object({ label: Type.String(), url: Type.String() }, { additionalProperties: false })),
    permalinks: ref(Permalinks),
    permalink_history: Type.Object(
      Object.fromEntries(PERMALINK_KINDS.map((k) => [k, Type.Array(Type.String())])) as Record<(typeof PERMALINK_KINDS)[number], TArray<TString>>,
      { additionalProperties: false, description: 'Earlier patterns, newest first: their paths keep resolving (GET /v1/resolve) as redirects to the current URLs' },
    ),
    newsletter: ref(NewsletterSettings),
    version: Type.Integer(),
    updated_at: DateTime(),
  },
  { $id: 'AdminSettings', additionalProperties: false },
)
export type AdminSettingsBody = Static<typeof AdminSettings>

export const AuditEntry = Type.Object(
  {
    id: Type.Integer(),
    at: DateTime(),
    actor: Nullable(Type.Object({ id: Nullable(Type.String()), email: Nullable(Type.String()) }, { additionalProperties: false })),
    action: Type.String({ description: 'e.g. article.create, article.published, user.update, auth.login' }),
    entity_type: Type.String(),
    entity_id: Nullable(Type.String()),
    summary: Type.String(),
    changes: Nullable(Type.Object({}, { additionalProperties: true })),
    request_id: Nullable(Type.String()),
  },
  { $id: 'AuditEntry', additionalProperties: false },
)

export const adminSchemas = [AdminFeaturedImage, AdminSeo, UserRef, AdminArticle, AdminUser, TokenResponse, AdminPage, Permalinks, NewsletterSettings, AdminSettings, AuditEntry]
