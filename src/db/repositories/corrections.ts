import { and, count, desc, eq, sql } from 'drizzle-orm'
import type { Executor } from '../client.js'
import { articleCorrections, articles, sections } from '../schema/index.js'
import { isPublic } from './article-rows.js'

export type CorrectionRow = typeof articleCorrections.$inferSelect
export type CorrectionKind = CorrectionRow['kind']

/** A correction on the site-wide transparency list, with the public article it belongs to. */
export interface PublicCorrectionRow {
  id: string
  kind: CorrectionKind
  text: string
  at: Date
  articleId: string
  articleSlug: string
  articleTitle: string
  articlePublishedAt: Date
  sectionSlug: string
}

const publicColumns = {
  id: articleCorrections.id,
  kind: articleCorrections.kind,
  text: articleCorrections.text,
  at: articleCorrections.at,
  articleId: articles.id,
  articleSlug: articles.slug,
  articleTitle: articles.title,
  articlePublishedAt: sql<Date>`${articles.publishedAt}`.mapWith(articles.publishedAt),
  sectionSlug: sections.slug,
}

export function createCorrectionRepository(db: Executor) {
  return {
    async insert(values: typeof articleCorrections.$inferInsert): Promise<CorrectionRow> {
      const [row] = await db.insert(articleCorrections).values(values).returning()
      return row!
    },

    async update(articleId: string, id: string, values: Partial<Pick<CorrectionRow, 'kind' | 'text' | 'updatedAt'>>): Promise<CorrectionRow | undefined> {
      const [row] = await db
        .update(articleCorrections)
        .set(values)
        .where(and(eq(articleCorrections.id, id), eq(articleCorrections.articleId, articleId)))
        .returning()
      return row
    },

    async find(articleId: string, id: string): Promise<CorrectionRow | undefined> {
      const [row] = await db
        .select()
        .from(articleCorrections)
        .where(and(eq(articleCorrections.id, id), eq(articleCorrections.articleId, articleId)))
      return row
    },

    /** Newest first, public articles only (a correction on an unpublished article is not shown). */
    async listPublic(now: Date, page: { limit: number; offset: number }): Promise<PublicCorrectionRow[]> {
      return db
        .select(publicColumns)
        .from(articleCorrections)
        .innerJoin(articles, eq(articles.id, articleCorrections.articleId))
        .innerJoin(sections, eq(sections.id, articles.sectionId))
        .where(isPublic(now))
        .orderBy(desc(articleCorrections.at), desc(articleCorrections.id))
        .limit(page.limit)
        .offset(page.offset)
    },

    async countPublic(now: Date): Promise<number> {
      const [row] = await db
        .select({ n: count() })
        .from(articleCorrections)
        .innerJoin(articles, eq(articles.id, articleCorrections.articleId))
        .where(isPublic(now))
      return row?.n ?? 0
    },
  }
}

export type CorrectionRepository = ReturnType<typeof createCorrectionRepository>
