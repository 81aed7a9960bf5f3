import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { addCacheKeys, describeArticles } from '../../plugins/caching.js'
import { problemResponses } from '../../schemas/common.js'
import { sectionKey } from '../../services/cache-keys.js'
import { sendList } from '../shared.js'
import { SearchQuerystring, SearchResponse } from './schemas.js'

export const searchRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/search',
    {
      config: { cache: 'public', cacheTags: ['articles'] },
      schema: {
        operationId: 'search',
        summary: 'Search published articles',
        description:
          'Ranked full-text search (title above excerpt above body, stemmed: "missiles" finds "missile"), with highlighted snippets and per-section counts. Same filters as /v1/articles. Falls back to prefix and then typo-tolerant title matching when the words as typed find nothing (see meta.match).',
        tags: ['Search'],
        querystring: SearchQuerystring,
        response: { 200: SearchResponse, ...problemResponses(400) },
      },
    },
    async (request, reply) => {
      const result = await app.services.search.search(request.query)
      describeArticles(request, result.items)
      addCacheKeys(request, result.meta.facets?.sections.map((s) => sectionKey(s.slug)) ?? [])
      return sendList(request, reply, result)
    },
  )
}
