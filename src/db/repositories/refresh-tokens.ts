import { and, eq, inArray, isNull, lt, or } from 'drizzle-orm'
import type { Executor } from '../client.js'
import { refreshTokens } from '../schema/index.js'

export type RefreshTokenRow = typeof refreshTokens.$inferSelect

export function createRefreshTokenRepository(db: Executor) {
  return {
    async insert(values: typeof refreshTokens.$inferInsert): Promise<RefreshTokenRow> {
      const [row] = await db.insert(refreshTokens).values(values).returning()
      return row!
    },

    /** Locks the row: two refreshes racing with one token must not both succeed. */
    async findByHashForUpdate(tokenHash: string): Promise<RefreshTokenRow | undefined> {
      const [row] = await db.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, tokenHash)).for('update')
      return row
    },

    async markUsed(id: string, at: Date): Promise<void> {
      await db.update(refreshTokens).set({ usedAt: at }).where(eq(refreshTokens.id, id))
    },

    async revokeFamily(familyId: string, at: Date): Promise<void> {
      await db
        .update(refreshTokens)
        .set({ revokedAt: at })
        .where(and(eq(refreshTokens.familyId, familyId), isNull(refreshTokens.revokedAt)))
    },

    async revokeAllForUser(userId: string, at: Date): Promise<void> {
      await db
        .update(refreshTokens)
        .set({ revokedAt: at })
        .where(and(eq(refreshTokens.userId, userId), isNull(refreshTokens.revokedAt)))
    },

    /** Housekeeping: up to `limit` tokens expired or revoked before `before`; returns how many. */
    async deleteStale(before: Date, limit: number): Promise<number> {
      const stale = db
        .select({ id: refreshTokens.id })
        .from(refreshTokens)
        .where(or(lt(refreshTokens.expiresAt, before), lt(refreshTokens.revokedAt, before)))
        .limit(limit)
      const rows = await db.delete(refreshTokens).where(inArray(refreshTokens.id, stale)).returning({ id: refreshTokens.id })
      return rows.length
    },
  }
}

export type RefreshTokenRepository = ReturnType<typeof createRefreshTokenRepository>
