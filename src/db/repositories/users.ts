import { and, asc, count, eq, ne, sql } from 'drizzle-orm'
import type { Executor } from '../client.js'
import { authors, refreshTokens, users } from '../schema/index.js'

export type UserRow = typeof users.$inferSelect
export type UserRole = UserRow['role']

export interface UserWithAuthor extends UserRow {
  authorSlug: string | null
  authorName: string | null
}

const withAuthor = {
  id: users.id,
  email: users.email,
  name: users.name,
  role: users.role,
  authorId: users.authorId,
  passwordHash: users.passwordHash,
  disabled: users.disabled,
  notifyEmail: users.notifyEmail,
  sessionEpoch: users.sessionEpoch,
  lastLoginAt: users.lastLoginAt,
  version: users.version,
  createdAt: users.createdAt,
  updatedAt: users.updatedAt,
  authorSlug: authors.slug,
  authorName: authors.name,
}

export function createUserRepository(db: Executor) {
  return {
    async findById(id: string): Promise<UserWithAuthor | undefined> {
      const [row] = await db.select(withAuthor).from(users).leftJoin(authors, eq(authors.id, users.authorId)).where(eq(users.id, id))
      return row
    },

    /**
     * The account behind an access token, and whether the token's session (its login's refresh-token
     * family) is still open: one query on the authenticated path, the session half served by the
     * partial index of live families.
     */
    async findForSession(id: string, sessionId: string): Promise<(UserWithAuthor & { sessionOpen: boolean }) | undefined> {
      const sessionOpen = sql<boolean>`exists (select 1 from ${refreshTokens} where ${refreshTokens.familyId} = ${sessionId} and ${refreshTokens.revokedAt} is null)`
      const [row] = await db.select({ ...withAuthor, sessionOpen }).from(users).leftJoin(authors, eq(authors.id, users.authorId)).where(eq(users.id, id))
      return row
    },

    /** citext column: the match ignores case. */
    async findByEmail(email: string): Promise<UserWithAuthor | undefined> {
      const [row] = await db
        .select(withAuthor)
        .from(users)
        .leftJoin(authors, eq(authors.id, users.authorId))
        .where(eq(users.email, email.trim()))
      return row
    },

    async list(): Promise<UserWithAuthor[]> {
      return db.select(withAuthor).from(users).leftJoin(authors, eq(authors.id, users.authorId)).orderBy(asc(users.email))
    },

    async count(): Promise<number> {
      const [row] = await db.select({ n: count() }).from(users)
      return row?.n ?? 0
    },

    /** Active admins other than `exceptId`: the last one may not be demoted, disabled or deleted. */
    async countOtherActiveAdmins(exceptId: string): Promise<number> {
      const [row] = await db
        .select({ n: count() })
        .from(users)
        .where(and(eq(users.role, 'admin'), eq(users.disabled, false), ne(users.id, exceptId)))
      return row?.n ?? 0
    },

    async insert(values: typeof users.$inferInsert): Promise<UserRow> {
      const [row] = await db.insert(users).values(values).returning()
      return row!
    },

    /** Optimistic update: undefined when the version moved on. */
    async update(id: string, expectedVersion: number, values: Partial<typeof users.$inferInsert>): Promise<UserRow | undefined> {
      const [row] = await db
        .update(users)
        .set({ ...values, version: sql`${users.version} + 1`, updatedAt: sql`now()` })
        .where(and(eq(users.id, id), eq(users.version, expectedVersion)))
        .returning()
      return row
    },

    async recordLogin(id: string, at: Date): Promise<void> {
      await db.update(users).set({ lastLoginAt: at }).where(eq(users.id, id))
    },

    async delete(id: string): Promise<boolean> {
      const rows = await db.delete(users).where(eq(users.id, id)).returning({ id: users.id })
      return rows.length > 0
    },
  }
}

export type UserRepository = ReturnType<typeof createUserRepository>
