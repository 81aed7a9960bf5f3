import { and, asc, count, desc, eq, getTableColumns, ilike, inArray, isNull, ne, or, sql, type SQL } from 'drizzle-orm'
import type { Executor } from '../client.js'
import { articles, comments, sections } from '../schema/index.js'
import { isPublic } from './article-reads.js'

export type CommentRow = typeof comments.$inferSelect
export type CommentStatus = CommentRow['status']
export type NewComment = Omit<typeof comments.$inferInsert, 'seq'> & { id: string; rootId: string }
export type CommentChanges = Partial<Pick<CommentRow, 'status' | 'statusBefore' | 'body' | 'authorName' | 'authorWebsite' | 'approvedAt' | 'akismetFeedback' | 'deletedAt' | 'authorEmail' | 'ip' | 'userAgent' | 'referrer' | 'spamReasons' | 'version'>> & { updatedAt: Date }

/** A comment with the article it belongs to (moderation views). */
export interface CommentRecord extends CommentRow {
  articleSlug: string
  articleTitle: string
  articlePublishedAt: Date | null
  articleSectionSlug: string
}

/** The article facts commenting needs: is it open, where is it. */
export interface CommentableArticle {
  id: string
  slug: string
  title: string
  commentsOpen: boolean
  publishedAt: Date | null
  commentCount: number
  /** For the article's URL (its permalink may name the section). */
  sectionSlug: string
}

export interface CommentFilter {
  status?: CommentStatus[] | undefined
  /** An article id or slug. */
  article?: string | undefined
  q?: string | undefined
}

const articleColumns = {
  id: articles.id,
  slug: articles.slug,
  title: articles.title,
  commentsOpen: articles.commentsOpen,
  publishedAt: articles.publishedAt,
  commentCount: articles.commentCount,
  // Spelled with "articles": drizzle drops table names from a single-table query's select list.
  sectionSlug: sql<string>`(select s.slug from ${sections} s where s.id = "articles"."section_id")`,
}
const recordColumns = {
  ...getTableColumns(comments),
  articleSlug: articles.slug,
  articleTitle: articles.title,
  articlePublishedAt: articles.publishedAt,
  articleSectionSlug: sql<string>`(select s.slug from ${sections} s where s.id = "articles"."section_id")`,
}
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** A public comment: approved and not deleted. The same rule as the comment_count trigger. */
const visible = sql`${comments.status} = 'approved' and ${comments.deletedAt} is null`

function likePattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
}

function conditions(filter: CommentFilter, withStatus = true): SQL[] {
  // Tombstones of comments deleted for good are not moderatable any more.
  const out: SQL[] = [isNull(comments.deletedAt)]
  if (withStatus && filter.status && filter.status.length > 0) out.push(inArray(comments.status, filter.status))
  if (filter.article) {
    out.push(UUID.test(filter.article) ? eq(comments.articleId, filter.article) : eq(comments.articleId, sql`(select id from ${articles} where slug = ${filter.article})`))
  }
  if (filter.q) {
    const pattern = likePattern(filter.q)
    out.push(or(ilike(comments.body, pattern), ilike(comments.authorName, pattern), ilike(comments.authorEmail, pattern), ilike(comments.ip, pattern)) as SQL)
  }
  return out
}

export function createCommentRepository(db: Executor) {
  return {
    async findPublicArticle(slug: string, now: Date): Promise<CommentableArticle | undefined> {
      const [row] = await db.select(articleColumns).from(articles).where(and(eq(articles.slug, slug), isPublic(now))).limit(1)
      return row
    },

    async findArticleById(id: string): Promise<CommentableArticle | undefined> {
      const [row] = await db.select(articleColumns).from(articles).where(eq(articles.id, id)).limit(1)
      return row
    },

    async insert(values: NewComment): Promise<CommentRow> {
      const [row] = await db.insert(comments).values(values).returning()
      return row!
    },

    /** Many at once (an import): parents may be in the same list, before or after their replies. */
    async insertMany(values: NewComment[]): Promise<void> {
      if (values.length > 0) await db.insert(comments).values(values)
    },

    async findById(id: string): Promise<CommentRecord | undefined> {
      const [row] = await db.select(recordColumns).from(comments).innerJoin(articles, eq(articles.id, comments.articleId)).where(eq(comments.id, id)).limit(1)
      return row
    },

    /** Reads and locks the comment for the rest of the transaction (read-modify-write of its status). */
    async lock(id: string): Promise<CommentRecord | undefined> {
      const [row] = await db
        .select(recordColumns)
        .from(comments)
        .innerJoin(articles, eq(articles.id, comments.articleId))
        .where(eq(comments.id, id))
        .for('update', { of: comments })
      return row
    },

    async update(id: string, changes: CommentChanges): Promise<void> {
      await db.update(comments).set(changes).where(eq(comments.id, id))
    },

    async delete(id: string): Promise<void> {
      await db.delete(comments).where(eq(comments.id, id))
    },

    async hasReplies(id: string): Promise<boolean> {
      const [row] = await db.select({ id: comments.id }).from(comments).where(eq(comments.parentId, id)).limit(1)
      return row !== undefined
    },

    /** The same commenter already said exactly this on this article (trash does not count). */
    async isDuplicate(articleId: string, email: string, body: string): Promise<boolean> {
      const [row] = await db
        .select({ id: comments.id })
        .from(comments)
        .where(and(eq(comments.articleId, articleId), eq(comments.authorEmail, email), eq(comments.body, body), ne(comments.status, 'trash'), isNull(comments.deletedAt)))
        .limit(1)
      return row !== undefined
    },

    /** WordPress's rule: a commenter with an approved comment is trusted. Staff replies do not vouch for their email. */
    async hasApprovedComment(email: string): Promise<boolean> {
      const [row] = await db
        .select({ id: comments.id })
        .from(comments)
        .where(and(eq(comments.authorEmail, email), eq(comments.status, 'approved'), eq(comments.isStaff, false), isNull(comments.deletedAt)))
        .limit(1)
      return row !== undefined
    },

    /** Top-level comments whose thread shows something: itself or any approved reply. Oldest first. */
    async threadRoots(articleId: string, page: { limit: number; offset: number }): Promise<string[]> {
      const rows = await db
        .select({ id: comments.id })
        .from(comments)
        .where(and(eq(comments.articleId, articleId), isNull(comments.parentId), threadHasVisible()))
        .orderBy(asc(comments.createdAt), asc(comments.seq))
        .limit(page.limit)
        .offset(page.offset)
      return rows.map((r) => r.id)
    },

    async countThreads(articleId: string): Promise<number> {
      const [row] = await db
        .select({ n: count() })
        .from(comments)
        .where(and(eq(comments.articleId, articleId), isNull(comments.parentId), threadHasVisible()))
      return row?.n ?? 0
    },

    /**
     * Every comment of these threads that may show: visible ones, and those with replies (a hidden
     * one becomes a tombstone when a visible reply hangs below it; the service prunes the rest).
     */
    async threadNodes(rootIds: string[]): Promise<CommentRow[]> {
      if (rootIds.length === 0) return []
      return db
        .select()
        .from(comments)
        .where(and(inArray(comments.rootId, rootIds), or(visible, sql`exists (select 1 from ${comments} ch where ch.parent_id = "comments"."id")`)))
        .orderBy(asc(comments.createdAt), asc(comments.seq))
    },

    async list(filter: CommentFilter, page: { limit: number; offset: number }): Promise<CommentRecord[]> {
      return db
        .select(recordColumns)
        .from(comments)
        .innerJoin(articles, eq(articles.id, comments.articleId))
        .where(and(...conditions(filter)))
        .orderBy(desc(comments.createdAt), desc(comments.seq))
        .limit(page.limit)
        .offset(page.offset)
    },

    async count(filter: CommentFilter): Promise<number> {
      const [row] = await db.select({ n: count() }).from(comments).where(and(...conditions(filter)))
      return row?.n ?? 0
    },

    /** Per status, for the same article and search filter (the moderation queue badges). */
    async countByStatus(filter: CommentFilter): Promise<Record<CommentStatus, number>> {
      const rows = await db
        .select({ status: comments.status, n: count() })
        .from(comments)
        .where(and(...conditions(filter, false)))
        .groupBy(comments.status)
      const out: Record<CommentStatus, number> = { pending: 0, approved: 0, spam: 0, trash: 0 }
      for (const row of rows) out[row.status] = row.n
      return out
    },

    /** Recounts from the table (tests and repair): the number comment_count must equal. */
    async countVisible(articleId: string): Promise<number> {
      const [row] = await db.select({ n: count() }).from(comments).where(and(eq(comments.articleId, articleId), visible))
      return row?.n ?? 0
    },
  }
}

function threadHasVisible(): SQL {
  return sql`exists (select 1 from ${comments} c where c.root_id = "comments"."id" and c.status = 'approved' and c.deleted_at is null)`
}

export type CommentRepository = ReturnType<typeof createCommentRepository>
