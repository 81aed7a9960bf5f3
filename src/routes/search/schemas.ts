import { Type } from 'typebox'
import { DateFilter, Nullable, PaginationQuery, ref, StringEnum } from '../../schemas/common.js'
import { ArticleSummary } from '../../schemas/content.js'
import { MAX_QUERY_LENGTH } from '../../services/search.js'

const SlugFilter = (description: string) => Type.String({ minLength: 1, maxLength: 120, description })

export const SearchFilters = {
  section: Type.Optional(SlugFilter('Section slug')),
  tag: Type.Optional(Type.Array(SlugFilter('Tag slug'), { maxItems: 10, description: 'Tag slug; repeat for any of several tags' })),
  author: Type.Optional(SlugFilter('Author slug')),
  published_after: Type.Optional(DateFilter('Published at or after')),
  published_before: Type.Optional(DateFilter('Published before')),
  exclude: Type.Optional(Type.Array(SlugFilter('Article slug'), { maxItems: 20, description: 'Leave out these articles' })),
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

export const SearchHit = Type.Object(
  {
    ...(ArticleSummary.properties as typeof ArticleSummary.properties),
    score: Type.Number({ description: 'Relevance (higher is better)' }),
    highlight: Type.Object(
      {
        title: Type.String({ description: 'The title as HTML; matches wrapped in <mark> (the only tag)' }),
        snippet: Type.String({ description: 'Passages of the body around the matches, as HTML with <mark>' }),
      },
      { additionalProperties: false },
    ),
  },
  { $id: 'SearchHit', additionalProperties: false },
)

export const SearchMeta = Type.Object(
  {
    limit: Type.Integer(),
    page: Type.Optional(Type.Integer()),
    pages: Type.Optional(Type.Integer()),
    total: Type.Integer({ description: 'Matches; a lower bound when total_exact is false' }),
    total_exact: Type.Boolean({ description: 'False when the matches passed the counting cap (1,000): total, pages and the facet counts are then lower bounds' }),
    next_cursor: Nullable(Type.String()),
    query: Type.String({ description: 'The query as searched (trimmed)' }),
    match: StringEnum(['web', 'prefix', 'fuzzy'], {
      description: 'web: the words as typed; prefix: they found nothing, so as word prefixes; fuzzy: still nothing, so with misspelt words corrected (see suggestion)',
    }),
    suggestion: Nullable(Type.String({ description: 'The corrected query that was searched (fuzzy), else null' })),
    facets: Type.Optional(
      Type.Object(
        {
          sections: Type.Array(
            Type.Object({ slug: Type.String(), name: Type.String(), count: Type.Integer() }, { additionalProperties: false }),
            { description: 'Matches per section (ignoring the section filter); lower bounds when total_exact is false' },
          ),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { $id: 'SearchMeta', additionalProperties: false },
)

export const SearchResponse = Type.Object({ data: Type.Array(ref(SearchHit)), meta: ref(SearchMeta) }, { additionalProperties: false })
