import { sql } from 'drizzle-orm'
import { boolean, index, integer, pgEnum, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { authors } from './taxonomy.js'
import { citext } from './types.js'

export const userRole = pgEnum('user_role', ['admin', 'editor', 'author', 'contributor'])

export const users = pgTable('users', {
  id: uuid('id').primaryKey().defaultRandom(),
  /** citext: unique regardless of case, as people type their address differently. */
  email: citext('email').notNull().unique(),
  name: text('name').notNull(),
  role: userRole('role').notNull(),
  /** The author profile this account writes as (bylines); optional for admins and editors. */
  authorId: uuid('author_id').references(() => authors.id, { onDelete: 'set null' }),
  passwordHash: text('password_hash').notNull(),
  disabled: boolean('disabled').notNull().default(false),
  /** Carried in access tokens (`sev`); bumped on password change or disable so older tokens stop working. */
  sessionEpoch: integer('session_epoch').notNull().default(1),
  /** Workflow emails (submissions, reviews, notes); each user can turn them off. */
  notifyEmail: boolean('notify_email').notNull().default(true),
  lastLoginAt: timestamp('last_login_at', { withTimezone: true }),
  version: integer('version').notNull().default(1),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
})

/**
 * Opaque rotating refresh tokens, stored as SHA-256 hashes. Each login starts a family; a refresh
 * marks the presented token used and issues the next one in the family. Presenting a used token
 * again means it was stolen (or replayed): the whole family is revoked. The family is the session:
 * access tokens carry its id (`sid`) and stop working once no token of the family is unrevoked
 * (logout, reuse, password change), checked on every authenticated request through the partial
 * index of live families.
 */
export const refreshTokens = pgTable(
  'refresh_tokens',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    familyId: uuid('family_id').notNull(),
    tokenHash: text('token_hash').notNull().unique(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [index('refresh_tokens_live_family_idx').on(t.familyId).where(sql`revoked_at is null`), index('refresh_tokens_user_idx').on(t.userId)],
)
