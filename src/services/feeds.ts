import type { ArticleFullRow, ArticleReadRepository } from '../db/repositories/article-reads.js'
import type { AuthorRepository } from '../db/repositories/authors.js'
import type { PageRepository } from '../db/repositories/pages.js'
import type { RedirectRepository } from '../db/repositories/redirects.js'
import type { SectionRepository } from '../db/repositories/sections.js'
import type { SiteRepository } from '../db/repositories/site.js'
import { AppError } from '../errors.js'
import type { Clock } from '../lib/clock.js'
import { decodeCursor, encodeCursor } from '../lib/cursor.js'
import { element, rfc822, xmlEscape } from '../lib/xml.js'
import { articleKey, authorKey, sectionKey, tagKey } from './cache-keys.js'
import type { Permalinks } from './permalinks.js'

const XML_HEADER = '<?xml version="1.0" encoding="UTF-8"?>\n'
const SITEMAP_NS = 'http://www.sitemaps.org/schemas/sitemap/0.9'
const sitemapUrl = (loc: string, lastmod?: Date) => `<url>${element('loc', loc)}${lastmod ? element('lastmod', lastmod.toISOString()) : ''}</url>`

export interface FeedDocument<T> {
  body: T
  /** Surrogate keys of what the document shows beyond its route's own (each article, its section, author, tags). */
  keys: string[]
}

/** The keys of a feed of articles: each one, and the section, author and tags it names. */
function keysOf(rows: readonly ArticleFullRow[], section: string | undefined): string[] {
  const keys = new Set<string>(section ? [sectionKey(section)] : [])
  for (const row of rows) {
    keys.add(articleKey(row.id))
    keys.add(sectionKey(row.sectionSlug))
    for (const author of row.authors) keys.add(authorKey(author.slug))
    for (const tag of row.tags) keys.add(tagKey(tag.slug))
  }
  return [...keys]
}

/** A section feed asked for by an old slug of the section: answered 301 to the current one. */
export class SectionMoved extends Error {
  readonly slug: string
  constructor(slug: string) {
    super(`The section moved to ${slug}`)
    this.slug = slug
  }
}

/** One sitemap file holds at most 50,000 URLs (sitemaps.org); we stay below with room to spare. */
export const SITEMAP_FILE_LIMIT = 45_000

export function createFeedService(deps: {
  articles: ArticleReadRepository
  sections: SectionRepository
  authors: Pick<AuthorRepository, 'list'>
  pages: PageRepository
  site: SiteRepository
  redirects: RedirectRepository
  permalinks: Permalinks
  clock: Clock
  /** The API's own address: feed self links and sitemap index entries (served here). */
  publicUrl: string
}) {
  const { articles, sections, authors, pages, site, redirects, permalinks, clock, publicUrl } = deps

  /** Author pages worth crawling: authors with a public article, first author or co-author. */
  async function bylines(now: Date) {
    return (await authors.list(now)).filter((a) => a.articleCount > 0)
  }

  async function load(sectionSlug: string | undefined, limit: number) {
    const now = clock.now()
    const settings = await site.get()
    let section: { slug: string; name: string; description: string } | undefined
    if (sectionSlug !== undefined) {
      section = await sections.findBySlug(sectionSlug, now)
      if (!section) {
        const moved = await redirects.currentSlug('section', sectionSlug)
        if (moved !== undefined && moved !== sectionSlug) throw new SectionMoved(moved)
        throw new AppError('NOT_FOUND', `No section has the slug "${sectionSlug}"`)
      }
    }
    const rows = await articles.latestFull({ now, section: section?.slug }, limit)
    const urls = await permalinks.get()
    const siteTitle = settings?.title ?? 'News'
    const title = section ? `${siteTitle} — ${section.name}` : siteTitle
    const description = section?.description || settings?.description || settings?.tagline || ''
    const lastModified = rows.reduce((max, r) => (r.updatedAt > max ? r.updatedAt : max), settings?.updatedAt ?? new Date(0))
    const home = section ? urls.section(section.slug) : urls.home
    const feedPath = section ? `/v1/feeds/sections/${section.slug}` : '/v1/feeds'
    return { rows, urls, title, description, lastModified, home, feedPath, keys: keysOf(rows, section?.slug) }
  }

  const imageOf = (row: ArticleFullRow) => row.featuredImageUrl ?? null

  return {
    /** RSS 2.0 with content:encoded, dc:creator and media:content. */
    async rss(sectionSlug: string | undefined, limit: number): Promise<FeedDocument<string>> {
      const f = await load(sectionSlug, limit)
      const items = f.rows
        .map((row) =>
          [
            '<item>',
            element('title', row.title),
            element('link', f.urls.article(row)),
            element('guid', row.id, { isPermaLink: 'false' }),
            element('pubDate', rfc822(row.publishedAt)),
            // One dc:creator per author of the byline, in order (RSS 2.0 with Dublin Core).
            ...row.byline.map((author) => element('dc:creator', author.name)),
            element('category', row.sectionName),
            ...row.tags.map((t) => element('category', t.name)),
            element('description', row.excerpt),
            element('content:encoded', row.bodyHtml),
            imageOf(row) ? `<media:content url="${xmlEscape(imageOf(row)!)}" medium="image"/>` : '',
            '</item>',
          ].join(''),
        )
        .join('\n')
      const body = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/">',
        '<channel>',
        element('title', f.title),
        element('link', f.home),
        element('description', f.description),
        element('language', 'en'),
        element('lastBuildDate', rfc822(f.lastModified)),
        `<atom:link href="${xmlEscape(`${publicUrl}${f.feedPath}/rss.xml`)}" rel="self" type="application/rss+xml"/>`,
        items,
        '</channel>',
        '</rss>',
        '',
      ].join('\n')
      return { body, keys: f.keys }
    },

    /** JSON Feed 1.1. */
    async jsonFeed(sectionSlug: string | undefined, limit: number) {
      const f = await load(sectionSlug, limit)
      return {
        keys: f.keys,
        body: {
          version: 'https://jsonfeed.org/version/1.1',
          title: f.title,
          home_page_url: f.home,
          feed_url: `${publicUrl}${f.feedPath}/feed.json`,
          description: f.description,
          language: 'en',
          items: f.rows.map((row) => ({
            id: row.id,
            url: f.urls.article(row),
            title: row.title,
            content_html: row.bodyHtml,
            summary: row.excerpt,
            ...(imageOf(row) ? { image: imageOf(row)! } : {}),
            date_published: row.publishedAt.toISOString(),
            date_modified: row.updatedAt.toISOString(),
            authors: row.byline.map((author) => ({ name: author.name, ...(author.website ? { url: author.website } : {}) })),
            tags: [row.sectionName, ...row.tags.map((t) => t.name)],
          })),
        },
      }
    },

    /** JSON sitemap: sections and pages in full, articles one keyset page at a time. */
    async sitemap(limit: number, cursor: string | undefined) {
      const now = clock.now()
      let after: { at: string; id: string } | undefined
      if (cursor !== undefined) {
        const decoded = decodeCursor(cursor)
        if (!decoded || decoded.direction !== 'after') {
          throw new AppError('BAD_CURSOR', 'The cursor is not valid', { invalidParams: [{ name: 'querystring.cursor', reason: 'not a valid cursor' }] })
        }
        after = decoded
      }
      const urls = await permalinks.get()
      const [sectionRows, authorRows, pageRows, articleRows] = await Promise.all([sections.list(now), bylines(now), pages.listPublished(), articles.sitemapPage(now, limit, after)])
      const page = articleRows.slice(0, limit)
      const last = page[page.length - 1]
      const next = last && articleRows.length > limit ? encodeCursor({ at: last.publishedAt.toISOString(), id: last.id, direction: 'after' }) : null
      return {
        items: {
          sections: sectionRows.map((s) => ({ slug: s.slug, url: urls.section(s.slug) })),
          authors: authorRows.map((a) => ({ slug: a.slug, url: urls.author(a.slug) })),
          pages: pageRows.map((p) => ({ slug: p.slug, url: urls.page(p), updated_at: p.updatedAt.toISOString() })),
          articles: page.map((a) => ({ slug: a.slug, url: urls.article(a), published_at: a.publishedAt.toISOString(), updated_at: a.updatedAt.toISOString() })),
        },
        meta: { limit, next_cursor: next },
        links: next ? { next: { cursor: next } } : {},
      }
    },

    /**
     * sitemap.xml: an index pointing at /sitemaps/pages.xml, /sitemaps/articles-<n>.xml files of
     * SITEMAP_FILE_LIMIT URLs each, and the Google News sitemap /sitemap-news.xml (which crawlers
     * find only through an index or a submission, so even a small site gets an index).
     */
    async sitemapXml(part: { kind: 'root' } | { kind: 'pages' } | { kind: 'articles'; n: number }): Promise<FeedDocument<string>> {
      const now = clock.now()
      const urls = await permalinks.get()
      const files = Math.ceil((await articles.countPublic({ now })) / SITEMAP_FILE_LIMIT)
      const fixedUrls = async () => {
        const [sectionRows, authorRows, pageRows] = await Promise.all([sections.list(now), bylines(now), pages.listPublished()])
        return [
          sitemapUrl(urls.home),
          ...sectionRows.map((s) => sitemapUrl(urls.section(s.slug))),
          ...authorRows.map((a) => sitemapUrl(urls.author(a.slug))),
          ...pageRows.map((p) => sitemapUrl(urls.page(p), p.updatedAt)),
        ]
      }
      const articleUrls = async (n: number) => {
        const rows = await articles.sitemapSlice(now, SITEMAP_FILE_LIMIT, (n - 1) * SITEMAP_FILE_LIMIT)
        return rows.map((a) => sitemapUrl(urls.article(a), a.updatedAt))
      }
      if (part.kind === 'root') {
        const names = ['sitemaps/pages', ...Array.from({ length: files }, (_, i) => `sitemaps/articles-${i + 1}`), 'sitemap-news']
        const entries = names.map((name) => `<sitemap>${element('loc', `${publicUrl}/${name}.xml`)}</sitemap>`)
        return { body: `${XML_HEADER}<sitemapindex xmlns="${SITEMAP_NS}">\n${entries.join('\n')}\n</sitemapindex>\n`, keys: [] }
      }
      if (part.kind === 'articles' && (part.n < 1 || part.n > files)) throw new AppError('NOT_FOUND', 'No such sitemap file')
      const lines = part.kind === 'articles' ? await articleUrls(part.n) : await fixedUrls()
      return { body: `${XML_HEADER}<urlset xmlns="${SITEMAP_NS}">\n${lines.join('\n')}\n</urlset>\n`, keys: [] }
    },
  }
}

export type FeedService = ReturnType<typeof createFeedService>
