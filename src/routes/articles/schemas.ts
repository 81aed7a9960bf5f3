import { Type } from 'typebox'
import { DataOf, DateFilter, ListOf, PaginationQuery, ref, StringEnum } from '../../schemas/common.js'
import { Article, ArticleSummary } from '../../schemas/content.js'
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

export const RelatedExplain = Type.Object(
  {
    pinned: Type.Boolean({ description: 'Pinned by an editor (listed first, not scored)' }),
    total: Type.Number(),
    tags: Type.Number({ description: 'Share of the source’s tag weight (IDF) in common, 0..1' }),
    text: Type.Number({ description: 'Title/excerpt similarity (ts_rank against the source’s words, relative to the source itself), 0..1' }),
    section: Type.Number({ description: '1 when in the same section' }),
    recency: Type.Number({ description: 'Halves every year, 0..1' }),
    shared_tags: Type.Array(Type.String()),
  },
  { additionalProperties: false },
)

export const RelatedItem = Type.Object(
  { ...(ArticleSummary.properties as typeof ArticleSummary.properties), explain: Type.Optional(RelatedExplain) },
  { $id: 'RelatedArticle', additionalProperties: false },
)

export const RelatedResponse = Type.Object(
  {
    data: Type.Array(ref(RelatedItem)),
    meta: Type.Object({ limit: Type.Integer(), article: Type.String() }, { additionalProperties: false }),
  },
  { additionalProperties: false },
)
