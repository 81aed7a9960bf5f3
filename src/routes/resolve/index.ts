import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { MAX_RESOLVE_PATH_LENGTH } from '../../lib/permalinks.js'
import { DataOf, problemResponses, ref } from '../../schemas/common.js'
import { Resolution } from '../../schemas/content.js'

const ResolveQuery = Type.Object(
  {
    path: Type.String({
      minLength: 1,
      maxLength: MAX_RESOLVE_PATH_LENGTH,
      description: 'A path of the public website (/2026/05/some-story/?utm_source=x), percent-encoded or not; or a full URL on the site’s own origin',
    }),
  },
  { additionalProperties: false },
)

export const resolveRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/resolve',
    {
      // What a path means changes with any content or settings write: purged by all of them.
      config: { cache: 'public', cacheTags: ['resolve', 'site', 'articles', 'sections', 'tags', 'authors', 'pages'] },
      schema: {
        operationId: 'resolvePath',
        summary: 'What lives at a website path',
        description: [
          'One request for a frontend’s catch-all route. `redirect: false` (`status: 200`): render the resource (`type`, `slug`; `url` is its canonical URL). `redirect: true` (`status: 301`): the path is an old one — an old slug, a path of an earlier permalink pattern, an imported URL, or the resource’s path with a wrong date or section — answer a 301 to `url`. Nothing there: 404 problem+json.',
          'The path is matched against the site’s permalinks (`/v1/admin/settings`); when it fits several kinds, the first of page, section, tag, author, article that has such a resource wins. A query string, fragment and trailing slash are ignored; the site’s base path (of `site.url`) may be included or not. A malformed path (not starting with `/`, `..` segments, control characters, encoded slashes, another host, over 2,000 characters) is a 400.',
        ].join('\n\n'),
        tags: ['Site'],
        querystring: ResolveQuery,
        response: { 200: DataOf(ref(Resolution)), ...problemResponses(400, 404) },
      },
    },
    async (request) => ({ data: await app.services.resolver.resolve(request.query.path) }),
  )
}
