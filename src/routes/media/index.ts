import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { AppError } from '../../errors.js'
import { NoQuery, problemResponses } from '../../schemas/common.js'

/** Stored media, by content-hashed key: immutable, so cached for a year. */
export const mediaRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/media/:key',
    {
      schema: {
        operationId: 'getMediaFile',
        summary: 'A stored media file',
        description: 'Names are content-hashed, so a file never changes: Cache-Control is immutable for a year.',
        tags: ['Media'],
        params: Type.Object({ key: Type.String({ minLength: 1, maxLength: 140 }) }, { additionalProperties: false }),
        querystring: NoQuery,
        response: {
          200: {
            description: 'The file',
            content: { 'image/*': { schema: Type.Unsafe<unknown>({ description: 'Image bytes (WebP, AVIF, JPEG, PNG or GIF)' }) } },
          },
          ...problemResponses(400, 404),
        },
      },
    },
    async (request, reply) => {
      const file = await app.services.storage.open(request.params.key)
      if (!file) throw new AppError('NOT_FOUND', 'No such media file')
      return reply
        .header('cache-control', 'public, max-age=31536000, immutable')
        .header('content-length', file.size)
        .header('x-content-type-options', 'nosniff')
        .type(file.contentType)
        .send(file.stream)
    },
  )
}
