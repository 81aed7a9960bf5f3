import { Type } from 'typebox'
import { Nullable, StringEnum } from './common.js'
import { ArticleSummary } from './content.js'

/*
 * The shared ($id) schemas of search and related articles: registered once by plugins/schemas.ts
 * and referenced by the routes, so they live here rather than in a route's folder.
 */

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

export const discoverySchemas = [SearchHit, SearchMeta, RelatedItem]
