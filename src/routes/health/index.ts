import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { AppError } from '../../errors.js'
import { NoQuery, problemResponses } from '../../schemas/common.js'

const Status = Type.Object(
  { status: Type.String(), database: Type.Optional(Type.String()) },
  { additionalProperties: false },
)

export const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/health/live',
    {
      schema: {
        operationId: 'healthLive',
        summary: 'Liveness: the process is up',
        description: 'Answers as long as the process runs, without touching the database: for a container or orchestrator liveness probe. Not logged.',
        tags: ['Health'],
        querystring: NoQuery,
        response: { 200: Status, ...problemResponses(400) },
      },
    },
    async () => ({ status: 'ok' }),
  )

  app.get(
    '/health/ready',
    {
      schema: {
        operationId: 'healthReady',
        summary: 'Readiness: the database answers',
        description: 'Pings the database: 503 with Retry-After while it does not answer, so a load balancer sends no traffic here. Not logged.',
        tags: ['Health'],
        querystring: NoQuery,
        response: { 200: Status, ...problemResponses(400) },
      },
    },
    async () => {
      try {
        await app.database.ping()
      } catch (error) {
        throw new AppError('SERVICE_UNAVAILABLE', 'The database does not answer', { cause: error, headers: { 'retry-after': '5' } })
      }
      return { status: 'ok', database: app.database.kind }
    },
  )
}
