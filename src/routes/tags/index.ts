import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { DataOf, ListOf, NoQuery, PaginationQuery, problemResponses, ref, SlugParams, StringEnum } from '../../schemas/common.js'
import { Tag } from '../../schemas/content.js'
import { addCacheKeys } from '../../plugins/caching.js'
import { tagKey } from '../../services/cache-keys.js'
import { MovedResponse, sendBySlug, sendList } from '../shared.js'

const TagListQuery = Type.Object(
  {
    limit: PaginationQuery.limit,
    page: PaginationQuery.page,
    sort: Type.Optional(
      StringEnum(['name', '-article_count'], { default: 'name', description: 'Alphabetical, or most used first' }),
    ),
  },
  { additionalProperties: false },
)

export const tagRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/tags',
    {
      config: { cache: 'public', cacheTags: ['tags'] },
      schema: {
        operationId: 'listTags',
        summary: 'List tags',
        description: 'Tags with the number of published articles each, alphabetically or most used first (`sort`), paginated by page.',
        tags: ['Tags'],
        querystring: TagListQuery,
        response: { 200: ListOf(ref(Tag)), ...problemResponses(400) },
      },
    },
    async (request, reply) => {
      const result = await app.services.publicSite.tags(request.query)
      addCacheKeys(request, result.items.map((tag) => tagKey(tag.slug)))
      // Ranked by article counts, the page's membership moves with any article.
      if (request.query.sort === '-article_count') addCacheKeys(request, ['articles'])
      return sendList(request, reply, result)
    },
  )

  app.get(
    '/tags/:slug',
    {
      config: { cache: 'public', cacheTags: ['tags'] },
      schema: {
        operationId: 'getTag',
        summary: 'Get a tag',
        description: 'Its articles: GET /v1/articles?tag={slug}. An old slug answers 301 with the Location of the current one.',
        tags: ['Tags'],
        params: SlugParams,
        querystring: NoQuery,
        response: { 200: DataOf(ref(Tag)), 301: MovedResponse, ...problemResponses(400, 404) },
      },
    },
    async (request, reply) => sendBySlug(request, reply, 'tags', tagKey, await app.services.publicSite.tag(request.params.slug)),
  )
}
