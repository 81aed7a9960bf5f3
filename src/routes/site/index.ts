import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { DataOf, NoQuery, problemResponses, ref } from '../../schemas/common.js'
import { Site } from '../../schemas/content.js'

export const siteRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/site',
    {
      config: { cache: 'public', cacheTags: ['site', 'sections', 'pages'] },
      schema: {
        operationId: 'getSite',
        summary: 'Site identity, navigation and footer links',
        description: 'Navigation lists the sections in editor order, then the extra links (About Us).',
        tags: ['Site'],
        querystring: NoQuery,
        response: { 200: DataOf(ref(Site)), ...problemResponses(400, 404) },
      },
    },
    async () => ({ data: await app.services.publicSite.site() }),
  )
}
