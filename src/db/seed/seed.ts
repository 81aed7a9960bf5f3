import { eq, inArray } from 'drizzle-orm'
import type { FastifyBaseLogger } from 'fastify'
import type { Config } from '../../config.js'
import { renderBody } from '../../lib/markdown.js'
import { slugify } from '../../lib/slugify.js'
import type { Database, Executor } from '../client.js'
import { createLockRepository, LOCK_KEYS } from '../repositories/locks.js'
import { articles, articleTags, authors, pages, sections, siteSettings, tags } from '../schema/index.js'
import type { MediaStorage } from '../../services/storage.js'
import { demoArticles, demoAuthor, demoPages, demoSections, demoSite, demoTags } from './demo-content.js'
import { demoCardSvg, storeDemoCard } from './images.js'

export interface SeedReport {
  sections: number
  tags: number
  pages: number
  articles: number
}

export interface SeedOptions {
  /** Where the generated featured images go, and the public base URL they are served from. */
  media: { storage: MediaStorage; publicUrl: string }
}

/** Renders each article's featured image card (in parallel; the thread pool does the work). */
async function demoImages(media: SeedOptions['media']): Promise<Map<string, string>> {
  const sectionNames = new Map(demoSections.map((s) => [s.slug, s.name]))
  const entries = await Promise.all(
    demoArticles.map(async (a) => {
      const svg = demoCardSvg({ slug: a.section, name: sectionNames.get(a.section) ?? a.section }, a.title, demoSite.title)
      const key = await storeDemoCard(media.storage, svg, slugify(a.title).slice(0, 40))
      return [a.title, `${media.publicUrl}/media/${key}`] as const
    }),
  )
  return new Map(entries)
}

/**
 * Inserts the demo publication. Idempotent: rows are matched by slug and never overwritten, so a
 * second run adds nothing and an editor's changes survive it.
 */
export async function seedDemoContent(db: Executor, options: SeedOptions): Promise<SeedReport> {
  const report: SeedReport = { sections: 0, tags: 0, pages: 0, articles: 0 }
  const images = await demoImages(options.media)

  await db
    .insert(siteSettings)
    .values({
      id: 1,
      title: demoSite.title,
      tagline: demoSite.tagline,
      description: demoSite.description,
      url: demoSite.url,
      socialLinks: demoSite.socialLinks,
      navigationLinks: demoSite.navigationLinks,
      footerLinks: demoSite.footerLinks,
    })
    .onConflictDoNothing()

  const insertedSections = await db
    .insert(sections)
    .values(demoSections.map((s, position) => ({ slug: s.slug, name: s.name, description: s.description, position })))
    .onConflictDoNothing()
    .returning({ id: sections.id })
  report.sections = insertedSections.length

  await db
    .insert(authors)
    .values({
      slug: demoAuthor.slug,
      name: demoAuthor.name,
      bio: demoAuthor.bio,
      website: demoAuthor.website,
      socialLinks: demoAuthor.socialLinks,
    })
    .onConflictDoNothing()

  const insertedTags = await db
    .insert(tags)
    .values(demoTags.map((t) => ({ slug: t.slug, name: t.name, description: t.description })))
    .onConflictDoNothing()
    .returning({ id: tags.id })
  report.tags = insertedTags.length

  const insertedPages = await db
    .insert(pages)
    .values(
      demoPages.map((p) => {
        const body = renderBody(p.body, 'markdown')
        return {
          slug: p.slug,
          title: p.title,
          bodyFormat: 'markdown' as const,
          bodySource: p.body,
          bodyHtml: body.html,
          bodyText: body.text,
          status: 'published' as const,
          seoMetaDescription: p.metaDescription,
        }
      }),
    )
    .onConflictDoNothing()
    .returning({ id: pages.id })
  report.pages = insertedPages.length

  const sectionIds = new Map(
    (await db.select({ id: sections.id, slug: sections.slug }).from(sections)).map((s) => [s.slug, s.id]),
  )
  const tagIds = new Map(
    (
      await db
        .select({ id: tags.id, slug: tags.slug })
        .from(tags)
        .where(inArray(tags.slug, demoTags.map((t) => t.slug)))
    ).map((t) => [t.slug, t.id]),
  )
  const [author] = await db.select({ id: authors.id }).from(authors).where(eq(authors.slug, demoAuthor.slug))
  if (!author) throw new Error('demo author missing after insert')

  for (const demo of demoArticles) {
    const sectionId = sectionIds.get(demo.section)
    if (!sectionId) throw new Error(`demo article "${demo.title}" names unknown section ${demo.section}`)
    const body = renderBody(demo.body, 'markdown')
    const publishedAt = new Date(demo.publishedAt)
    const [inserted] = await db
      .insert(articles)
      .values({
        slug: slugify(demo.title),
        title: demo.title,
        excerpt: demo.excerpt,
        bodyFormat: 'markdown',
        bodySource: demo.body,
        bodyHtml: body.html,
        bodyText: body.text,
        wordCount: body.wordCount,
        readingTimeMinutes: body.readingTimeMinutes,
        featuredImageUrl: images.get(demo.title) ?? null,
        featuredImageAlt: demo.featuredImage.alt,
        featuredImageCaption: demo.featuredImage.caption,
        featuredImageCredit: demo.featuredImage.credit,
        sectionId,
        authorId: author.id,
        status: 'published',
        publishedAt,
        createdAt: publishedAt,
        updatedAt: publishedAt,
      })
      .onConflictDoNothing()
      .returning({ id: articles.id })
    if (!inserted) continue
    report.articles++
    const tagRows = demo.tags.map((slug, position) => {
      const tagId = tagIds.get(slug)
      if (!tagId) throw new Error(`demo article "${demo.title}" names unknown tag ${slug}`)
      return { articleId: inserted.id, tagId, position }
    })
    if (tagRows.length > 0) await db.insert(articleTags).values(tagRows).onConflictDoNothing()
  }
  return report
}

/** Seeds once: on the first start of an empty database (no site settings yet). */
export async function seedOnFirstStart(options: {
  database: Database
  config: Config
  storage: MediaStorage
  log: Pick<FastifyBaseLogger, 'info'>
}): Promise<boolean> {
  const { database, config, storage, log } = options
  return database.db.transaction(async (tx) => {
    // Serialises seeding across processes starting together on one PostgreSQL.
    await createLockRepository(tx).transactionLock(LOCK_KEYS.seed)
    const [existing] = await tx.select({ id: siteSettings.id }).from(siteSettings).limit(1)
    if (existing) return false
    const report = await seedDemoContent(tx, { media: { storage, publicUrl: config.publicUrl } })
    log.info({ seeded: report }, 'first start: demo content loaded (set SEED=false to skip)')
    return true
  })
}
