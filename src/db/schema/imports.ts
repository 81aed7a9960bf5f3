import { sql } from 'drizzle-orm'
import { boolean, check, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { users } from './users.js'

/** Per kind: how many items an import created, updated (changed in the source since) and skipped. */
export type ImportCounts = Record<string, { created: number; updated: number; skipped: number; failed: number }>

/** A problem with one item (or the file), reported and never fatal to the rest. */
export interface ImportWarning {
  /** e.g. `post:42`, `comment:7`, `file`. */
  item: string
  message: string
}

/**
 * Every item an import brought in, keyed by where it came from: the same source item imported
 * again finds its row here and is skipped (same `hash`) or updated, never duplicated. The
 * original URL is kept for the report; the path it answers lives in path_aliases.
 */
export const importItems = pgTable(
  'import_items',
  {
    /** wordpress, ghost, newsroom. */
    source: text('source').notNull(),
    /** Namespaced by the source's kind of id: `post:42`, `term:7`, `author:jane`, `comment:9`, `media:<url>`. */
    sourceId: text('source_id').notNull(),
    /** article, page, section, tag, author, comment, media. */
    kind: text('kind').notNull(),
    localId: uuid('local_id').notNull(),
    originalUrl: text('original_url'),
    /** Digest of what was imported: an unchanged item is skipped on the next run. */
    hash: text('hash').notNull(),
    importedAt: timestamp('imported_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.source, t.sourceId] }), index('import_items_local_idx').on(t.kind, t.localId)],
)

export const importJobs = pgTable(
  'import_jobs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    source: text('source').notNull(),
    status: text('status').notNull().default('queued'),
    filename: text('filename').notNull(),
    /** The spooled upload, removed when the job ends. */
    filePath: text('file_path').notNull(),
    bytes: integer('bytes').notNull(),
    dryRun: boolean('dry_run').notNull().default(false),
    /** How the source's taxonomy maps (ImportMapping); {} = the defaults. */
    mapping: jsonb('mapping').$type<Record<string, string>>().notNull().default(sql`'{}'::jsonb`),
    counts: jsonb('counts').$type<ImportCounts>().notNull().default(sql`'{}'::jsonb`),
    warnings: jsonb('warnings').$type<ImportWarning[]>().notNull().default(sql`'[]'::jsonb`),
    /** Warnings beyond the kept ones (the list is capped). */
    warningsDropped: integer('warnings_dropped').notNull().default(0),
    error: text('error'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    /** A running job's heartbeat: past it, the worker is presumed dead and another may resume the job. */
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
  },
  (t) => [
    check('import_jobs_status', sql`${t.status} in ('queued', 'running', 'completed', 'failed')`),
    check('import_jobs_source', sql`${t.source} in ('wordpress', 'ghost', 'newsroom')`),
    index('import_jobs_created_idx').on(t.createdAt),
  ],
)
