import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { AdminCollection, COLLECTION_RULES } from '../../../schemas/collections.js'
import { DataOf, DateTime, DisplayName, NoQuery, Nullable, problemResponses, ref, Slug, SlugParams, StringEnum } from '../../../schemas/common.js'
import { withHeaders } from '../../../schemas/headers.js'
import { preconditionOf, versionEtag } from '../preconditions.js'

const staff = { roles: ['admin', 'editor'] as const }
const tags = ['Editor: collections']

const RuleInput = Type.Object(
  {
    kind: StringEnum(COLLECTION_RULES, { description: 'What fills the slots no pin holds, newest first' }),
    section: Type.Optional(Slug('The section, for kind section')),
    tag: Type.Optional(Slug('The tag, for kind tag')),
  },
  { additionalProperties: false },
)
const fields = {
  slug: Type.Optional(Slug()),
  description: Type.Optional(Type.String({ maxLength: 1000 })),
  size: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, description: 'How many articles it shows (default 10)' })),
  position: Type.Optional(Type.Integer({ minimum: 0, maximum: 10000, description: 'Order in GET /v1/collections (ascending; default 0)' })),
  rule: Type.Optional(RuleInput),
}
const Name = DisplayName(120, 'The slug is made from it when none is sent')
const CreateBody = Type.Object({ name: Name, ...fields }, { additionalProperties: false })
const UpdateBody = Type.Object({ name: Type.Optional(Name), ...fields, version: Type.Optional(Type.Integer({ minimum: 1 })) }, { additionalProperties: false, minProperties: 1 })
const ItemsBody = Type.Object(
  {
    items: Type.Array(
      Type.Object(
        {
          slot: Type.Integer({ minimum: 1, maximum: 50, description: '1-based; within the collection size' }),
          article_id: Type.String({ format: 'uuid' }),
          expires_at: Type.Optional(Nullable(DateTime('When the pin ends (in the future); null or absent: never'))),
        },
        { additionalProperties: false },
      ),
      { maxItems: 50, description: 'Every pin (replacing the current ones): one per slot, an article at most once. Any article may be pinned; only a published one shows' },
    ),
    version: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false },
)
const Single = withHeaders(DataOf(ref(AdminCollection)), 'ETag')
const Created = withHeaders(DataOf(ref(AdminCollection)), 'Location', 'ETag')

export const adminCollectionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const collections = app.services.collections
  const location = (slug: string) => `${app.config.publicUrl}/v1/admin/collections/${encodeURIComponent(slug)}`
  app.get(
    '/collections',
    { config: staff, schema: { tags, operationId: 'adminListCollections', summary: 'List collections with their pins', querystring: NoQuery, response: { 200: DataOf(Type.Array(ref(AdminCollection))), ...problemResponses(400) } } },
    async () => ({ data: await collections.list() }),
  )
  app.post(
    '/collections',
    {
      config: { ...staff, idempotent: true },
      schema: { tags, operationId: 'adminCreateCollection', summary: 'Create a collection', description: 'A front-page block: its size and its fill rule (default latest).', body: CreateBody, response: { 201: Created, ...problemResponses(400, 409, 422) } },
    },
    async (request, reply) => {
      const collection = await collections.create(request.actor!, request.body)
      return reply.code(201).header('etag', versionEtag(collection.version)).header('location', location(collection.slug)).send({ data: collection })
    },
  )
  app.get(
    '/collections/:slug',
    { config: staff, schema: { tags, operationId: 'adminGetCollection', summary: 'Get a collection with its pins', params: SlugParams, querystring: NoQuery, response: { 200: Single, ...problemResponses(400, 404) } } },
    async (request, reply) => {
      const collection = await collections.get(request.params.slug)
      reply.header('etag', versionEtag(collection.version))
      return { data: collection }
    },
  )
  app.patch(
    '/collections/:slug',
    {
      config: { ...staff, idempotent: true },
      schema: { tags, operationId: 'adminUpdateCollection', summary: 'Update a collection', description: 'Needs If-Match (or version). A smaller size must keep every pinned slot (422 otherwise).', params: SlugParams, body: UpdateBody, response: { 200: Single, ...problemResponses(400, 404, 409, 412, 422, 428) } },
    },
    async (request, reply) => {
      const { version, ...input } = request.body
      const collection = await collections.update(request.actor!, request.params.slug, preconditionOf(request, version), input)
      reply.header('etag', versionEtag(collection.version))
      return { data: collection }
    },
  )
  app.delete(
    '/collections/:slug',
    { config: { ...staff, idempotent: true }, schema: { tags, operationId: 'adminDeleteCollection', summary: 'Delete a collection', description: 'Needs If-Match.', params: SlugParams, response: { 204: { description: 'Deleted', ...Type.Null() }, ...problemResponses(400, 404, 412, 428) } } },
    async (request, reply) => {
      await collections.delete(request.actor!, request.params.slug, preconditionOf(request))
      return reply.code(204).send(null)
    },
  )
  app.put(
    '/collections/:slug/items',
    {
      config: { ...staff, idempotent: true },
      schema: {
        tags,
        operationId: 'adminPutCollectionItems',
        summary: 'Pin articles into slots',
        description: 'Replaces every pin. Needs If-Match (or version) of the collection. 422 names a slot beyond the size, a slot or article given twice, an unknown article or an expiry not in the future.',
        params: SlugParams,
        body: ItemsBody,
        response: { 200: Single, ...problemResponses(400, 404, 409, 412, 422, 428) },
      },
    },
    async (request, reply) => {
      const collection = await collections.putItems(request.actor!, request.params.slug, preconditionOf(request, request.body.version), request.body.items)
      reply.header('etag', versionEtag(collection.version))
      return { data: collection }
    },
  )
}
