import { and, asc, count, desc, eq, getTableColumns, inArray, ne, or, sql, type SQL } from 'drizzle-orm'
import type { Executor } from '../client.js'
import {
  articleAuthors,
  articleRelatedPins,
  articleRevisions,
  articles,
  articleSlugRedirects,
  articleTags,
  authors,
  media,
  sections,
  tags,
  users,
} from '../schema/index.js'
import { correctionsOf, type AuthorRefRow, type CorrectionRefRow, type TagRefRow } from './article-rows.js'

/** The editor's view of an article: every column plus its references by slug. */
export type ArticleRow = Omit<typeof articles.$inferSelect, 'search' | 'searchHead' | 'authorRefs'>
export interface ArticleRecord extends ArticleRow {
  sectionSlug: string
  sectionName: string
  /** The featured media item's own text, which fills in what the article does not override. */
  featuredMediaText: { alt: string; caption: string | null; credit: string | null } | null
  authorSlug: string
  authorName: string
  /** The byline in order (the first is authorSlug/authorName). */
  authors: AuthorRefRow[]
  /** Public notes appended after publication, oldest first. */
  corrections: CorrectionRefRow[]
  tags: TagRefRow[]
  relatedIds: string[]
  submittedByName: string | null
  assigneeName: string | null
}

export type ArticleValues = Partial<Omit<typeof articles.$inferInsert, 'id' | 'search' | 'version'>>

export interface AdminArticleFilter {
  status?: ArticleRow['status'][] | undefined
  section?: string | undefined
  author?: string | undefined
  /** Authors and contributors see only their own articles. */
  ownedBy?: { userId: string; authorId: string | null } | undefined
  q?: string | undefined
  assigneeId?: string | undefined
}

/** Most recently updated first; the review queue oldest submission first. */
export type AdminArticleOrder = 'updated' | 'submitted'

// Every column but the generated search columns (large, and never shown to editors) and the byline copy (read as `authors`).
const { search: _search, searchHead: _searchHead, authorRefs: _authorRefs, ...articleColumns } = getTableColumns(articles)

const recordColumns = {
  ...articleColumns,
  sectionSlug: sections.slug,
  sectionName: sections.name,
  authorSlug: authors.slug,
  authorName: authors.name,
  authors: articles.authorRefs,
  corrections: correctionsOf,
  tags: sql<TagRefRow[]>`coalesce((select json_agg(json_build_object('slug', t.slug, 'name', t.name) order by at.position, t.name) from ${articleTags} at join ${tags} t on t.id = at.tag_id where at.article_id = "articles"."id"), '[]'::json)`,
  featuredMediaText: sql<ArticleRecord['featuredMediaText']>`(select json_build_object('alt', m.alt, 'caption', m.caption, 'credit', m.credit) from ${media} m where m.id = "articles"."featured_media_id")`,
  relatedIds: sql<string[]>`coalesce((select json_agg(p.related_article_id order by p.position) from ${articleRelatedPins} p where p.article_id = "articles"."id"), '[]'::json)`,
  submittedByName: sql<string | null>`(select u.name from ${users} u where u.id = "articles"."submitted_by")`,
  assigneeName: sql<string | null>`(select u.name from ${users} u where u.id = "articles"."assignee_id")`,
}

function ownership(owner: { userId: string; authorId: string | null }): SQL {
  const own = [eq(articles.createdBy, owner.userId)]
  // A co-author's article is theirs too.
  if (owner.authorId) own.push(sql`exists (select 1 from ${articleAuthors} aa where aa.article_id = ${articles.id} and aa.author_id = ${owner.authorId})`)
  return or(...own) as SQL
}

export function createArticleRepository(db: Executor) {
  const selectRecord = () =>
    db
      .select(recordColumns)
      .from(articles)
      .innerJoin(sections, eq(sections.id, articles.sectionId))
      .innerJoin(authors, eq(authors.id, articles.authorId))

  return {
    async findById(id: string): Promise<ArticleRecord | undefined> {
      const [row] = await selectRecord().where(eq(articles.id, id)).limit(1)
      return row as ArticleRecord | undefined
    },

    /** Locks the article row for the rest of the transaction (read-modify-write). */
    async lockById(id: string): Promise<boolean> {
      const rows = await db.select({ id: articles.id }).from(articles).where(eq(articles.id, id)).for('update')
      return rows.length > 0
    },

    async list(filter: AdminArticleFilter, page: { limit: number; offset: number }, order: AdminArticleOrder = 'updated'): Promise<ArticleRecord[]> {
      return (await selectRecord()
        .where(and(...conditions(filter)))
        .orderBy(...(order === 'submitted' ? [asc(articles.submittedAt), asc(articles.id)] : [desc(articles.updatedAt), desc(articles.id)]))
        .limit(page.limit)
        .offset(page.offset)) as ArticleRecord[]
    },

    async count(filter: AdminArticleFilter): Promise<number> {
      const [row] = await db
        .select({ n: count() })
        .from(articles)
        .where(and(...conditions(filter)))
      return row?.n ?? 0
    },

    async insert(values: ArticleValues & Pick<typeof articles.$inferInsert, 'slug' | 'title' | 'sectionId' | 'authorId'>): Promise<string> {
      const [row] = await db.insert(articles).values(values).returning({ id: articles.id })
      return row!.id
    },

    /** Writes only when the version still matches; returns the new version, or undefined when stale. */
    async update(id: string, expectedVersion: number, values: ArticleValues): Promise<number | undefined> {
      const [row] = await db
        .update(articles)
        .set({ ...values, version: sql`${articles.version} + 1` })
        .where(and(eq(articles.id, id), eq(articles.version, expectedVersion)))
        .returning({ version: articles.version })
      return row?.version
    },

    async delete(id: string, expectedVersion: number): Promise<boolean> {
      const rows = await db
        .delete(articles)
        .where(and(eq(articles.id, id), eq(articles.version, expectedVersion)))
        .returning({ id: articles.id })
      return rows.length > 0
    },

    async slugTaken(slug: string, exceptId?: string): Promise<boolean> {
      const [row] = await db
        .select({ id: articles.id })
        .from(articles)
        .where(exceptId ? and(eq(articles.slug, slug), ne(articles.id, exceptId)) : eq(articles.slug, slug))
        .limit(1)
      return row !== undefined
    },

    /** Keeps an old slug answering 301; a slug taken by a new article stops redirecting. */
    async addRedirect(slug: string, articleId: string): Promise<void> {
      await db
        .insert(articleSlugRedirects)
        .values({ slug, articleId })
        .onConflictDoUpdate({ target: articleSlugRedirects.slug, set: { articleId, createdAt: sql`now()` } })
    },

    async removeRedirect(slug: string): Promise<void> {
      await db.delete(articleSlugRedirects).where(eq(articleSlugRedirects.slug, slug))
    },

    async setTags(articleId: string, tagIds: string[]): Promise<void> {
      await db.delete(articleTags).where(eq(articleTags.articleId, articleId))
      if (tagIds.length > 0) await db.insert(articleTags).values(tagIds.map((tagId, position) => ({ articleId, tagId, position })))
    },

    /**
     * The byline, in order (at least one author). Triggers copy it into author_refs and make the
     * first author the article's author_id.
     */
    async setAuthors(articleId: string, authorIds: string[]): Promise<void> {
      if (authorIds.length === 0) throw new Error('a byline has at least one author')
      await db.delete(articleAuthors).where(eq(articleAuthors.articleId, articleId))
      await db.insert(articleAuthors).values(authorIds.map((authorId, position) => ({ articleId, authorId, position })))
    },

    async setRelatedPins(articleId: string, relatedIds: string[]): Promise<void> {
      await db.delete(articleRelatedPins).where(eq(articleRelatedPins.articleId, articleId))
      if (relatedIds.length > 0) {
        await db
          .insert(articleRelatedPins)
          .values(relatedIds.map((relatedArticleId, position) => ({ articleId, relatedArticleId, position })))
      }
    },

    async existingIds(ids: string[]): Promise<string[]> {
      if (ids.length === 0) return []
      return (await db.select({ id: articles.id }).from(articles).where(inArray(articles.id, ids))).map((r) => r.id)
    },

    async countBySection(sectionId: string): Promise<number> {
      const [row] = await db.select({ n: count() }).from(articles).where(eq(articles.sectionId, sectionId))
      return row?.n ?? 0
    },

    /** Articles whose byline names the author (first or co-author). */
    async countByAuthor(authorId: string): Promise<number> {
      const [row] = await db.select({ n: count() }).from(articleAuthors).where(eq(articleAuthors.authorId, authorId))
      return row?.n ?? 0
    },

    async moveSection(fromId: string, toId: string): Promise<number> {
      const rows = await db.update(articles).set({ sectionId: toId }).where(eq(articles.sectionId, fromId)).returning({ id: articles.id })
      return rows.length
    },

    /**
     * Every byline naming `fromId` names `toId` in its place (once: where both were co-authors the
     * byline just loses `fromId`). Triggers keep author_refs and the first author's author_id.
     */
    async reassignAuthor(fromId: string, toId: string): Promise<number> {
      const affected = await db.select({ id: articleAuthors.articleId }).from(articleAuthors).where(eq(articleAuthors.authorId, fromId))
      await db.execute(sql`delete from ${articleAuthors} aa where aa.author_id = ${fromId} and exists (select 1 from ${articleAuthors} o where o.article_id = aa.article_id and o.author_id = ${toId})`)
      await db.update(articleAuthors).set({ authorId: toId }).where(eq(articleAuthors.authorId, fromId))
      return affected.length
    },

    /**
     * Scheduled articles whose time has come, locked (SKIP LOCKED: another process's scheduler
     * takes the others) for the caller to mark published.
     */
    async lockDueScheduled(now: Date, limit: number): Promise<string[]> {
      const rows = await db
        .select({ id: articles.id })
        .from(articles)
        .where(and(eq(articles.status, 'scheduled'), sql`${articles.publishedAt} <= ${now.toISOString()}::timestamptz`))
        .orderBy(articles.publishedAt)
        .limit(limit)
        .for('update', { skipLocked: true })
      return rows.map((r) => r.id)
    },

    async insertRevision(values: typeof articleRevisions.$inferInsert): Promise<void> {
      await db.insert(articleRevisions).values(values)
    },

    async listRevisions(articleId: string) {
      return db
        .select({
          version: articleRevisions.version,
          createdAt: articleRevisions.createdAt,
          createdById: articleRevisions.createdBy,
          createdByName: users.name,
          snapshot: articleRevisions.snapshot,
        })
        .from(articleRevisions)
        .leftJoin(users, eq(users.id, articleRevisions.createdBy))
        .where(eq(articleRevisions.articleId, articleId))
        .orderBy(desc(articleRevisions.version))
    },

    async findRevision(articleId: string, version: number) {
      const [row] = await db
        .select({
          version: articleRevisions.version,
          createdAt: articleRevisions.createdAt,
          createdById: articleRevisions.createdBy,
          createdByName: users.name,
          snapshot: articleRevisions.snapshot,
        })
        .from(articleRevisions)
        .leftJoin(users, eq(users.id, articleRevisions.createdBy))
        .where(and(eq(articleRevisions.articleId, articleId), eq(articleRevisions.version, version)))
      return row
    },
  }
}

function conditions(filter: AdminArticleFilter): SQL[] {
  const out: SQL[] = []
  if (filter.status && filter.status.length > 0) out.push(inArray(articles.status, filter.status))
  if (filter.section) out.push(eq(articles.sectionId, sql`(select id from ${sections} where slug = ${filter.section})`))
  if (filter.author) out.push(inArray(articles.id, sql`(select aa.article_id from ${articleAuthors} aa where aa.author_id = (select id from ${authors} where slug = ${filter.author}))`))
  if (filter.ownedBy) out.push(ownership(filter.ownedBy))
  if (filter.assigneeId) out.push(eq(articles.assigneeId, filter.assigneeId))
  if (filter.q) out.push(sql`${articles.title} ilike ${`%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`}`)
  return out
}

export type ArticleRepository = ReturnType<typeof createArticleRepository>
