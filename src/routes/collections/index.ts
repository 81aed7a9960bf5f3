import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { addCacheKeys, describeArticles } from '../../plugins/caching.js'
import { Collection } from '../../schemas/collections.js'
import { DataOf, NoQuery, problemResponses, ref, SlugParams } from '../../schemas/common.js'
import { collectionKey } from '../../services/cache-keys.js'
import { MovedResponse, sendBySlug } from '../shared.js'

/**
 * Curated front-page blocks. Their responses carry `articles` (any article change can move an
 * auto-filled slot), `collections` and each collection's key (collection writes), and the keys of
 * every article they show.
 */
export const collectionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const config = { cache: 'public' as const, cacheTags: ['collections', 'articles'] }
  app.get(
    '/collections',
    {
      config,
      schema: {
        operationId: 'listCollections',
        summary: 'List the curated collections with their articles',
        description: "Every collection (front-page blocks such as Top Stories, Editor's Picks, the hero) in editor order, each with its articles: a front page in one request.",
        tags: ['Collections'],
        querystring: NoQuery,
        response: { 200: DataOf(Type.Array(ref(Collection))), ...problemResponses(400) },
      },
    },
    async (request) => {
      const data = await app.services.collections.listPublic()
      for (const collection of data) {
        addCacheKeys(request, [collectionKey(collection.slug)])
        describeArticles(request, collection.articles)
      }
      return { data }
    },
  )
  app.get(
    '/collections/:slug',
    {
      config,
      schema: {
        operationId: 'getCollection',
        summary: 'Get a curated collection',
        description: "Its `size` articles in slot order: the editor's live pins (published, not expired) in their slots, every other slot filled by the collection's rule (a section, a tag, the featured articles, or the latest), newest first, then by the newest articles, so it is never short while the site has that many published articles. An old slug (the collection was renamed) answers 301 with the Location of the current one.",
        tags: ['Collections'],
        params: SlugParams,
        querystring: NoQuery,
        response: { 200: DataOf(ref(Collection)), 301: MovedResponse, ...problemResponses(400, 404) },
      },
    },
    async (request, reply) => {
      const found = await app.services.collections.getPublic(request.params.slug)
      if (found.kind === 'found') describeArticles(request, found.value.articles)
      return sendBySlug(request, reply, 'collections', collectionKey, found)
    },
  )
}
