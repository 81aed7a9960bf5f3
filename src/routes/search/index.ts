import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { problemResponses } from '../../schemas/common.js'
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
    async (request, reply) => sendList(request, reply, await app.services.search.search(request.query)),
  )
}
