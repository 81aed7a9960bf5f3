import { Type, type Static } from 'typebox'
import { STATUS_VALUES } from '../../../schemas/admin.js'
import { DateTime, DisplayName, HttpUrl, Nullable, PaginationQuery, Slug, StringEnum } from '../../../schemas/common.js'

const Title = Type.String({ minLength: 1, maxLength: 300, pattern: '\\S' })

const FeaturedImageInput = Type.Object(
  {
    url: HttpUrl('Image URL'),
    alt: Type.String({ maxLength: 500, description: 'Alternative text (required for accessibility; may be empty for decorative images)' }),
    caption: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
    credit: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
  },
  { additionalProperties: false },
)

const FeaturedMediaInput = Type.Object(
  {
    media_id: Type.String({ format: 'uuid', description: 'A media library item: the public article then carries its renditions' }),
    alt: Type.Optional(Nullable(Type.String({ maxLength: 500, description: "Overrides the item's alt text for this article; \"\" marks a decorative image (readers get an empty alt); omitted or null = the item's" }))),
    caption: Type.Optional(Nullable(Type.String({ maxLength: 500, description: "Overrides the item's caption for this article" }))),
    credit: Type.Optional(Nullable(Type.String({ maxLength: 200, description: "Overrides the item's credit for this article" }))),
  },
  { additionalProperties: false },
)

const SeoInput = Type.Object(
  {
    meta_title: Type.Optional(Nullable(Type.String({ maxLength: 300 }))),
    meta_description: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
    canonical_url: Type.Optional(Nullable(HttpUrl())),
    og_image: Type.Optional(Nullable(HttpUrl())),
  },
  { additionalProperties: false },
)

const fields = {
  slug: Type.Optional(Slug('URL slug; generated from the title when omitted')),
  excerpt: Type.Optional(Type.String({ maxLength: 1000, description: 'Generated from the body when omitted on create' })),
  body: Type.Optional(Type.String({ maxLength: 200000, description: 'Markdown or HTML source; stored sanitised. A media library image is `![alt](media:<id>)` (or `<img src="media:<id>">`): stored with its URLs, srcset and size' })),
  body_format: Type.Optional(StringEnum(['markdown', 'html'], { description: 'Default markdown' })),
  featured_image: Type.Optional(
    Type.Unsafe<Static<typeof FeaturedImageInput> | Static<typeof FeaturedMediaInput> | null>({
      anyOf: [FeaturedImageInput, FeaturedMediaInput, { type: 'null' }],
      description: 'An image URL, or a media library item (`media_id`); null removes it',
    }),
  ),
  author: Type.Optional(Slug('The first author’s slug (editors; others write under their own byline). Replaces the first author and keeps any co-authors')),
  authors: Type.Optional(
    Type.Array(Slug('Author slug'), {
      minItems: 1,
      maxItems: 10,
      description: 'The whole byline by author slug, first author first (instead of `author`). Authors may add co-authors but must stay in it; contributors cannot set it. A repeated or unknown slug is a 422',
    }),
  ),
  tags: Type.Optional(
    Type.Array(DisplayName(60), {
      maxItems: 20,
      description:
        'Tag names or slugs, in order; unknown tags are created, their slug made from the name. A name with no Latin letters or digits must name an existing tag (create it with a slug first): 422 otherwise',
    }),
  ),
  related_article_ids: Type.Optional(
    Type.Array(Type.String({ format: 'uuid' }), { maxItems: 10, description: 'Pinned Related Posts, in order' }),
  ),
  status: Type.Optional(
    StringEnum(STATUS_VALUES, {
      description:
        'draft → in_review (submit; writers) → changes_requested (editors, with a `note`) → in_review … → scheduled | published (editors approve) → archived. An article in review is read-only to its writer until returned or approved.',
    }),
  ),
  assignee: Type.Optional(Nullable(Type.String({ format: 'uuid', description: 'Editors: the editor (user id) the article is assigned to; null unassigns. 422 for an unknown or non-editor account' }))),
  note: Type.Optional(
    Type.String({ minLength: 1, maxLength: 5000, pattern: '\\S', description: "A note for the article's thread, written with this change; required with status changes_requested" }),
  ),
  published_at: Type.Optional(Nullable(DateTime('When it is (or becomes) public; required in the future for scheduled'))),
  seo: Type.Optional(SeoInput),
  comments_open: Type.Optional(Type.Boolean()),
  newsletter: Type.Optional(
    Nullable(Type.Boolean({ description: "Email it to its section's followers (instant cadence) when it is published, once: true, false, or null for the site's default (settings newsletter.autosend). A republished article is not sent again" })),
  ),
  featured: Type.Optional(Type.Boolean({ description: "Editors: an editor's pick (GET /v1/articles?featured=true, collections of rule featured)" })),
  breaking_until: Type.Optional(Nullable(DateTime('Editors: breaking news until then (must be in the future); null ends it. GET /v1/articles?breaking=true lists it meanwhile'))),
}

export const ArticleCreateBody = Type.Object(
  { title: Title, section: Slug('Section slug'), ...fields },
  { additionalProperties: false },
)

export const ArticleUpdateBody = Type.Object(
  {
    title: Type.Optional(Title),
    section: Type.Optional(Slug('Section slug')),
    ...fields,
    version: Type.Optional(Type.Integer({ minimum: 1, description: 'Alternative to If-Match for clients that cannot set headers' })),
  },
  { additionalProperties: false, minProperties: 1 },
)

export const AdminArticleListQuery = Type.Object(
  {
    limit: PaginationQuery.limit,
    page: PaginationQuery.page,
    status: Type.Optional(
      Type.Array(StringEnum(STATUS_VALUES), { maxItems: STATUS_VALUES.length, description: 'Repeat for several. `in_review` alone is the review queue: oldest submission first' }),
    ),
    assignee: Type.Optional(Type.String({ pattern: '^(me|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$', description: 'Articles assigned to this user id, or to you (`me`)' })),
    section: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })),
    author: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })),
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Title contains' })),
  },
  { additionalProperties: false },
)

export const RevisionParams = Type.Object(
  { id: Type.String({ format: 'uuid' }), version: Type.Integer({ minimum: 1 }) },
  { additionalProperties: false },
)

const RevisionAuthor = Nullable(Type.Object({ id: Type.String(), name: Type.String() }, { additionalProperties: false }))

export const RevisionSummary = Type.Object(
  {
    version: Type.Integer(),
    created_at: DateTime(),
    created_by: RevisionAuthor,
    title: Type.String(),
    status: Type.String(),
  },
  { additionalProperties: false },
)

export const Revision = Type.Object(
  {
    version: Type.Integer(),
    created_at: DateTime(),
    created_by: RevisionAuthor,
    snapshot: Type.Object({}, { additionalProperties: true, description: 'Every editable field as it was' }),
  },
  { additionalProperties: false },
)

export const Preview = Type.Object(
  {
    token: Type.String(),
    url: Type.String({ description: 'GET it to read the article as it is now, whatever its status' }),
    expires_at: DateTime(),
  },
  { additionalProperties: false },
)

export const ArticleNote = Type.Object(
  {
    id: Type.Integer({ description: 'Increasing: the thread’s order' }),
    body: Type.String(),
    author: Type.Object({ id: Nullable(Type.String({ format: 'uuid' })), name: Type.String() }, { additionalProperties: false }),
    article_version: Type.Integer({ description: 'The article version it was written against (GET …/revisions/{version})' }),
    transition: Nullable(StringEnum(STATUS_VALUES, { description: 'The status change it came with, if any' })),
    created_at: DateTime(),
  },
  { additionalProperties: false },
)

export const NoteCreateBody = Type.Object(
  { body: Type.String({ minLength: 1, maxLength: 5000, pattern: '\\S' }) },
  { additionalProperties: false },
)
