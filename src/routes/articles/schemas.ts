import { Type } from 'typebox'
import { DataOf, DateFilter, ListOf, PaginationQuery, ref, StringEnum } from '../../schemas/common.js'
import { Article, ArticleSummary } from '../../schemas/content.js'
import { RelatedItem } from '../../schemas/discovery.js'
import { Q } from '../search/schemas.js'

const SlugFilter = (description: string) => Type.String({ minLength: 1, maxLength: 120, description })

export const ArticleListQuery = Type.Object(
  {
    ...PaginationQuery,
    section: Type.Optional(SlugFilter('Section slug')),
    tag: Type.Optional(
      Type.Array(SlugFilter('Tag slug'), { maxItems: 10, description: 'Tag slug; repeat for any of several tags' }),
    ),
    author: Type.Optional(SlugFilter('Author slug')),
    published_after: Type.Optional(DateFilter('Published at or after')),
    published_before: Type.Optional(DateFilter('Published before')),
    exclude: Type.Optional(
      Type.Array(SlugFilter('Article slug'), { maxItems: 20, description: 'Leave out these articles (e.g. the one being read)' }),
    ),
    featured: Type.Optional(Type.Boolean({ description: "true: editors' picks only (featured); false: all but them" })),
    breaking: Type.Optional(Type.Boolean({ description: 'true: breaking news only (while its breaking_until is ahead), for the banner; false: all but it' })),
    q: Type.Optional(Q),
    sort: Type.Optional(
      StringEnum(['-published_at', 'published_at', 'relevance'], {
        default: '-published_at',
        description: 'Newest first by default; relevance needs q',
      }),
    ),
  },
  { additionalProperties: false },
)

export const ArticleList = ListOf(ref(ArticleSummary))
export const ArticleResponse = DataOf(ref(Article))

export const ArticleQuery = Type.Object(
  { preview: Type.Optional(Type.String({ minLength: 10, maxLength: 2000, description: 'Signed draft preview token' })) },
  { additionalProperties: false },
)

export const RelatedQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 24, default: 6 })),
    explain: Type.Optional(Type.Boolean({ default: false, description: 'Add each item’s score parts' })),
  },
  { additionalProperties: false },
)

export const RelatedResponse = Type.Object(
  {
    data: Type.Array(ref(RelatedItem)),
    meta: Type.Object({ limit: Type.Integer(), article: Type.String() }, { additionalProperties: false }),
  },
  { additionalProperties: false },
)
