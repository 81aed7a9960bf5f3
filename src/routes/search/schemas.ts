import { Type } from 'typebox'
import { DateFilter, PaginationQuery, ref, StringEnum } from '../../schemas/common.js'
import { SearchHit, SearchMeta } from '../../schemas/discovery.js'
import { MAX_QUERY_LENGTH } from '../../services/search.js'

const SlugFilter = (description: string) => Type.String({ minLength: 1, maxLength: 120, description })

export const SearchFilters = {
  section: Type.Optional(SlugFilter('Section slug')),
  tag: Type.Optional(Type.Array(SlugFilter('Tag slug'), { maxItems: 10, description: 'Tag slug; repeat for any of several tags' })),
  author: Type.Optional(SlugFilter('Author slug')),
  published_after: Type.Optional(DateFilter('Published at or after')),
  published_before: Type.Optional(DateFilter('Published before')),
  exclude: Type.Optional(Type.Array(SlugFilter('Article slug'), { maxItems: 20, description: 'Leave out these articles' })),
  featured: Type.Optional(Type.Boolean({ description: "true: editors' picks only; false: all but them" })),
  breaking: Type.Optional(Type.Boolean({ description: 'true: breaking news only (while its breaking_until is ahead); false: all but it' })),
}

export const Q = Type.String({
  minLength: 1,
  maxLength: MAX_QUERY_LENGTH,
  description: 'Search terms in web search syntax: "quoted phrase", -excluded, or',
})

export const SearchQuerystring = Type.Object(
  {
    q: Q,
    ...SearchFilters,
    sort: Type.Optional(StringEnum(['relevance', '-published_at'], { default: 'relevance' })),
    ...PaginationQuery,
  },
  { additionalProperties: false },
)

export const SearchResponse = Type.Object({ data: Type.Array(ref(SearchHit)), meta: ref(SearchMeta) }, { additionalProperties: false })
