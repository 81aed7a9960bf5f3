import type { FastifyReply, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { linkHeader, type PageLinks } from '../lib/pagination.js'
import { addCacheKeys } from '../plugins/caching.js'
import type { SlugLookup } from '../services/public-site.js'

/** The 301 a public GET by slug answers for an old slug. */
export const MovedResponse = { description: 'Moved to a new slug (see Location)', ...Type.Null() }

/**
 * `{ data }` for a resource found by slug; a 301 to `/v1/<collection>/<current slug>` for an old
 * slug. `keyOf` names the resource's surrogate key (the redirect carries the current slug's, so a
 * rename purges it too).
 */
export function sendBySlug<T extends { slug: string }>(request: FastifyRequest, reply: FastifyReply, collection: string, keyOf: ((slug: string) => string) | undefined, found: SlugLookup<T>) {
  if (found.kind === 'redirect') {
    if (keyOf) addCacheKeys(request, [keyOf(found.slug)])
    return reply.redirect(`${request.server.config.publicUrl}/v1/${collection}/${encodeURIComponent(found.slug)}`, 301)
  }
  if (keyOf) addCacheKeys(request, [keyOf(found.value.slug)])
  return { data: found.value }
}

/** The list envelope `{ data, meta }` plus RFC 8288 Link headers, for every paginated route. */
export function sendList<Items, Meta>(request: FastifyRequest, reply: FastifyReply, result: { items: Items; meta: Meta; links: PageLinks }) {
  const [path = request.url, rawQuery = ''] = request.url.split('?', 2)
  const link = linkHeader(request.server.config.publicUrl, path, rawQuery, result.links)
  if (link) reply.header('link', link)
  return { data: result.items, meta: result.meta }
}
