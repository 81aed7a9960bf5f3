import type { ArticleReadRepository } from '../db/repositories/article-reads.js'
import type { AuthorRepository } from '../db/repositories/authors.js'
import type { PageRepository } from '../db/repositories/pages.js'
import type { SectionRepository } from '../db/repositories/sections.js'
import type { SiteRepository } from '../db/repositories/site.js'
import type { TagOrder, TagRepository } from '../db/repositories/tags.js'
import { AppError } from '../errors.js'
import type { Clock } from '../lib/clock.js'
import { pageModeResult, resolvePaging, type PageResult, type PagingQuery } from '../lib/pagination.js'
import type { ArticleSummaryBody, AuthorBody, PageBody, SectionBody, SiteBody, TagBody } from '../schemas/content.js'
import { presentArticleSummary, presentAuthor, presentPage, presentSection, presentTag } from './presenters.js'

export interface SiteDeps {
  articleReads: ArticleReadRepository
  site: SiteRepository
  sections: SectionRepository
  authors: AuthorRepository
  tags: TagRepository
  pages: PageRepository
  clock: Clock
}

/** The frontend path of a section in navigation; frontends may build their own from `section`. */
export const sectionPath = (slug: string) => `/section/${slug}`

export function createPublicSiteService(deps: SiteDeps) {
  const { site, sections, authors, tags, pages, articleReads, clock } = deps

  return {
    async site(): Promise<SiteBody> {
      const [settings, sectionRows] = await Promise.all([site.get(), sections.list(clock.now())])
      if (!settings) throw new AppError('NOT_FOUND', 'The site has not been set up yet')
      return {
        title: settings.title,
        tagline: settings.tagline,
        description: settings.description,
        url: settings.url,
        logo: settings.logoUrl,
        social_links: settings.socialLinks.map((l) => ({ network: l.network, url: l.url })),
        navigation: [
          ...sectionRows.map((s) => ({ label: s.name, url: sectionPath(s.slug), section: s.slug })),
          ...settings.navigationLinks.map((l) => ({ label: l.label, url: l.url, section: null })),
        ],
        footer_links: settings.footerLinks.map((l) => ({ label: l.label, url: l.url })),
      }
    },

    /** With `latestPerSection`, each section carries its newest articles (the home page blocks). */
    async sections(options: { latestPerSection?: number | undefined } = {}): Promise<SectionBody[]> {
      const now = clock.now()
      const list = (await sections.list(now)).map(presentSection)
      if (!options.latestPerSection) return list
      const pairs = await articleReads.latestIdsBySection(now, options.latestPerSection)
      const rows = new Map((await articleReads.summariesByIds(pairs.map((p) => p.id))).map((r) => [r.id, r]))
      const bySection = new Map<string, ArticleSummaryBody[]>()
      for (const { id } of pairs) {
        const row = rows.get(id)
        if (!row) continue
        bySection.set(row.sectionSlug, [...(bySection.get(row.sectionSlug) ?? []), presentArticleSummary(row)])
      }
      return list.map((s) => ({ ...s, latest: bySection.get(s.slug) ?? [] }))
    },

    async section(slug: string): Promise<SectionBody> {
      const row = await sections.findBySlug(slug, clock.now())
      if (!row) throw new AppError('NOT_FOUND', `No section has the slug "${slug}"`)
      return presentSection(row)
    },

    async authors(): Promise<AuthorBody[]> {
      return (await authors.list(clock.now())).map(presentAuthor)
    },

    async author(slug: string): Promise<AuthorBody> {
      const row = await authors.findBySlug(slug, clock.now())
      if (!row) throw new AppError('NOT_FOUND', `No author has the slug "${slug}"`)
      return presentAuthor(row)
    },

    async tags(query: PagingQuery & { sort?: TagOrder | undefined }): Promise<PageResult<TagBody>> {
      const paging = resolvePaging(query, { allowCursor: false })
      if (paging.mode !== 'page') throw new AppError('INTERNAL')
      const [rows, total] = await Promise.all([
        tags.list(clock.now(), { order: query.sort ?? 'name', limit: paging.limit, offset: paging.offset }),
        tags.count(),
      ])
      const result = pageModeResult(rows, paging, total)
      return { ...result, items: result.items.map(presentTag) }
    },

    async tag(slug: string): Promise<TagBody> {
      const row = await tags.findBySlug(slug, clock.now())
      if (!row) throw new AppError('NOT_FOUND', `No tag has the slug "${slug}"`)
      return presentTag(row)
    },

    async pages(): Promise<{ slug: string; title: string; updated_at: string }[]> {
      return (await pages.listPublished()).map((p) => ({ slug: p.slug, title: p.title, updated_at: p.updatedAt.toISOString() }))
    },

    async page(slug: string): Promise<PageBody> {
      const row = await pages.findPublishedBySlug(slug)
      if (!row) throw new AppError('NOT_FOUND', `No page has the slug "${slug}"`)
      return presentPage(row)
    },
  }
}

export type PublicSiteService = ReturnType<typeof createPublicSiteService>
