import type { ArticleReadRepository } from '../db/repositories/article-reads.js'
import type { AuthorRepository } from '../db/repositories/authors.js'
import type { PageRepository } from '../db/repositories/pages.js'
import type { RedirectKind, RedirectRepository } from '../db/repositories/redirects.js'
import type { SectionRepository } from '../db/repositories/sections.js'
import type { SiteRepository } from '../db/repositories/site.js'
import type { TagOrder, TagRepository } from '../db/repositories/tags.js'
import type { LinkItem } from '../db/schema/types.js'
import { siteJsonLd } from './structured-data.js'
import { AppError } from '../errors.js'
import type { Clock } from '../lib/clock.js'
import { pageModeResult, resolvePaging, type PageResult, type PagingQuery } from '../lib/pagination.js'
import { normalizeWebsitePath } from '../lib/permalinks.js'
import type { ArticleSummaryBody, AuthorBody, PageBody, SectionBody, SiteBody, TagBody } from '../schemas/content.js'
import type { Permalinks, SiteLinks } from './permalinks.js'
import { presentArticleSummary, presentAuthor, presentPage, presentSection, presentTag } from './presenters.js'
import type { Resolver } from './resolver.js'

export interface SiteDeps {
  articleReads: ArticleReadRepository
  site: SiteRepository
  sections: SectionRepository
  authors: AuthorRepository
  tags: TagRepository
  pages: PageRepository
  redirects: RedirectRepository
  permalinks: Permalinks
  resolver: Resolver
  clock: Clock
}

/** A resource by slug, or the slug it moved to (an old slug answers 301). */
export type SlugLookup<T> = { kind: 'found'; value: T } | { kind: 'redirect'; slug: string }

type SiteLink = SiteBody['footer_links'][number]

export function createPublicSiteService(deps: SiteDeps) {
  const { site, sections, authors, tags, pages, articleReads, redirects, permalinks, resolver, clock } = deps
  const linksNow = () => permalinks.current() ?? permalinks.get()

  async function bySlug<T>(kind: RedirectKind, slug: string, find: () => Promise<T | undefined>): Promise<SlugLookup<T>> {
    const value = await find()
    if (value !== undefined) return { kind: 'found', value }
    const moved = await redirects.currentSlug(kind, slug)
    if (moved !== undefined && moved !== slug) return { kind: 'redirect', slug: moved }
    throw new AppError('NOT_FOUND', `No ${kind} has the slug "${slug}"`)
  }

  /**
   * Editors' links as the website should show them: a path (or a URL on the site's origin) that
   * leads to a section, page, tag or author becomes that resource's current URL, even after a
   * slug or permalink change; anything else is `external`, made absolute on the site.
   */
  async function classify(items: LinkItem[], links: SiteLinks): Promise<SiteLink[]> {
    const paths = items.map((item) => {
      const normalized = normalizeWebsitePath(item.url, links.origin)
      return normalized.ok ? normalized.path : null
    })
    const wanted = [...new Set(paths.filter((p): p is string => p !== null))]
    const resolved = new Map((await resolver.resolveMany(wanted, links)).map((r, i) => [wanted[i]!, r]))
    return items.map((item, i) => {
      const found = paths[i] === null ? null : resolved.get(paths[i]!)
      if (found && found.type !== 'article') return { label: item.label, url: found.url, type: found.type, slug: found.slug }
      const url = found ? found.url : item.url.startsWith('/') ? links.base + item.url : item.url
      return { label: item.label, url, type: 'external', slug: null }
    })
  }

  return {
    async site(): Promise<SiteBody> {
      const [settings, sectionRows, links] = await Promise.all([site.get(), sections.list(clock.now()), linksNow()])
      if (!settings) throw new AppError('NOT_FOUND', 'The site has not been set up yet')
      const classified = await classify([...settings.navigationLinks, ...settings.footerLinks], links)
      const navigationLinks = classified.slice(0, settings.navigationLinks.length)
      return {
        title: settings.title,
        tagline: settings.tagline,
        description: settings.description,
        url: settings.url,
        logo: settings.logoUrl,
        language: settings.language,
        social_links: settings.socialLinks.map((l) => ({ network: l.network, url: l.url })),
        navigation: [
          ...sectionRows.map((s) => ({ label: s.name, url: links.section(s.slug), type: 'section' as const, slug: s.slug, section: s.slug })),
          ...navigationLinks.map((l) => ({ ...l, section: l.type === 'section' ? l.slug : null })),
        ],
        footer_links: classified.slice(settings.navigationLinks.length),
        structured_data: siteJsonLd({ title: settings.title, description: settings.description || settings.tagline, socialUrls: settings.socialLinks.map((l) => l.url) }, links),
      }
    },

    /** With `latestPerSection`, each section carries its newest articles (the home page blocks). */
    async sections(options: { latestPerSection?: number | undefined } = {}): Promise<SectionBody[]> {
      const now = clock.now()
      const [rows, links] = await Promise.all([sections.list(now), linksNow()])
      const list = rows.map((row) => presentSection(row, links))
      if (!options.latestPerSection) return list
      const pairs = await articleReads.latestIdsBySection(now, options.latestPerSection)
      const summaries = new Map((await articleReads.summariesByIds(pairs.map((p) => p.id))).map((r) => [r.id, r]))
      const bySection = new Map<string, ArticleSummaryBody[]>()
      for (const { id } of pairs) {
        const row = summaries.get(id)
        if (!row) continue
        bySection.set(row.sectionSlug, [...(bySection.get(row.sectionSlug) ?? []), presentArticleSummary(row, links)])
      }
      return list.map((s) => ({ ...s, latest: bySection.get(s.slug) ?? [] }))
    },

    async section(slug: string): Promise<SlugLookup<SectionBody>> {
      const links = await linksNow()
      return bySlug('section', slug, async () => {
        const row = await sections.findBySlug(slug, clock.now())
        return row && presentSection(row, links)
      })
    },

    async authors(): Promise<AuthorBody[]> {
      const [rows, links] = await Promise.all([authors.list(clock.now()), linksNow()])
      return rows.map((row) => presentAuthor(row, links))
    },

    async author(slug: string): Promise<SlugLookup<AuthorBody>> {
      const links = await linksNow()
      return bySlug('author', slug, async () => {
        const row = await authors.findBySlug(slug, clock.now())
        return row && presentAuthor(row, links)
      })
    },

    async tags(query: PagingQuery & { sort?: TagOrder | undefined }): Promise<PageResult<TagBody>> {
      const paging = resolvePaging(query, { allowCursor: false })
      if (paging.mode !== 'page') throw new AppError('INTERNAL')
      const [rows, total, links] = await Promise.all([
        tags.list(clock.now(), { order: query.sort ?? 'name', limit: paging.limit, offset: paging.offset }),
        tags.count(),
        linksNow(),
      ])
      const result = pageModeResult(rows, paging, total)
      return { ...result, items: result.items.map((row) => presentTag(row, links)) }
    },

    async tag(slug: string): Promise<SlugLookup<TagBody>> {
      const links = await linksNow()
      return bySlug('tag', slug, async () => {
        const row = await tags.findBySlug(slug, clock.now())
        return row && presentTag(row, links)
      })
    },

    async pages(): Promise<{ slug: string; url: string; title: string; updated_at: string }[]> {
      const [rows, links] = await Promise.all([pages.listPublished(), linksNow()])
      return rows.map((p) => ({ slug: p.slug, url: links.page(p), title: p.title, updated_at: p.updatedAt.toISOString() }))
    },

    async page(slug: string): Promise<SlugLookup<PageBody>> {
      const links = await linksNow()
      return bySlug('page', slug, async () => {
        const row = await pages.findPublishedBySlug(slug)
        return row && presentPage(row, links)
      })
    },
  }
}

export type PublicSiteService = ReturnType<typeof createPublicSiteService>
