import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { addCacheKeys } from '../../plugins/caching.js'
import { ListOf, PaginationQuery, problemResponses, ref } from '../../schemas/common.js'
import { CorrectionEntry } from '../../schemas/content.js'
import { articleKey } from '../../services/cache-keys.js'
import { sendList } from '../shared.js'

const CorrectionListQuery = Type.Object({ limit: PaginationQuery.limit, page: PaginationQuery.page }, { additionalProperties: false })

export const correctionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/corrections',
    {
      // Any article change can add, reword or hide (unpublish) a correction: the list key of articles.
      config: { cache: 'public', cacheTags: ['articles'] },
      schema: {
        operationId: 'listCorrections',
        summary: 'Recent corrections across the site',
        description:
          'Corrections, updates and clarifications on published articles, newest first, each with its article: a newsroom transparency page. Paginated by page. Each article shows its own in `corrections`.',
        tags: ['Articles'],
        querystring: CorrectionListQuery,
        response: { 200: ListOf(ref(CorrectionEntry)), ...problemResponses(400) },
      },
    },
    async (request, reply) => {
      const result = await app.services.corrections.listPublic(request.query)
      addCacheKeys(request, result.items.map((entry) => articleKey(entry.article.id)))
      return sendList(request, reply, result)
    },
  )
}
