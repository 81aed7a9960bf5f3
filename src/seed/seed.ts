import { createHash } from 'node:crypto'
import { eq, inArray } from 'drizzle-orm'
import type { FastifyBaseLogger } from 'fastify'
import type { Config } from '../config.js'
import { renderBody } from '../lib/markdown.js'
import { slugify } from '../lib/slugify.js'
import type { Database, Executor } from '../db/client.js'
import { createLockRepository, LOCK_KEYS } from '../db/repositories/locks.js'
import { articleAuthors, articleCorrections, articles, articleTags, authors, collectionItems, collections, media as mediaTable, pages, sections, siteSettings, tags } from '../db/schema/index.js'
import type { RenditionOptions } from '../services/media/images.js'
import type { MediaStorage } from '../services/storage.js'
import { demoArticles, demoAuthor, demoCoAuthor, demoPages, demoSections, demoSite, demoTags, demoTopStories } from './demo-content.js'
import { demoCardSvg, storeDemoCard } from './images.js'

export interface SeedReport {
  sections: number
  tags: number
  pages: number
  articles: number
}

export interface SeedOptions {
  /** Where the generated featured images go, and which renditions to make (as for uploads). */
  media: { storage: MediaStorage; renditions: RenditionOptions }
}

/** A stable id from the card's content, so a second seed finds the item the first one made. */
function stableId(content: string): string {
  const hex = createHash('sha256').update(`newsroom-demo-media:${content}`).digest('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${((parseInt(hex.slice(16, 17), 16) & 3) | 8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`
}

/**
 * Each article's featured image card as a media library item (in parallel; the thread pool does
 * the work), captioned and credited like an editor's upload. Existing items are kept.
 */
async function demoMedia(db: Executor, media: SeedOptions['media']): Promise<Map<string, { id: string; url: string }>> {
  const sectionNames = new Map(demoSections.map((s) => [s.slug, s.name]))
  const entries = await Promise.all(
    demoArticles.map(async (a) => {
      const svg = demoCardSvg({ slug: a.section, name: sectionNames.get(a.section) ?? a.section }, a.title, demoSite.title)
      const name = slugify(a.title).slice(0, 40)
      const stored = await storeDemoCard(media.storage, svg, name, media.renditions)
      return { a, svg, name, stored }
    }),
  )
  const ids = new Map<string, { id: string; url: string }>()
  for (const { a, svg, name, stored } of entries) {
    const id = stableId(svg)
    await db
      .insert(mediaTable)
      .values({
        id,
        filename: `${name}.webp`,
        format: stored.format,
        width: stored.width,
        height: stored.height,
        bytes: stored.bytes,
        originalKey: stored.originalKey,
        url: stored.url,
        renditions: stored.renditions,
        alt: a.featuredImage.alt,
        caption: a.featuredImage.caption,
        credit: a.featuredImage.credit,
        focalX: 0.5,
        focalY: 0.5,
        createdAt: new Date(a.publishedAt),
        updatedAt: new Date(a.publishedAt),
      })
      .onConflictDoNothing()
    ids.set(a.title, { id, url: stored.url })
  }
  return ids
}

/**
 * Inserts the demo publication. Idempotent: rows are matched by slug and never overwritten, so a
 * second run adds nothing and an editor's changes survive it.
 */
export async function seedDemoContent(db: Executor, options: SeedOptions): Promise<SeedReport> {
  const report: SeedReport = { sections: 0, tags: 0, pages: 0, articles: 0 }
  const images = await demoMedia(db, options.media)

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
    .values([demoAuthor, demoCoAuthor].map((a) => ({ slug: a.slug, name: a.name, bio: a.bio, website: a.website, socialLinks: a.socialLinks })))
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
      await Promise.all(demoPages.map(async (p) => {
        const body = await renderBody(p.body, 'markdown')
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
      })),
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
  const [coAuthor] = await db.select({ id: authors.id }).from(authors).where(eq(authors.slug, demoCoAuthor.slug))
  if (!coAuthor) throw new Error('demo co-author missing after insert')

  for (const demo of demoArticles) {
    const sectionId = sectionIds.get(demo.section)
    if (!sectionId) throw new Error(`demo article "${demo.title}" names unknown section ${demo.section}`)
    const body = await renderBody(demo.body, 'markdown')
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
        // The media item's own alt, caption and credit show (no per-article overrides).
        featuredMediaId: images.get(demo.title)?.id ?? null,
        featuredImageUrl: images.get(demo.title)?.url ?? null,
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
    // The byline's first row comes from author_id (a trigger); the co-author follows it.
    if (demo.coAuthored) await db.insert(articleAuthors).values({ articleId: inserted.id, authorId: coAuthor.id, position: 1 }).onConflictDoNothing()
    if (demo.correction) {
      const at = new Date(demo.correction.at)
      await db.insert(articleCorrections).values({ articleId: inserted.id, kind: demo.correction.kind, text: demo.correction.text, at, createdAt: at, updatedAt: at })
      await db.update(articles).set({ updatedAt: at }).where(eq(articles.id, inserted.id))
    }
  }

  const [top] = await db
    .insert(collections)
    .values({ slug: demoTopStories.slug, name: demoTopStories.name, description: demoTopStories.description, size: demoTopStories.size, rule: demoTopStories.rule })
    .onConflictDoNothing()
    .returning({ id: collections.id })
  if (top) {
    for (const pin of demoTopStories.pinned) {
      const [article] = await db.select({ id: articles.id }).from(articles).where(eq(articles.slug, slugify(pin.title)))
      if (!article) throw new Error(`the demo's Top Stories pins an unknown article: ${pin.title}`)
      await db.insert(collectionItems).values({ collectionId: top.id, slot: pin.slot, articleId: article.id })
    }
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
    const report = await seedDemoContent(tx, { media: { storage, renditions: config.media } })
    log.info({ seeded: report }, 'first start: demo content loaded (set SEED=false to skip)')
    return true
  })
}
