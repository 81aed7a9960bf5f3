import type { FastifyReply, FastifyRequest } from 'fastify'
import { linkHeader, type PageLinks } from '../lib/pagination.js'

/** The list envelope `{ data, meta }` plus RFC 8288 Link headers, for every paginated route. */
export function sendList<Items, Meta>(request: FastifyRequest, reply: FastifyReply, result: { items: Items; meta: Meta; links: PageLinks }) {
  const [path = request.url, rawQuery = ''] = request.url.split('?', 2)
  const link = linkHeader(request.server.config.publicUrl, path, rawQuery, result.links)
  if (link) reply.header('link', link)
  return { data: result.items, meta: result.meta }
}
