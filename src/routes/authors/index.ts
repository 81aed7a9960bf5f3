import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { MovedResponse, sendBySlug } from '../shared.js'
import { DataOf, NoQuery, problemResponses, ref, SlugParams } from '../../schemas/common.js'
import { Author } from '../../schemas/content.js'
import { addCacheKeys } from '../../plugins/caching.js'
import { authorKey } from '../../services/cache-keys.js'

export const authorRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/authors',
    {
      config: { cache: 'public', cacheTags: ['authors'] },
      schema: {
        operationId: 'listAuthors',
        summary: 'List authors',
        description: 'Every author profile, alphabetically, with its bio, links and number of published articles.',
        tags: ['Authors'],
        querystring: NoQuery,
        response: {
          200: Type.Object(
            { data: Type.Array(ref(Author)), meta: Type.Object({ total: Type.Integer() }, { additionalProperties: false }) },
            { additionalProperties: false },
          ),
          ...problemResponses(400),
        },
      },
    },
    async (request) => {
      const data = await app.services.publicSite.authors()
      addCacheKeys(request, data.map((a) => authorKey(a.slug)))
      return { data, meta: { total: data.length } }
    },
  )

  app.get(
    '/authors/:slug',
    {
      config: { cache: 'public', cacheTags: ['authors'] },
      schema: {
        operationId: 'getAuthor',
        summary: 'Get an author profile',
        description: 'Their articles: GET /v1/articles?author={slug}. An old slug answers 301 with the Location of the current one.',
        tags: ['Authors'],
        params: SlugParams,
        querystring: NoQuery,
        response: { 200: DataOf(ref(Author)), 301: MovedResponse, ...problemResponses(400, 404) },
      },
    },
    async (request, reply) => sendBySlug(request, reply, 'authors', authorKey, await app.services.publicSite.author(request.params.slug)),
  )
}
