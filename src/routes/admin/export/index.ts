import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { EXPORTED_TABLES } from '../../../db/repositories/export.js'
import { NoQuery, problemResponses } from '../../../schemas/common.js'
import { withHeaders } from '../../../schemas/headers.js'
import { EXPORT_FORMAT, EXPORT_VERSION } from '../../../services/export.js'

const Row = Type.Record(Type.String(), Type.Unknown(), { description: 'One row: its columns by SQL name (dates in ISO 8601)' })

/** The document, as integrators read it (docs/export.md has every table and column). */
const ExportDocument = Type.Object(
  {
    format: Type.Literal(EXPORT_FORMAT),
    version: Type.Literal(EXPORT_VERSION),
    schema_migrations: Type.Integer({ description: 'Migrations applied to the database that wrote it; a restore needs at least as many' }),
    exported_at: Type.String({ format: 'date-time' }),
    tables: Type.Object(
      Object.fromEntries(EXPORTED_TABLES.map((spec) => [spec.name, Type.Array(Row, { description: spec.description })])),
      { additionalProperties: false, description: 'Every table of the publication, in the order a restore inserts them' },
    ),
  },
  { description: 'The whole publication', additionalProperties: false },
)

export const adminExportRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/export',
    {
      config: { roles: ['admin'] },
      schema: {
        tags: ['Editor: export'],
        operationId: 'adminExport',
        summary: 'Download the whole publication as one JSON document (backup, and the way out)',
        description:
          'Settings, sections, tags, authors, staff accounts (without passwords), media metadata, articles with their revisions and notes, pages, comments, subscribers with their consent, redirects and old paths — from one consistent snapshot, streamed. `npm run import -- newsroom FILE` restores it.',
        querystring: NoQuery,
        response: { 200: withHeaders(ExportDocument, 'Content-Disposition'), ...problemResponses(400) },
      },
    },
    async (_request, reply) => {
      const day = app.clock.now().toISOString().slice(0, 10)
      return reply
        .type('application/json; charset=utf-8')
        .header('content-disposition', `attachment; filename="newsroom-export-${day}.json"`)
        .send(app.services.exporter.stream() as never) // streamed: the schema documents it, nothing serialises it
    },
  )
}
