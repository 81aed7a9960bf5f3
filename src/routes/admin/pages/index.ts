import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { AdminPage } from '../../../schemas/admin.js'
import { DataOf, DisplayName, IdParams, NoQuery, Nullable, problemResponses, ref, Slug, StringEnum } from '../../../schemas/common.js'
import { withHeaders } from '../../../schemas/headers.js'
import { preconditionOf, versionEtag } from '../preconditions.js'

const staff = { roles: ['admin', 'editor'] as const }
const tags = ['Editor: pages']

const fields = {
  slug: Type.Optional(Slug()),
  body: Type.Optional(Type.String({ maxLength: 200000 })),
  body_format: Type.Optional(StringEnum(['markdown', 'html'])),
  status: Type.Optional(StringEnum(['draft', 'published'], { description: 'Default draft' })),
  seo: Type.Optional(
    Type.Object(
      {
        meta_title: Type.Optional(Nullable(Type.String({ maxLength: 300 }))),
        meta_description: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
      },
      { additionalProperties: false },
    ),
  ),
}
const Title = DisplayName(300, 'The slug is made from it when none is sent (send one when the title has no Latin letters or digits)')
const PageCreateBody = Type.Object({ title: Title, ...fields }, { additionalProperties: false })
const PageUpdateBody = Type.Object(
  { title: Type.Optional(Title), ...fields, version: Type.Optional(Type.Integer({ minimum: 1 })) },
  { additionalProperties: false, minProperties: 1 },
)
/** Answers carry the version as their ETag (send it back as If-Match); a created one its Location too. */
const Single = withHeaders(DataOf(ref(AdminPage)), 'ETag')
const Created = withHeaders(DataOf(ref(AdminPage)), 'Location', 'ETag')

export const adminPageRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const pages = app.services.siteAdmin
  app.get(
    '/pages',
    { config: staff, schema: { tags, operationId: 'adminListPages', summary: 'List static pages (any status)', querystring: NoQuery, response: { 200: Type.Object({ data: Type.Array(ref(AdminPage)) }, { additionalProperties: false }), ...problemResponses(400) } } },
    async () => ({ data: await pages.listPages() }),
  )
  app.post(
    '/pages',
    { config: { ...staff, idempotent: true }, schema: { tags, operationId: 'adminCreatePage', summary: 'Create a static page', body: PageCreateBody, response: { 201: Created, ...problemResponses(400, 409, 422) } } },
    async (request, reply) => {
      const page = await pages.createPage(request.actor!, request.body)
      return reply.code(201).header('etag', versionEtag(page.version)).header('location', `${app.config.publicUrl}/v1/admin/pages/${page.id}`).send({ data: page })
    },
  )
  app.get(
    '/pages/:id',
    { config: staff, schema: { tags, operationId: 'adminGetPage', summary: 'Get a static page', params: IdParams, querystring: NoQuery, response: { 200: Single, ...problemResponses(400, 404) } } },
    async (request, reply) => {
      const page = await pages.getPage(request.params.id)
      reply.header('etag', versionEtag(page.version))
      return { data: page }
    },
  )
  app.patch(
    '/pages/:id',
    { config: { ...staff, idempotent: true }, schema: { tags, operationId: 'adminUpdatePage', summary: 'Update a static page', description: 'Needs If-Match (or version).', params: IdParams, body: PageUpdateBody, response: { 200: Single, ...problemResponses(400, 404, 409, 412, 428) } } },
    async (request, reply) => {
      const { version, ...input } = request.body
      const page = await pages.updatePage(request.actor!, request.params.id, preconditionOf(request, version), input)
      reply.header('etag', versionEtag(page.version))
      return { data: page }
    },
  )
  app.delete(
    '/pages/:id',
    { config: { ...staff, idempotent: true }, schema: { tags, operationId: 'adminDeletePage', summary: 'Delete a static page', description: 'Needs If-Match.', params: IdParams, response: { 204: { description: 'Deleted', ...Type.Null() }, ...problemResponses(400, 404, 412, 428) } } },
    async (request, reply) => {
      await pages.deletePage(request.actor!, request.params.id, preconditionOf(request))
      return reply.code(204).send(null)
    },
  )
}
