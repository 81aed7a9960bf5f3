import { boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { users } from './users.js'

/**
 * Idempotency-Key records of editor writes, per user. A key is claimed before the write runs
 * (`processing`, under a lease), marked `committed` inside the write's own transaction, and
 * completed with the response that was sent, which a retry gets back verbatim.
 */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    /** sha256 of method, path, body and preconditions: the same key with another request is refused. */
    fingerprint: text('fingerprint').notNull(),
    /** Set in the same transaction as the write: the write happened, whatever became of the response. */
    committed: boolean('committed').notNull().default(false),
    lockedUntil: timestamp('locked_until', { withTimezone: true }).notNull(),
    responseStatus: integer('response_status'),
    responseHeaders: jsonb('response_headers').$type<Record<string, string>>(),
    responseBody: text('response_body'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    completedAt: timestamp('completed_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.userId, t.key] }), index('idempotency_keys_created_idx').on(t.createdAt)],
)
