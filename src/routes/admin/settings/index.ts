import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type, type TOptional, type TString } from 'typebox'
import { MAX_PATTERN_LENGTH, PERMALINK_KINDS, type PermalinkKind } from '../../../lib/permalinks.js'
import { AdminSettings, WEEKDAYS } from '../../../schemas/admin.js'
import { DataOf, HttpUrl, NoQuery, Nullable, problemResponses, ref, StringEnum } from '../../../schemas/common.js'
import { withHeaders } from '../../../schemas/headers.js'
import { preconditionOf, versionEtag } from '../preconditions.js'

const admin = { roles: ['admin'] as const }
const tags = ['Editor: settings']
/** Answers carry the version as their ETag (send it back as If-Match). */
const Single = withHeaders(DataOf(ref(AdminSettings)), 'ETag')

/** The codes the database accepts (site_settings_language_code) and Google News expects. */
const LANGUAGE_PATTERN = '^([a-z]{2,3}|zh-cn|zh-tw)$'

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
    language: Type.Optional(Type.String({ pattern: LANGUAGE_PATTERN, description: 'ISO 639 code (two or three lower-case letters), or zh-cn / zh-tw as Google News wants Chinese' })),
    social_links: Type.Optional(
      Type.Array(Type.Object({ network: Type.String({ minLength: 1, maxLength: 40 }), url: HttpUrl() }, { additionalProperties: false }), { maxItems: 20 }),
    ),
    navigation_links: Type.Optional(Type.Array(LinkInput, { maxItems: 30 })),
    footer_links: Type.Optional(Type.Array(LinkInput, { maxItems: 30 })),
    permalinks: Type.Optional(
      Type.Object(
        Object.fromEntries(PERMALINK_KINDS.map((k) => [k, Type.Optional(Type.String({ minLength: 1, maxLength: MAX_PATTERN_LENGTH }))])) as Record<PermalinkKind, TOptional<TString>>,
        {
          additionalProperties: false,
          minProperties: 1,
          description: 'Patterns to change (the others stay). Each a path starting with /, with {slug} (or {id} for articles and pages) and only the known tokens; 422 names every bad one. The replaced patterns keep resolving as redirects.',
        },
      ),
    ),
    newsletter: Type.Optional(
      Type.Object(
        {
          autosend: Type.Optional(Type.Boolean({ description: "Email articles whose own `newsletter` flag is null to their followers when published" })),
          digest_hour: Type.Optional(Type.Integer({ minimum: 0, maximum: 23, description: 'The hour (0–23, in digest_time_zone) digests go out' })),
          digest_time_zone: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'An IANA time zone (Europe/Paris, Asia/Kolkata, UTC); 400 for one this runtime does not know' })),
          digest_weekday: Type.Optional(StringEnum(WEEKDAYS, { description: 'The day weekly digests go out' })),
        },
        { additionalProperties: false, minProperties: 1, description: 'Newsletter settings to change (the others stay)' },
      ),
    ),
    version: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false, minProperties: 1 },
)

export const adminSettingsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/settings',
    { config: admin, schema: { tags, operationId: 'adminGetSettings', summary: 'Site settings', querystring: NoQuery, response: { 200: Single, ...problemResponses(400) } } },
    async (_request, reply) => {
      const settings = await app.services.siteAdmin.getSettings()
      reply.header('etag', versionEtag(settings.version))
      return { data: settings }
    },
  )
  app.patch(
    '/settings',
    { config: { ...admin, idempotent: true }, schema: { tags, operationId: 'adminUpdateSettings', summary: 'Update site settings', description: 'Needs If-Match (or version).', body: SettingsBody, response: { 200: Single, ...problemResponses(400, 409, 412, 422, 428) } } },
    async (request, reply) => {
      const { version, ...input } = request.body
      const settings = await app.services.siteAdmin.updateSettings(request.actor!, preconditionOf(request, version), input)
      reply.header('etag', versionEtag(settings.version))
      return { data: settings }
    },
  )
}
