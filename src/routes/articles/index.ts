import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { problemResponses, SlugParams } from '../../schemas/common.js'
import { cacheUntil, describeArticles } from '../../plugins/caching.js'
import { sendList } from '../shared.js'
import { ArticleList, ArticleListQuery, ArticleQuery, ArticleResponse, RelatedQuery, RelatedResponse } from './schemas.js'

export const articleRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/articles',
    {
      config: { cache: 'public', cacheTags: ['articles'] },
      schema: {
        operationId: 'listArticles',
        summary: 'List published articles',
        description:
          'Newest first. Filter by section, tags (any of), author and dates; paginate by page (with totals) or cursor. Latest Posts is this list; `exclude` skips the article being read.',
        tags: ['Articles'],
        querystring: ArticleListQuery,
        response: { 200: ArticleList, ...problemResponses(400) },
      },
    },
    async (request, reply) => {
      const result = await app.services.publicArticles.list(request.query)
      describeArticles(request, result.items)
      return sendList(request, reply, result)
    },
  )

  app.get(
    '/articles/:slug',
    {
      config: { cache: 'public', cacheTags: ['articles'] },
      schema: {
        operationId: 'getArticle',
        summary: 'Get a published article',
        description:
          'The full article. An old slug answers 301 with the Location of the current one. With `preview=<token>` (from POST /v1/admin/articles/{id}/preview) a draft or scheduled article is returned, never cached.',
        tags: ['Articles'],
        params: SlugParams,
        querystring: ArticleQuery,
        response: {
          200: ArticleResponse,
          301: { description: 'The article moved to a new slug (see Location)', ...Type.Null() },
          ...problemResponses(400, 401, 404),
        },
      },
    },
    async (request, reply) => {
      if (request.query.preview !== undefined) {
        const articleId = app.previews.verify(request.query.preview)
        reply.header('cache-control', 'private, no-store')
        return { data: await app.services.publicArticles.preview(request.params.slug, articleId) }
      }
      const found = await app.services.publicArticles.get(request.params.slug)
      if (found.kind === 'redirect') {
        return reply.redirect(`${app.config.publicUrl}/v1/articles/${encodeURIComponent(found.slug)}`, 301)
      }
      cacheUntil(request, found.changesAt)
      describeArticles(request, [found.article])
      return { data: found.article }
    },
  )

  app.get(
    '/articles/:slug/related',
    {
      config: { cache: 'public', cacheTags: ['articles'] },
      schema: {
        operationId: 'listRelatedArticles',
        summary: 'Related Posts',
        description:
          'Editor-pinned articles first, then ranked by shared tags weighted by rarity, text similarity, same section and recency; never the article itself or anything unpublished. Filled from the section and the latest posts, so `limit` items come back whenever enough articles exist. `explain=true` adds each item’s score parts.',
        tags: ['Articles'],
        params: SlugParams,
        querystring: RelatedQuery,
        response: {
          200: RelatedResponse,
          301: { description: 'The article moved to a new slug (see Location)', ...Type.Null() },
          ...problemResponses(400, 404),
        },
      },
    },
    async (request, reply) => {
      const limit = request.query.limit ?? 6
      const result = await app.services.related.forArticle(request.params.slug, { limit, explain: request.query.explain ?? false })
      if (result.kind === 'redirect') {
        return reply.redirect(`${app.config.publicUrl}/v1/articles/${encodeURIComponent(result.slug)}/related`, 301)
      }
      describeArticles(request, result.items)
      return { data: result.items, meta: { limit, article: request.params.slug } }
    },
  )
}
