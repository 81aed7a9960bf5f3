import { sql } from 'drizzle-orm'
import { bigint, boolean, index, integer, jsonb, pgEnum, pgTable, text, timestamp } from 'drizzle-orm/pg-core'

export const outboxStatus = pgEnum('outbox_status', ['pending', 'processing', 'done', 'failed'])

/**
 * The one outbox: every side effect that must survive a crash (emails, webhook deliveries, Akismet
 * feedback) is a row written in the same transaction as the change that causes it. Workers in any
 * number of processes claim due rows with FOR UPDATE SKIP LOCKED under a lease; a worker that dies
 * mid-job leaves a lease that expires, and the job is claimed again.
 */
export const outbox = pgTable(
  'outbox',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    topic: text('topic').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    status: outboxStatus('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    maxAttempts: integer('max_attempts').notNull().default(8),
    runAt: timestamp('run_at', { withTimezone: true }).notNull().defaultNow(),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    lastError: text('last_error'),
    /** Optional: a second enqueue with the same key is ignored (idempotent producers). */
    dedupeKey: text('dedupe_key').unique(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    completedAt: timestamp('completed_at', { withTimezone: true }),
  },
  (t) => [
    index('outbox_due_idx').on(t.runAt).where(sql`status = 'pending'`),
    index('outbox_leased_idx').on(t.lockedUntil).where(sql`status = 'processing'`),
    index('outbox_topic_idx').on(t.topic, t.id),
    // Housekeeping: finished jobs by age (OUTBOX_RETENTION_DAYS).
    index('outbox_finished_idx').on(t.createdAt).where(sql`status in ('done', 'failed')`),
    // A newsletter send's counts (its recipients' jobs by status).
    index('outbox_newsletter_send_idx').on(sql`(payload ->> 'send_id')`, t.status).where(sql`topic = 'newsletter.deliver'`),
  ],
)

/** One row per delivery attempt: the delivery log (status, response, duration, error). */
export const outboxAttempts = pgTable(
  'outbox_attempts',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    outboxId: bigint('outbox_id', { mode: 'number' })
      .notNull()
      .references(() => outbox.id, { onDelete: 'cascade' }),
    attempt: integer('attempt').notNull(),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    durationMs: integer('duration_ms').notNull(),
    ok: boolean('ok').notNull(),
    /** e.g. the HTTP status of a webhook receiver, or the SMTP reply code. */
    responseStatus: integer('response_status'),
    error: text('error'),
  },
  (t) => [index('outbox_attempts_outbox_idx').on(t.outboxId, t.attempt)],
)
