import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { addCacheKeys } from '../../plugins/caching.js'
import { NoQuery, problemResponses, SlugParams } from '../../schemas/common.js'
import type { FeedDocument } from '../../services/feeds.js'
import { sendList } from '../shared.js'
import { FeedQuery, JsonFeed, Sitemap, SitemapQuery, xmlResponse } from './schemas.js'

function sendFeed(request: FastifyRequest, reply: FastifyReply, document: FeedDocument<unknown>, type: string) {
  addCacheKeys(request, document.keys)
  return reply.type(`${type}; charset=utf-8`).send(document.body)
}

const rssResponse = { 200: xmlResponse('RSS 2.0', 'application/rss+xml'), ...problemResponses(400, 404) }
const jsonFeedResponse = { 200: { description: 'JSON Feed 1.1', content: { 'application/feed+json': { schema: JsonFeed } } }, ...problemResponses(400, 404) }
const feedTags = ['Feeds']

export const feedRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const feeds = app.services.feeds
  const common = { config: { cache: 'public' as const, cacheTags: ['articles', 'sections', 'site'] } }
  const sitemapConfig = { cache: 'public' as const, cacheTags: ['articles', 'sections', 'pages', 'site'] }

  app.get('/feeds/rss.xml', { ...common, schema: { tags: feedTags, operationId: 'getRssFeed', summary: 'RSS 2.0 feed of the latest articles', querystring: FeedQuery, response: rssResponse } }, async (request, reply) =>
    sendFeed(request, reply, await feeds.rss(undefined, request.query.limit ?? 20), 'application/rss+xml'),
  )
  app.get('/feeds/feed.json', { ...common, schema: { tags: feedTags, operationId: 'getJsonFeed', summary: 'JSON Feed 1.1 of the latest articles', querystring: FeedQuery, response: jsonFeedResponse } }, async (request, reply) =>
    sendFeed(request, reply, await feeds.jsonFeed(undefined, request.query.limit ?? 20), 'application/feed+json'),
  )
  app.get(
    '/feeds/sections/:slug/rss.xml',
    { ...common, schema: { tags: feedTags, operationId: 'getSectionRssFeed', summary: 'RSS 2.0 feed of a section', params: SlugParams, querystring: FeedQuery, response: rssResponse } },
    async (request, reply) => sendFeed(request, reply, await feeds.rss(request.params.slug, request.query.limit ?? 20), 'application/rss+xml'),
  )
  app.get(
    '/feeds/sections/:slug/feed.json',
    { ...common, schema: { tags: feedTags, operationId: 'getSectionJsonFeed', summary: 'JSON Feed 1.1 of a section', params: SlugParams, querystring: FeedQuery, response: jsonFeedResponse } },
    async (request, reply) => sendFeed(request, reply, await feeds.jsonFeed(request.params.slug, request.query.limit ?? 20), 'application/feed+json'),
  )
  app.get(
    '/sitemap',
    {
      config: sitemapConfig,
      schema: {
        tags: feedTags,
        operationId: 'getSitemap',
        summary: 'Sitemap data for frontends',
        description: 'Every section and static page, and the public articles a page at a time (follow meta.next_cursor), each with its public URL.',
        querystring: SitemapQuery,
        response: { 200: Sitemap, ...problemResponses(400) },
      },
    },
    async (request, reply) => sendList(request, reply, await feeds.sitemap(request.query.limit ?? 1000, request.query.cursor)),
  )
}

/** sitemap.xml and its parts live at the root, where crawlers look for them. */
export const sitemapXmlRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const feeds = app.services.feeds
  const response = { 200: xmlResponse('Sitemap (sitemaps.org) or sitemap index', 'application/xml'), ...problemResponses(400, 404) }
  const config = { cache: 'public' as const, cacheTags: ['articles', 'sections', 'pages', 'site'] }
  app.get('/sitemap.xml', { config, schema: { tags: ['Feeds'], operationId: 'getSitemapXml', summary: 'sitemap.xml', querystring: NoQuery, response } }, async (request, reply) =>
    sendFeed(request, reply, await feeds.sitemapXml({ kind: 'root' }), 'application/xml'),
  )
  app.get(
    '/sitemaps/:file',
    {
      config,
      schema: {
        tags: ['Feeds'],
        operationId: 'getSitemapPart',
        summary: 'A part of a large sitemap (pages.xml, articles-<n>.xml)',
        params: Type.Object({ file: Type.String({ pattern: '^(pages|articles-[1-9][0-9]{0,4})\\.xml$' }) }, { additionalProperties: false }),
        querystring: NoQuery,
        response,
      },
    },
    async (request, reply) => {
      const file = request.params.file
      const part = file === 'pages.xml' ? ({ kind: 'pages' } as const) : ({ kind: 'articles', n: Number(file.slice(9, -4)) } as const)
      return sendFeed(request, reply, await feeds.sitemapXml(part), 'application/xml')
    },
  )
}
