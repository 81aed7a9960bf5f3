import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { AuditEntry } from '../../../schemas/admin.js'
import { Nullable, problemResponses, ref } from '../../../schemas/common.js'
import { sendList } from '../../shared.js'

const AuditQuery = Type.Object(
  {
    entity_type: Type.Optional(Type.String({ minLength: 1, maxLength: 40, description: 'article, section, tag, author, page, settings, user' })),
    entity_id: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    actor: Type.Optional(Type.String({ format: 'uuid', description: 'User id' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
  },
  { additionalProperties: false },
)

export const adminAuditRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/audit',
    {
      config: { roles: ['admin'] },
      schema: {
        tags: ['Editor: audit'],
        operationId: 'adminListAudit',
        summary: 'The audit trail: who changed what, when',
        description: 'Newest first, content and accounts. Paginate with meta.next_cursor.',
        querystring: AuditQuery,
        response: {
          200: Type.Object(
            { data: Type.Array(ref(AuditEntry)), meta: Type.Object({ limit: Type.Integer(), next_cursor: Nullable(Type.String()) }, { additionalProperties: false }) },
            { additionalProperties: false },
          ),
          ...problemResponses(400),
        },
      },
    },
    async (request, reply) => sendList(request, reply, await app.services.auditLog.list(request.query)),
  )
}
