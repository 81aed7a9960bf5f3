import { boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { users } from './users.js'

/** What a key records besides its owner, the same for editors' keys and public ones. */
const keyColumns = () => ({
  key: text('key').notNull(),
  /** sha256 of method, path, body and preconditions: the same key with another request is refused. */
  fingerprint: text('fingerprint').notNull(),
  /** Set in the same transaction as the write: the write happened, whatever became of the response. */
  committed: boolean('committed').notNull().default(false),
  /**
   * What the write was about (its audit entry's entity: `article` and its id…), set with `committed`:
   * a retry whose first response was never recorded is pointed at it instead of left guessing.
   */
  entityType: text('entity_type'),
  entityId: text('entity_id'),
  lockedUntil: timestamp('locked_until', { withTimezone: true }).notNull(),
  responseStatus: integer('response_status'),
  responseHeaders: jsonb('response_headers').$type<Record<string, string>>(),
  responseBody: text('response_body'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  completedAt: timestamp('completed_at', { withTimezone: true }),
})

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
    ...keyColumns(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.key] }), index('idempotency_keys_created_idx').on(t.createdAt)],
)

/**
 * Idempotency-Key records of public writes (comments, newsletter signups), which have no user: a
 * key belongs to the email address the request is about (`email:<address>`, see the route's
 * `config.idempotent`), so a reader retrying from another network still finds it.
 */
export const publicIdempotencyKeys = pgTable(
  'public_idempotency_keys',
  {
    owner: text('owner').notNull(),
    ...keyColumns(),
  },
  (t) => [primaryKey({ columns: [t.owner, t.key] }), index('public_idempotency_keys_created_idx').on(t.createdAt)],
)
