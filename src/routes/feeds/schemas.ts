import { Type } from 'typebox'

export const FeedQuery = Type.Object(
  { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20, description: 'Newest items' })) },
  { additionalProperties: false },
)

export const JsonFeed = Type.Object(
  {
    version: Type.String(),
    title: Type.String(),
    home_page_url: Type.String(),
    feed_url: Type.String(),
    description: Type.String(),
    language: Type.String(),
    items: Type.Array(
      Type.Object(
        {
          id: Type.String(),
          url: Type.String(),
          title: Type.String(),
          content_html: Type.String(),
          summary: Type.String(),
          image: Type.Optional(Type.String()),
          date_published: Type.String({ format: 'date-time' }),
          date_modified: Type.String({ format: 'date-time' }),
          authors: Type.Array(Type.Object({ name: Type.String(), url: Type.Optional(Type.String()) }, { additionalProperties: false })),
          tags: Type.Array(Type.String()),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { description: 'JSON Feed 1.1 (https://jsonfeed.org/version/1.1)', additionalProperties: false },
)

export const SitemapQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 5000, default: 1000, description: 'Articles per page' })),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false },
)

const Url = Type.String({ description: 'Absolute URL on the public website' })
export const Sitemap = Type.Object(
  {
    data: Type.Object(
      {
        sections: Type.Array(Type.Object({ slug: Type.String(), url: Url }, { additionalProperties: false })),
        authors: Type.Array(Type.Object({ slug: Type.String(), url: Url }, { additionalProperties: false }), { description: 'Authors with at least one public article, first author or co-author' }),
        pages: Type.Array(Type.Object({ slug: Type.String(), url: Url, updated_at: Type.String({ format: 'date-time' }) }, { additionalProperties: false })),
        articles: Type.Array(
          Type.Object(
            { slug: Type.String(), url: Url, published_at: Type.String({ format: 'date-time' }), updated_at: Type.String({ format: 'date-time' }) },
            { additionalProperties: false },
          ),
        ),
      },
      { additionalProperties: false },
    ),
    meta: Type.Object(
      { limit: Type.Integer(), next_cursor: Type.Union([Type.String(), Type.Null()], { description: 'Next page of articles; null at the end' }) },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
)

export const xmlResponse = (description: string, mediaType: string) => ({
  description,
  content: { [mediaType]: { schema: Type.String() } },
})
