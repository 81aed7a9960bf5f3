import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { AppError } from '../../errors.js'
import { etagMatches } from '../../plugins/caching.js'
import { NoQuery, problemResponses } from '../../schemas/common.js'
import { withHeaders } from '../../schemas/headers.js'
import { resolveRange } from './range.js'

const IMMUTABLE = 'public, max-age=31536000, immutable'
const imageBytes = (description: string) => ({ description, content: { 'image/*': { schema: Type.Unsafe<unknown>({ description: 'Image bytes (WebP, AVIF, JPEG, PNG or GIF)' }) } } })

/** Stored media, by content-hashed key: immutable, so cached for a year. */
export const mediaRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/media/:key',
    {
      schema: {
        operationId: 'getMediaFile',
        summary: 'A stored media file',
        description:
          'Names are content-hashed, so a file never changes: Cache-Control is immutable for a year and the ETag is the name itself. Conditional reads (If-None-Match → 304) and one byte range (`Range: bytes=first-last`, `first-` or `-n` → 206 with Content-Range; If-Range honoured) are served from local disk and from S3 alike. Several ranges or another unit get the whole file; a range past the end gets 416.',
        tags: ['Media'],
        params: Type.Object({ key: Type.String({ minLength: 1, maxLength: 140 }) }, { additionalProperties: false }),
        headers: Type.Object({
          range: Type.Optional(Type.String({ maxLength: 200, description: 'One byte range: `bytes=0-1023`, `bytes=1024-` or `bytes=-1024` (the last 1,024 bytes)' })),
          'if-range': Type.Optional(Type.String({ maxLength: 200, description: 'The ETag you hold: the range is served only if it still matches, else the whole file' })),
        }),
        querystring: NoQuery,
        response: {
          200: withHeaders(imageBytes('The file'), 'ETag', 'Accept-Ranges'),
          206: withHeaders(imageBytes('The requested range of the file'), 'ETag', 'Accept-Ranges', 'Content-Range'),
          304: withHeaders({ description: 'Not Modified: the copy you hold (If-None-Match) is current; no body.' }, 'ETag'),
          ...problemResponses(400, 404),
          416: withHeaders(problemResponses(416)[416]!, 'Content-Range'),
        },
      },
    },
    async (request, reply) => {
      const { storage } = app.services
      const { key } = request.params
      // The key is content-hashed: it names these bytes and no others, a strong validator.
      const etag = `"${key}"`
      reply.header('cache-control', IMMUTABLE).header('x-content-type-options', 'nosniff')
      const ifNoneMatch = request.headers['if-none-match']
      if (ifNoneMatch !== undefined) {
        if (!(await storage.exists(key))) throw new AppError('NOT_FOUND', 'No such media file')
        if (etagMatches(ifNoneMatch, etag)) return reply.code(304).header('etag', etag).send()
      }
      const rangeHeader = request.headers.range
      const ifRange = request.headers['if-range']
      // If-Range: the range only while the client's copy is this file (a strong match, RFC 9110 §13.1.5).
      if (rangeHeader !== undefined && (ifRange === undefined || ifRange.trim() === etag)) {
        const size = await storage.size(key)
        if (size === null) throw new AppError('NOT_FOUND', 'No such media file')
        const range = resolveRange(rangeHeader, size)
        if (range === 'unsatisfiable') {
          reply.header('content-range', `bytes */${size}`)
          throw new AppError('RANGE_NOT_SATISFIABLE', `The range "${rangeHeader}" starts past the end of the file (${size} bytes)`)
        }
        if (range !== 'ignore') {
          const file = await storage.open(key, range)
          if (!file) throw new AppError('NOT_FOUND', 'No such media file')
          return reply
            .code(206)
            .header('etag', etag)
            .header('accept-ranges', 'bytes')
            .header('content-range', `bytes ${range.first}-${range.last}/${file.size}`)
            .header('content-length', range.last - range.first + 1)
            .type(file.contentType)
            .send(file.stream)
        }
      }
      const file = await storage.open(key)
      if (!file) throw new AppError('NOT_FOUND', 'No such media file')
      return reply.header('etag', etag).header('accept-ranges', 'bytes').header('content-length', file.size).type(file.contentType).send(file.stream)
    },
  )
}
