import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { addCacheKeys, cacheUntil } from '../../plugins/caching.js'
import { sectionKey } from '../../services/cache-keys.js'
import { NoQuery, problemResponses, SlugParams } from '../../schemas/common.js'
import { SectionMoved, type FeedDocument } from '../../services/feeds.js'
import { MovedResponse, sendList } from '../shared.js'
import { FeedQuery, JsonFeed, Sitemap, SitemapQuery, xmlResponse } from './schemas.js'

function sendFeed(request: FastifyRequest, reply: FastifyReply, document: FeedDocument<unknown>, type: string) {
  addCacheKeys(request, document.keys)
  return reply.type(`${type}; charset=utf-8`).send(document.body)
}

const rssResponse = { 200: xmlResponse('RSS 2.0', 'application/rss+xml'), ...problemResponses(400, 404) }
const jsonFeedResponse = { 200: { description: 'JSON Feed 1.1', content: { 'application/feed+json': { schema: JsonFeed } } }, ...problemResponses(400, 404) }
const sectionRssResponse = { ...rssResponse, 301: MovedResponse }
const sectionJsonFeedResponse = { ...jsonFeedResponse, 301: MovedResponse }

/** A section feed by an old slug of the section: 301 to the same feed of its current slug. */
async function followSection<T>(request: FastifyRequest, reply: FastifyReply, file: string, make: () => Promise<T>): Promise<T | FastifyReply> {
  try {
    return await make()
  } catch (error) {
    if (!(error instanceof SectionMoved)) throw error
    addCacheKeys(request, [sectionKey(error.slug)])
    return reply.redirect(`${request.server.config.publicUrl}/v1/feeds/sections/${encodeURIComponent(error.slug)}/${file}`, 301)
  }
}
const feedTags = ['Feeds']
const FEED_DESCRIPTION = 'The newest published articles (`limit`, default 20) with their full HTML, for feed readers and aggregators; links point at the public website. Cacheable: send If-None-Match to revalidate.'

export const feedRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const feeds = app.services.feeds
  const common = { config: { cache: 'public' as const, cacheTags: ['articles', 'sections', 'site'] } }
  const sitemapConfig = { cache: 'public' as const, cacheTags: ['articles', 'sections', 'authors', 'pages', 'site'] }

  app.get('/feeds/rss.xml', { ...common, schema: { tags: feedTags, operationId: 'getRssFeed', summary: 'RSS 2.0 feed of the latest articles', description: FEED_DESCRIPTION, querystring: FeedQuery, response: rssResponse } }, async (request, reply) =>
    sendFeed(request, reply, await feeds.rss(undefined, request.query.limit ?? 20), 'application/rss+xml'),
  )
  app.get('/feeds/feed.json', { ...common, schema: { tags: feedTags, operationId: 'getJsonFeed', summary: 'JSON Feed 1.1 of the latest articles', description: FEED_DESCRIPTION, querystring: FeedQuery, response: jsonFeedResponse } }, async (request, reply) =>
    sendFeed(request, reply, await feeds.jsonFeed(undefined, request.query.limit ?? 20), 'application/feed+json'),
  )
  app.get(
    '/feeds/sections/:slug/rss.xml',
    { ...common, schema: { tags: feedTags, operationId: 'getSectionRssFeed', summary: 'RSS 2.0 feed of a section', description: `${FEED_DESCRIPTION} An unknown section is 404; an old slug of the section answers 301 to its current feed.`, params: SlugParams, querystring: FeedQuery, response: sectionRssResponse } },
    async (request, reply) =>
      followSection(request, reply, 'rss.xml', async () => sendFeed(request, reply, await feeds.rss(request.params.slug, request.query.limit ?? 20), 'application/rss+xml')),
  )
  app.get(
    '/feeds/sections/:slug/feed.json',
    { ...common, schema: { tags: feedTags, operationId: 'getSectionJsonFeed', summary: 'JSON Feed 1.1 of a section', description: `${FEED_DESCRIPTION} An unknown section is 404; an old slug of the section answers 301 to its current feed.`, params: SlugParams, querystring: FeedQuery, response: sectionJsonFeedResponse } },
    async (request, reply) =>
      followSection(request, reply, 'feed.json', async () => sendFeed(request, reply, await feeds.jsonFeed(request.params.slug, request.query.limit ?? 20), 'application/feed+json')),
  )
  app.get(
    '/sitemap',
    {
      config: sitemapConfig,
      schema: {
        tags: feedTags,
        operationId: 'getSitemap',
        summary: 'Sitemap data for frontends',
        description: 'Every section, author page (authors with a public article, as first author or co-author) and static page, and the public articles a page at a time (follow meta.next_cursor), each with its public URL.',
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
  const config = { cache: 'public' as const, cacheTags: ['articles', 'sections', 'authors', 'pages', 'site'] }
  app.get('/sitemap.xml', { config, schema: { tags: ['Feeds'], operationId: 'getSitemapXml', summary: 'sitemap.xml (a sitemap index)', description: 'For crawlers, at the root where they look: a sitemap index pointing at /sitemaps/pages.xml (home, sections, author pages, static pages), /sitemaps/articles-<n>.xml (45,000 articles each, none while there are no articles) and the Google News sitemap /sitemap-news.xml.', querystring: NoQuery, response } }, async (request, reply) =>
    sendFeed(request, reply, await feeds.sitemapXml({ kind: 'root' }), 'application/xml'),
  )
  app.get(
    '/sitemap-news.xml',
    {
      config: { cache: 'public' as const, cacheTags: ['articles', 'site'] },
      schema: {
        tags: ['Feeds'],
        operationId: 'getNewsSitemapXml',
        summary: 'Google News sitemap',
        description:
          'The public articles published in the last 48 hours (at most 1,000, newest first), each with the news: namespace — publication name (the site title) and language (site settings), publication date and title. Listed in /sitemap.xml. Valid against sitemaps.org 0.9 and Google\'s sitemap-news 0.9 schemas; with no article in the window the urlset is empty.',
        querystring: NoQuery,
        response: { 200: xmlResponse('Sitemap (sitemaps.org) with the Google News extension', 'application/xml'), ...problemResponses(400) },
      },
    },
    async (request, reply) => {
      const document = await app.services.newsSitemap.xml()
      // The oldest article leaves the window without any write: cached copies end then.
      cacheUntil(request, document.changesAt?.getTime())
      return sendFeed(request, reply, document, 'application/xml')
    },
  )
  app.get(
    '/sitemaps/:file',
    {
      config,
      schema: {
        tags: ['Feeds'],
        operationId: 'getSitemapPart',
        summary: 'A part of a large sitemap (pages.xml, articles-<n>.xml)',
        description: 'pages.xml lists the home page, sections and static pages; articles-<n>.xml the n-th block of published articles, newest first. A part beyond the last is 404.',
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
