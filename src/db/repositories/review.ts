import { and, asc, eq, inArray, isNotNull, or, type SQL } from 'drizzle-orm'
import type { Executor } from '../client.js'
import { articleNotes, users } from '../schema/index.js'

export type ArticleNoteRow = typeof articleNotes.$inferSelect

/** Who an email of the review workflow may go to. */
export interface Recipient {
  id: string
  email: string
  name: string
}

const recipientColumns = { id: users.id, email: users.email, name: users.name }
/** Accounts that can be told: active, and not opted out of workflow emails. */
const reachable = and(eq(users.disabled, false), eq(users.notifyEmail, true))

/** The editorial thread of articles, and the people the review workflow notifies. */
export function createReviewRepository(db: Executor) {
  /** Of these accounts, those that can be emailed (active, notifications on). */
  async function reachableOf(ids: string[]): Promise<Recipient[]> {
    if (ids.length === 0) return []
    return db.select(recipientColumns).from(users).where(and(inArray(users.id, ids), reachable)).orderBy(asc(users.email))
  }

  return {
    async insertNote(values: typeof articleNotes.$inferInsert): Promise<ArticleNoteRow> {
      const [row] = await db.insert(articleNotes).values(values).returning()
      return row!
    },

    /** An article's notes, oldest first (a thread reads top to bottom). */
    async listNotes(articleId: string): Promise<ArticleNoteRow[]> {
      return db.select().from(articleNotes).where(eq(articleNotes.articleId, articleId)).orderBy(asc(articleNotes.id))
    },

    /** Accounts that wrote in an article's thread. */
    async noteWriters(articleId: string): Promise<string[]> {
      const rows = await db
        .selectDistinct({ id: articleNotes.authorId })
        .from(articleNotes)
        .where(and(eq(articleNotes.articleId, articleId), isNotNull(articleNotes.authorId)))
      return rows.map((r) => r.id!)
    },

    /** The desk: active editors who take emails; the admins when the publication has no editor. */
    async deskRecipients(): Promise<Recipient[]> {
      const editors = await db.select(recipientColumns).from(users).where(and(eq(users.role, 'editor'), eq(users.disabled, false))).orderBy(asc(users.email))
      const desk = editors.length > 0 ? editors : await db.select(recipientColumns).from(users).where(and(eq(users.role, 'admin'), eq(users.disabled, false))).orderBy(asc(users.email))
      return reachableOf(desk.map((u) => u.id))
    },

    /** The accounts behind an article: its creator and everyone writing under its byline. */
    async writerIds(article: { createdBy: string | null; authorId: string; authors?: { id: string }[] }): Promise<string[]> {
      const authorIds = article.authors && article.authors.length > 0 ? article.authors.map((a) => a.id) : [article.authorId]
      const who: SQL[] = [inArray(users.authorId, authorIds)]
      if (article.createdBy) who.push(eq(users.id, article.createdBy))
      return (await db.select({ id: users.id }).from(users).where(or(...who))).map((r) => r.id)
    },

    reachable: reachableOf,

    async notifyEmail(userId: string): Promise<boolean | undefined> {
      const [row] = await db.select({ notifyEmail: users.notifyEmail }).from(users).where(eq(users.id, userId))
      return row?.notifyEmail
    },

    async setNotifyEmail(userId: string, value: boolean): Promise<void> {
      await db.update(users).set({ notifyEmail: value }).where(eq(users.id, userId))
    },
  }
}

export type ReviewRepository = ReturnType<typeof createReviewRepository>
