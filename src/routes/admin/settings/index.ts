import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { AdminSettings } from '../../../schemas/admin.js'
import { DataOf, HttpUrl, NoQuery, Nullable, problemResponses, ref } from '../../../schemas/common.js'
import { preconditionOf, versionEtag } from '../preconditions.js'

const admin = { roles: ['admin'] as const }
const tags = ['Editor: settings']

const LinkInput = Type.Object(
  {
    label: Type.String({ minLength: 1, maxLength: 80 }),
    url: Type.String({ minLength: 1, maxLength: 500, pattern: '^(/|https?://)', description: 'A frontend path (/about-us) or an absolute URL' }),
  },
  { additionalProperties: false },
)
const SettingsBody = Type.Object(
  {
    title: Type.Optional(Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' })),
    tagline: Type.Optional(Type.String({ maxLength: 300 })),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    url: Type.Optional(Nullable(HttpUrl('The public website'))),
    logo: Type.Optional(Nullable(HttpUrl())),
    social_links: Type.Optional(
      Type.Array(Type.Object({ network: Type.String({ minLength: 1, maxLength: 40 }), url: HttpUrl() }, { additionalProperties: false }), { maxItems: 20 }),
    ),
    navigation_links: Type.Optional(Type.Array(LinkInput, { maxItems: 30 })),
    footer_links: Type.Optional(Type.Array(LinkInput, { maxItems: 30 })),
    version: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false, minProperties: 1 },
)

export const adminSettingsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/settings',
    { config: admin, schema: { tags, operationId: 'adminGetSettings', summary: 'Site settings', querystring: NoQuery, response: { 200: DataOf(ref(AdminSettings)), ...problemResponses(400) } } },
    async (_request, reply) => {
      const settings = await app.services.siteAdmin.getSettings()
      reply.header('etag', versionEtag(settings.version))
      return { data: settings }
    },
  )
  app.patch(
    '/settings',
    { config: { ...admin, idempotent: true }, schema: { tags, operationId: 'adminUpdateSettings', summary: 'Update site settings', description: 'Needs If-Match (or version).', body: SettingsBody, response: { 200: DataOf(ref(AdminSettings)), ...problemResponses(400, 409, 412, 428) } } },
    async (request, reply) => {
      const { version, ...input } = request.body
      const settings = await app.services.siteAdmin.updateSettings(request.actor!, preconditionOf(request, version), input)
      reply.header('etag', versionEtag(settings.version))
      return { data: settings }
    },
  )
}
