import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { adminSchemas } from '../schemas/admin.js'
import { collectionSchemas } from '../schemas/collections.js'
import { commentSchemas } from '../schemas/comments.js'
import { InvalidParam, ListMeta, Problem } from '../schemas/common.js'
import { contentSchemas } from '../schemas/content.js'
import { discoverySchemas } from '../schemas/discovery.js'
import { mediaSchemas } from '../schemas/media.js'
import { webhookEventSchemas } from '../schemas/webhook-events.js'

/** Every shared schema, by $id: the serializer resolves `ref()`s to them; OpenAPI lists them as components. */
export const sharedSchemas = [InvalidParam, Problem, ListMeta, ...contentSchemas, ...adminSchemas, ...discoverySchemas, ...commentSchemas, ...mediaSchemas, ...collectionSchemas, ...webhookEventSchemas]

export const schemasPlugin = fp(
  async (app: FastifyInstance) => {
    for (const schema of sharedSchemas) app.addSchema(schema)
  },
  { name: 'schemas' },
)
