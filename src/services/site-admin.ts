import type { PageRow } from '../db/repositories/pages.js'
import type { Repositories, UnitOfWork } from '../db/repositories/index.js'
import type { SiteSettingsRow } from '../db/repositories/site.js'
import { AppError } from '../errors.js'
import { renderBody, type BodyFormat } from '../lib/markdown.js'
import { WEEKDAYS, type AdminPageBody, type AdminSettingsBody, type NewsletterSettingsBody } from '../schemas/admin.js'
import { isTimeZone } from '../lib/zoned-time.js'
import type { Clock } from '../lib/clock.js'
import type { Actor } from './actor.js'
import { audit } from './audit.js'
import type { ContentEvents } from './events.js'
import { createContentWriter } from './webhook-events.js'
import { checkVersion, type Precondition } from './preconditions.js'
import { effectivePatterns, type Permalinks, type SiteLinks } from './permalinks.js'
import { MAX_PATTERN_HISTORY, PERMALINK_KINDS, patternProblems, type PermalinkPatterns } from '../lib/permalinks.js'
import { slugFromName } from './slugs.js'

export interface PageInput {
  title?: string | undefined
  slug?: string | undefined
  body?: string | undefined
  body_format?: BodyFormat | undefined
  status?: 'draft' | 'published' | undefined
  seo?: { meta_title?: string | null | undefined; meta_description?: string | null | undefined } | undefined
}

export interface SettingsInput {
  title?: string | undefined
  tagline?: string | undefined
  description?: string | undefined
  url?: string | null | undefined
  logo?: string | null | undefined
  language?: string | undefined
  social_links?: { network: string; url: string }[] | undefined
  navigation_links?: { label: string; url: string }[] | undefined
  footer_links?: { label: string; url: string }[] | undefined
  permalinks?: Partial<PermalinkPatterns> | undefined
  newsletter?: Partial<NewsletterSettingsBody> | undefined
}

export function presentAdminPage(row: PageRow, links: SiteLinks): AdminPageBody {
  return {
    id: row.id,
    slug: row.slug,
    url: links.page(row),
    title: row.title,
    status: row.status,
    body_format: row.bodyFormat,
    body_source: row.bodySource,
    body_html: row.bodyHtml,
    seo: { meta_title: row.seoMetaTitle, meta_description: row.seoMetaDescription },
    version: row.version,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  }
}

export function presentSettings(row: SiteSettingsRow): AdminSettingsBody {
  return {
    title: row.title,
    tagline: row.tagline,
    description: row.description,
    url: row.url,
    logo: row.logoUrl,
    language: row.language,
    social_links: row.socialLinks,
    navigation_links: row.navigationLinks,
    footer_links: row.footerLinks,
    permalinks: effectivePatterns(row.permalinks),
    permalink_history: Object.fromEntries(PERMALINK_KINDS.map((k) => [k, row.permalinkHistory[k] ?? []])) as AdminSettingsBody['permalink_history'],
    newsletter: {
      autosend: row.newsletterAutosend,
      digest_hour: row.digestHour,
      digest_time_zone: row.digestTimeZone,
      digest_weekday: WEEKDAYS[row.digestWeekday] ?? 'monday',
    },
    version: row.version,
    updated_at: row.updatedAt.toISOString(),
  }
}

/** A time zone this runtime's Intl does not know is a bad request (400), before anything is written. */
function checkNewsletter(input: Partial<NewsletterSettingsBody>): void {
  const zone = input.digest_time_zone
  if (zone !== undefined && !isTimeZone(zone)) {
    throw new AppError('VALIDATION_FAILED', `Unknown time zone "${zone}": use an IANA name such as Europe/Paris or UTC`, {
      invalidParams: [{ name: 'body.newsletter.digest_time_zone', reason: 'is not a known IANA time zone' }],
    })
  }
}

/** 422 naming every bad pattern, before anything is written. */
function checkPermalinks(input: Partial<PermalinkPatterns>): void {
  const invalid = PERMALINK_KINDS.flatMap((kind) => {
    const pattern = input[kind]
    return pattern === undefined ? [] : patternProblems(kind, pattern).map((reason) => ({ name: `body.permalinks.${kind}`, reason }))
  })
  if (invalid.length > 0) {
    throw new AppError('UNPROCESSABLE', `Invalid permalink pattern: ${invalid.map((p) => `${p.name.slice(5)} ${p.reason}`).join('; ')}`, { invalidParams: invalid })
  }
}

/**
 * The patterns after the change, and the history with every replaced pattern in front (newest
 * first, without the current one): paths of earlier patterns keep resolving as redirects.
 */
function nextPermalinks(row: SiteSettingsRow, input: Partial<PermalinkPatterns>) {
  const before = effectivePatterns(row.permalinks)
  const after = { ...before, ...input }
  const history: Record<string, string[]> = {}
  for (const kind of PERMALINK_KINDS) {
    const earlier = row.permalinkHistory[kind] ?? []
    const list = before[kind] === after[kind] ? earlier : [before[kind], ...earlier]
    history[kind] = [...new Set(list)].filter((p) => p !== after[kind]).slice(0, MAX_PATTERN_HISTORY)
  }
  return { permalinks: after, permalinkHistory: history }
}

async function pageValues(input: PageInput, current?: PageRow) {
  const values: Partial<PageRow> = {}
  if (input.title !== undefined) values.title = input.title.trim()
  if (input.status !== undefined) values.status = input.status
  if (input.body !== undefined || input.body_format !== undefined) {
    const format = input.body_format ?? current?.bodyFormat ?? 'markdown'
    const source = input.body ?? current?.bodySource ?? ''
    const body = await renderBody(source, format)
    Object.assign(values, { bodyFormat: format, bodySource: source, bodyHtml: body.html, bodyText: body.text })
  }
  if (input.seo?.meta_title !== undefined) values.seoMetaTitle = input.seo.meta_title
  if (input.seo?.meta_description !== undefined) values.seoMetaDescription = input.seo.meta_description
  return values
}

export function createSiteAdmin(deps: { uow: UnitOfWork; clock: Clock; events: ContentEvents; permalinks: Permalinks; kickOutbox: () => void }) {
  const { uow } = deps
  const write = createContentWriter(deps)

  async function page(repos: Repositories, id: string): Promise<PageRow> {
    const row = await repos.pages.findById(id)
    if (!row) throw new AppError('NOT_FOUND', 'No page has this id')
    return row
  }

  return {
    async listPages() {
      const links = await deps.permalinks.get()
      return (await uow.repos.pages.list()).map((row) => presentAdminPage(row, links))
    },
    getPage: async (id: string) => presentAdminPage(await page(uow.repos, id), await deps.permalinks.get()),

    async createPage(actor: Actor, input: PageInput & { title: string }): Promise<AdminPageBody> {
      const slug = slugFromName(input.slug, input.title, 'title')
      return write('page.created', undefined, async (repos, links) => {
        if (await repos.pages.findBySlug(slug)) throw new AppError('SLUG_TAKEN', `Another page uses the slug "${slug}"`)
        const row = await repos.pages.insert({ slug, title: input.title, status: input.status ?? 'draft', ...(await pageValues({ body: '', ...input })) })
        await audit(repos, actor, { action: 'page.create', entityType: 'page', entityId: row.id, summary: `Created page ${row.title}` })
        const value = presentAdminPage(row, links)
        return { value, data: { current: value, previous: null } }
      })
    },

    async updatePage(actor: Actor, id: string, precondition: Precondition, input: PageInput): Promise<AdminPageBody> {
      return write('page.updated', id, async (repos, links) => {
        const current = await page(repos, id)
        checkVersion('page', current, precondition)
        const values = await pageValues(input, current)
        if (input.slug !== undefined && input.slug !== current.slug) {
          const other = await repos.pages.findBySlug(input.slug)
          if (other) throw new AppError('SLUG_TAKEN', `Another page uses the slug "${input.slug}"`)
          values.slug = input.slug
          // The old slug keeps answering 301, on GET /v1/pages/{slug} and in GET /v1/resolve.
          await repos.redirects.removeSlugRedirect('page', input.slug)
          await repos.redirects.addSlugRedirect('page', current.slug, id)
        }
        const row = await repos.pages.update(id, current.version, values)
        if (!row) throw new AppError('PRECONDITION_FAILED', 'The page changed meanwhile')
        await audit(repos, actor, { action: 'page.update', entityType: 'page', entityId: id, summary: `Updated page ${row.title}: ${Object.keys(input).join(', ')}` })
        const value = presentAdminPage(row, links)
        return { value, data: { current: value, previous: presentAdminPage(current, links) } }
      })
    },

    async deletePage(actor: Actor, id: string, precondition: Precondition): Promise<void> {
      await write('page.deleted', id, async (repos, links) => {
        const current = await page(repos, id)
        checkVersion('page', current, precondition)
        if (!(await repos.pages.delete(id, current.version))) throw new AppError('PRECONDITION_FAILED', 'The page changed meanwhile')
        await audit(repos, actor, { action: 'page.delete', entityType: 'page', entityId: id, summary: `Deleted page ${current.title}` })
        return { value: undefined, data: { current: null, previous: presentAdminPage(current, links) } }
      })
    },

    /** A site started with SEED=false gets placeholder settings here, ready to be edited. */
    async getSettings(): Promise<AdminSettingsBody> {
      return presentSettings((await uow.repos.site.get()) ?? (await uow.repos.site.ensure()))
    },

    async updateSettings(actor: Actor, precondition: Precondition, input: SettingsInput): Promise<AdminSettingsBody> {
      if (input.permalinks) checkPermalinks(input.permalinks)
      if (input.newsletter) checkNewsletter(input.newsletter)
      return write('settings.updated', '1', async (repos) => {
        const current = await repos.site.ensure()
        checkVersion('settings', current, precondition)
        const row = await repos.site.update(current.version, {
          ...(input.permalinks ? nextPermalinks(current, input.permalinks) : {}),
          title: input.title,
          tagline: input.tagline,
          description: input.description,
          url: input.url,
          logoUrl: input.logo,
          language: input.language,
          socialLinks: input.social_links,
          navigationLinks: input.navigation_links,
          footerLinks: input.footer_links,
          newsletterAutosend: input.newsletter?.autosend,
          digestHour: input.newsletter?.digest_hour,
          digestTimeZone: input.newsletter?.digest_time_zone,
          digestWeekday: input.newsletter?.digest_weekday === undefined ? undefined : WEEKDAYS.indexOf(input.newsletter.digest_weekday),
        })
        if (!row) throw new AppError('PRECONDITION_FAILED', 'The settings changed meanwhile')
        await audit(repos, actor, { action: 'settings.update', entityType: 'settings', entityId: '1', summary: `Updated site settings: ${Object.keys(input).join(', ')}` })
        const value = presentSettings(row)
        return { value, data: { current: value, previous: presentSettings(current) } }
      })
    },
  }
}

export type SiteAdmin = ReturnType<typeof createSiteAdmin>
