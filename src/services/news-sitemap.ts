import type { ArticleReadRepository } from '../db/repositories/article-reads.js'
import type { SiteRepository } from '../db/repositories/site.js'
import type { Clock } from '../lib/clock.js'
import { element } from '../lib/xml.js'
import { articleKey } from './cache-keys.js'
import type { FeedDocument } from './feeds.js'
import type { Permalinks } from './permalinks.js'

const SITEMAP_NS = 'http://www.sitemaps.org/schemas/sitemap/0.9'
const NEWS_NS = 'http://www.google.com/schemas/sitemap-news/0.9'

/** Google News reads articles of the last two days from a news sitemap, at most 1,000 of them. */
export const NEWS_WINDOW_MS = 48 * 3600_000
export const NEWS_SITEMAP_LIMIT = 1000

/** W3C datetime to the second (YYYY-MM-DDThh:mm:ssZ): the form Google's documentation shows. */
const w3cSeconds = (date: Date) => `${date.toISOString().slice(0, 19)}Z`

export interface NewsSitemapDocument extends FeedDocument<string> {
  /** When the oldest listed article leaves the window: the document changes then without any write. */
  changesAt: Date | undefined
}

/**
 * /sitemap-news.xml: the public articles published in the last 48 hours (by the injected clock),
 * newest first, each with the news: publication (site title and language), date and title.
 */
export function createNewsSitemap(deps: { articles: ArticleReadRepository; site: SiteRepository; permalinks: Permalinks; clock: Clock }) {
  const { articles, site, permalinks, clock } = deps
  return {
    async xml(): Promise<NewsSitemapDocument> {
      const now = clock.now()
      const [rows, settings, urls] = await Promise.all([articles.publishedSince(now, new Date(now.getTime() - NEWS_WINDOW_MS), NEWS_SITEMAP_LIMIT), site.get(), permalinks.get()])
      const publication = `<news:publication>${element('news:name', settings?.title ?? 'News')}${element('news:language', settings?.language ?? 'en')}</news:publication>`
      const entries = rows.map(
        (row) =>
          `<url>${element('loc', urls.article(row))}<news:news>${publication}${element('news:publication_date', w3cSeconds(row.publishedAt))}${element('news:title', row.title)}</news:news></url>`,
      )
      const oldest = rows[rows.length - 1]
      return {
        body: `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="${SITEMAP_NS}" xmlns:news="${NEWS_NS}">\n${entries.map((e) => `${e}\n`).join('')}</urlset>\n`,
        keys: rows.map((row) => articleKey(row.id)),
        changesAt: oldest ? new Date(oldest.publishedAt.getTime() + NEWS_WINDOW_MS) : undefined,
      }
    },
  }
}

export type NewsSitemap = ReturnType<typeof createNewsSitemap>
