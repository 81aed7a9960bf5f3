import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { MovedResponse, sendBySlug } from '../shared.js'
import { DataOf, NoQuery, problemResponses, ref, SlugParams } from '../../schemas/common.js'
import { Page, PageSummary } from '../../schemas/content.js'

export const pageRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/pages',
    {
      config: { cache: 'public', cacheTags: ['pages'] },
      schema: {
        operationId: 'listPages',
        summary: 'List published static pages',
        description: 'Title and slug of every published page (About Us, Privacy Policy, …), for footers and sitemaps; drafts are not listed.',
        tags: ['Pages'],
        querystring: NoQuery,
        response: {
          200: Type.Object(
            { data: Type.Array(ref(PageSummary)), meta: Type.Object({ total: Type.Integer() }, { additionalProperties: false }) },
            { additionalProperties: false },
          ),
          ...problemResponses(400),
        },
      },
    },
    async () => {
      const data = await app.services.publicSite.pages()
      return { data, meta: { total: data.length } }
    },
  )

  app.get(
    '/pages/:slug',
    {
      config: { cache: 'public', cacheTags: ['pages'] },
      schema: {
        operationId: 'getPage',
        summary: 'Get a static page',
        description: 'A published page with its sanitised HTML body and SEO fields; a draft or unknown slug is 404. An old slug answers 301 with the Location of the current one.',
        tags: ['Pages'],
        params: SlugParams,
        querystring: NoQuery,
        response: { 200: DataOf(ref(Page)), 301: MovedResponse, ...problemResponses(400, 404) },
      },
    },
    async (request, reply) => sendBySlug(request, reply, 'pages', undefined, await app.services.publicSite.page(request.params.slug)),
  )
}
