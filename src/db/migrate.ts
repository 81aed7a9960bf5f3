import { sql } from 'drizzle-orm'
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator'
import type { NodePgDatabase } from 'drizzle-orm/node-postgres'
import type { PgliteDatabase } from 'drizzle-orm/pglite'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Database } from './client.js'
import { pgCode } from './errors.js'
import { LOCK_KEYS } from './repositories/locks.js'

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../migrations', import.meta.url))

/** The same in every process: serialises concurrent migrators on one PostgreSQL. */
const MIGRATION_LOCK_KEY = LOCK_KEYS.migrate

/** The newest migration's time in the journal drizzle-kit writes: drizzle records it as `created_at` once applied. */
function newestMigrationMillis(): number {
  const journal = JSON.parse(readFileSync(path.join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as { entries: { when: number }[] }
  return Math.max(...journal.entries.map((entry) => entry.when))
}

/**
 * Whether drizzle's migrator would apply nothing: it applies every migration newer than the newest
 * `created_at` recorded, so none is left when that is the journal's newest. One query, where the
 * migrator takes a lock, creates its schema and table if missing and opens a transaction: most
 * starts find the database migrated, and on PostgreSQL each round trip waits for the start's busy
 * event loop.
 */
export async function migrationsUpToDate(database: Database): Promise<boolean> {
  try {
    // The row drizzle's migrator reads, by the same query (a NULL created_at sorts first: drizzle
    // would then apply everything, and so the check says "not up to date").
    const result = await database.db.execute(sql`select created_at as last from drizzle.__drizzle_migrations order by created_at desc limit 1`)
    const last = (result as unknown as { rows: { last: string | number | null }[] }).rows[0]?.last
    return last !== null && last !== undefined && Number(last) >= newestMigrationMillis()
  } catch (error) {
    // A database never migrated: no drizzle schema (3F000) or table (42P01) yet.
    if (pgCode(error) === '3F000' || pgCode(error) === '42P01') return false
    throw error
  }
}

/** Applies migrations/ to either driver. Safe when several API processes start at once. */
export async function runMigrations(database: Database): Promise<void> {
  if (await migrationsUpToDate(database)) return
  if (database.kind === 'pglite') {
    // Loaded only here: drizzle's PGlite migrator imports PGlite, which a server on PostgreSQL never loads.
    const { migrate: migratePglite } = await import('drizzle-orm/pglite/migrator')
    await migratePglite(database.db as unknown as PgliteDatabase, { migrationsFolder: MIGRATIONS_FOLDER })
    return
  }
  const pool = database.pool
  if (!pool) throw new Error('postgres database without a pool')
  const lockClient = await pool.connect()
  try {
    await lockClient.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY])
    await migratePg(database.db as unknown as NodePgDatabase, { migrationsFolder: MIGRATIONS_FOLDER })
  } finally {
    await lockClient.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => {})
    lockClient.release()
  }
}

export async function appliedMigrationCount(database: Database): Promise<number> {
  const result = await database.db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`)
  return Number((result as unknown as { rows: { n: number }[] }).rows[0]?.n ?? 0)
}
