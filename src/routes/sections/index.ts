import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { MovedResponse, sendBySlug } from '../shared.js'
import { DataOf, NoQuery, problemResponses, ref, SlugParams, StringEnum } from '../../schemas/common.js'
import { Section } from '../../schemas/content.js'
import { addCacheKeys, describeArticles } from '../../plugins/caching.js'
import { sectionKey } from '../../services/cache-keys.js'

export const sectionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/sections',
    {
      config: { cache: 'public', cacheTags: ['sections'] },
      schema: {
        operationId: 'listSections',
        summary: 'List sections in navigation order',
        description: 'With include=latest each section carries its newest articles (latest_limit each): the home page’s per-section blocks in one request.',
        tags: ['Sections'],
        querystring: Type.Object(
          {
            include: Type.Optional(StringEnum(['latest'])),
            latest_limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 20, default: 4 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object(
            { data: Type.Array(ref(Section)), meta: Type.Object({ total: Type.Integer() }, { additionalProperties: false }) },
            { additionalProperties: false },
          ),
          ...problemResponses(400),
        },
      },
    },
    async (request) => {
      const latestPerSection = request.query.include === 'latest' ? (request.query.latest_limit ?? 4) : undefined
      const data = await app.services.publicSite.sections({ latestPerSection })
      // Each section's key: its article_count moves with its articles' events.
      addCacheKeys(request, data.map((s) => sectionKey(s.slug)))
      for (const section of data) if (section.latest) describeArticles(request, section.latest)
      return { data, meta: { total: data.length } }
    },
  )

  app.get(
    '/sections/:slug',
    {
      config: { cache: 'public', cacheTags: ['sections'] },
      schema: {
        operationId: 'getSection',
        summary: 'Get a section',
        description: 'Its name, description and position in the navigation. Its articles: GET /v1/articles?section={slug}; its feeds: /v1/feeds/sections/{slug}/rss.xml and feed.json. An old slug answers 301 with the Location of the current one.',
        tags: ['Sections'],
        params: SlugParams,
        querystring: NoQuery,
        response: { 200: DataOf(ref(Section)), 301: MovedResponse, ...problemResponses(400, 404) },
      },
    },
    async (request, reply) => sendBySlug(request, reply, 'sections', sectionKey, await app.services.publicSite.section(request.params.slug)),
  )
}
