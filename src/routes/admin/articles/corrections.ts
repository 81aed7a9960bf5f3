import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { DataOf, problemResponses, ref } from '../../../schemas/common.js'
import { CORRECTION_KINDS, Correction } from '../../../schemas/content.js'
import { withHeaders } from '../../../schemas/headers.js'
import { DateTime, StringEnum } from '../../../schemas/common.js'
import { preconditionOf, versionEtag } from '../preconditions.js'

const staff = { roles: ['admin', 'editor'] as const }
const tags = ['Editor: articles']
const Text = Type.String({ minLength: 1, maxLength: 2000, pattern: '\\S', description: 'Plain text shown to readers' })

const CorrectionCreateBody = Type.Object(
  {
    kind: StringEnum(CORRECTION_KINDS),
    text: Text,
    at: Type.Optional(DateTime('When it took effect; now when omitted. Not in the future')),
  },
  { additionalProperties: false },
)
const CorrectionUpdateBody = Type.Object({ kind: Type.Optional(StringEnum(CORRECTION_KINDS)), text: Type.Optional(Text) }, { additionalProperties: false, minProperties: 1 })
const CorrectionParams = Type.Object({ id: Type.String({ format: 'uuid' }), correction_id: Type.String({ format: 'uuid' }) }, { additionalProperties: false })
const ArticleIdParams = Type.Object({ id: Type.String({ format: 'uuid' }) }, { additionalProperties: false })
/** The article's new version is the answer's ETag: the next write on the article sends it as If-Match. */
const Answer = withHeaders(DataOf(ref(Correction)), 'ETag')

/**
 * Corrections, updates and clarifications on published articles (public, unlike the editorial
 * notes at /articles/{id}/notes). Part of the article's versioned state: If-Match names the article's version.
 */
export const adminCorrectionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/articles/:id/corrections',
    {
      config: { ...staff, idempotent: true },
      schema: {
        operationId: 'adminCreateCorrection',
        summary: 'Append a correction, update or clarification to a published article',
        description:
          'Editors. Shown to readers in the article’s `corrections` and on GET /v1/corrections. Needs If-Match with the article’s version: the note bumps it, sets updated_at, saves a revision and sends `article.updated`. 422 for an article that is not public.',
        tags,
        params: ArticleIdParams,
        body: CorrectionCreateBody,
        response: { 201: Answer, ...problemResponses(400, 404, 409, 412, 422, 428) },
      },
    },
    async (request, reply) => {
      const result = await app.services.corrections.add(request.actor!, request.params.id, preconditionOf(request), request.body)
      reply.header('etag', versionEtag(result.version))
      return reply.code(201).send({ data: result.data })
    },
  )

  app.patch(
    '/articles/:id/corrections/:correction_id',
    {
      config: { ...staff, idempotent: true },
      schema: {
        operationId: 'adminUpdateCorrection',
        summary: 'Reword a correction',
        description:
          'Editors. Never silent: needs If-Match with the article’s version, and saves a revision of the article, so its history keeps every wording. Its `at` stays.',
        tags,
        params: CorrectionParams,
        body: CorrectionUpdateBody,
        response: { 200: Answer, ...problemResponses(400, 404, 409, 412, 422, 428) },
      },
    },
    async (request, reply) => {
      const result = await app.services.corrections.edit(request.actor!, request.params.id, request.params.correction_id, preconditionOf(request), request.body)
      reply.header('etag', versionEtag(result.version))
      return { data: result.data }
    },
  )
}
