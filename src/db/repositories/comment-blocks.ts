import { and, desc, eq, inArray } from 'drizzle-orm'
import type { Executor } from '../client.js'
import { commentBlocks } from '../schema/index.js'

export type CommentBlockRow = typeof commentBlocks.$inferSelect
export type CommentBlockKind = CommentBlockRow['kind']

export function createCommentBlockRepository(db: Executor) {
  return {
    async list(kind?: CommentBlockKind): Promise<CommentBlockRow[]> {
      return db
        .select()
        .from(commentBlocks)
        .where(kind ? eq(commentBlocks.kind, kind) : undefined)
        .orderBy(desc(commentBlocks.createdAt), desc(commentBlocks.id))
    },

    /** Returns undefined when the same block exists already. */
    async insert(values: { kind: CommentBlockKind; value: string; reason: string; createdBy: string | null; createdAt: Date }): Promise<CommentBlockRow | undefined> {
      const [row] = await db.insert(commentBlocks).values(values).onConflictDoNothing().returning()
      return row
    },

    async find(kind: CommentBlockKind, value: string): Promise<CommentBlockRow | undefined> {
      const [row] = await db.select().from(commentBlocks).where(and(eq(commentBlocks.kind, kind), eq(commentBlocks.value, value))).limit(1)
      return row
    },

    async findById(id: string): Promise<CommentBlockRow | undefined> {
      const [row] = await db.select().from(commentBlocks).where(eq(commentBlocks.id, id)).limit(1)
      return row
    },

    async delete(id: string): Promise<boolean> {
      const rows = await db.delete(commentBlocks).where(eq(commentBlocks.id, id)).returning({ id: commentBlocks.id })
      return rows.length > 0
    },

    /** Email blocks matching the address itself or its domain (`@example.com`). */
    async matchEmail(email: string): Promise<CommentBlockRow | undefined> {
      const at = email.lastIndexOf('@')
      const candidates = at >= 0 ? [email, email.slice(at)] : [email]
      const [row] = await db
        .select()
        .from(commentBlocks)
        .where(and(eq(commentBlocks.kind, 'email'), inArray(commentBlocks.value, candidates)))
        .limit(1)
      return row
    },
  }
}

export type CommentBlockRepository = ReturnType<typeof createCommentBlockRepository>
