import { createHash, randomBytes } from 'node:crypto'
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync, existsSync } from 'node:fs'
import path from 'node:path'
import pg from 'pg'
import { createDatabase, type Database } from '../../src/db/client.js'
import { pgCode } from '../../src/db/errors.js'
import { MIGRATIONS_FOLDER, runMigrations } from '../../src/db/migrate.js'

/**
 * A fresh, migrated database per test file: embedded PGlite by default, or a new PostgreSQL
 * database when TEST_DATABASE_URL is set (CI). Migrating takes seconds, so each runs once per
 * migration set: PGlite from a dumped data directory, PostgreSQL from a template database.
 */
export interface TestDatabase {
  database: Database
  /** The connection URL (postgres only), for tests that start a second API process. */
  url: string | undefined
  destroy(): Promise<void>
}

const CACHE_DIR = path.resolve(import.meta.dirname, '../../.cache/test-db')

function listFiles(dir: string): string[] {
  return readdirSync(dir)
    .flatMap((name) => {
      const full = path.join(dir, name)
      return statSync(full).isDirectory() ? listFiles(full) : [full]
    })
    .sort()
}

export function migrationsHash(): string {
  const hash = createHash('sha256')
  for (const file of listFiles(MIGRATIONS_FOLDER)) {
    hash.update(path.relative(MIGRATIONS_FOLDER, file))
    hash.update(readFileSync(file))
  }
  return hash.digest('hex').slice(0, 16)
}

/** A migrated PGlite data directory, built once per migration set. */
export async function pgliteSnapshot(): Promise<Blob> {
  const file = path.join(CACHE_DIR, `pglite-${migrationsHash()}.tar.gz`)
  if (existsSync(file)) return new Blob([readFileSync(file)])
  const database = await createDatabase({ kind: 'pglite' })
  await runMigrations(database)
  const dump = await database.pglite!.dumpDataDir('gzip')
  await database.close()
  mkdirSync(CACHE_DIR, { recursive: true })
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`
  writeFileSync(temp, Buffer.from(await dump.arrayBuffer()))
  renameSync(temp, file) // atomic: parallel test files may race to write the same snapshot
  return dump
}

const TEMPLATE_LOCK_KEY = 7_364_201_556

async function postgresTemplate(adminUrl: string): Promise<string> {
  const template = `newsroom_tpl_${migrationsHash()}`
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  try {
    await admin.query('select pg_advisory_lock($1)', [TEMPLATE_LOCK_KEY])
    const exists = await admin.query('select 1 from pg_database where datname = $1', [template])
    if (exists.rowCount === 0) {
      const building = `${template}_building_${randomBytes(3).toString('hex')}`
      await admin.query(`create database "${building}"`)
      const database = await createDatabase({ kind: 'postgres', url: withDatabase(adminUrl, building), poolSize: 2 })
      try {
        await runMigrations(database)
      } finally {
        await database.close()
      }
      await admin.query(`alter database "${building}" rename to "${template}"`)
      // Housekeeping while we hold the lock: test databases a crashed run left behind (their
      // names carry their creation time). Templates stay: another checkout may still use them.
      const stale = await admin.query<{ datname: string }>(`select datname from pg_database where datname like 'newsroom\\_test\\_%'`)
      for (const { datname } of stale.rows) {
        const created = Number.parseInt(datname.split('_')[2] ?? '', 36)
        if (Number.isFinite(created) && Date.now() - created > 3_600_000) {
          await admin.query(`drop database if exists "${datname}" with (force)`).catch(() => {})
        }
      }
    }
    return template
  } finally {
    await admin.query('select pg_advisory_unlock($1)', [TEMPLATE_LOCK_KEY]).catch(() => {})
    await admin.end()
  }
}

export function withDatabase(url: string, name: string): string {
  const parsed = new URL(url)
  parsed.pathname = `/${name}`
  return parsed.toString()
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = process.env.TEST_DATABASE_URL
  if (!adminUrl) {
    const database = await createDatabase({ kind: 'pglite', snapshot: await pgliteSnapshot() })
    return { database, url: undefined, destroy: () => database.close() }
  }
  const template = await postgresTemplate(adminUrl)
  const name = `newsroom_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  try {
    // A concurrent CREATE DATABASE from the same template can briefly see it "in use": retry.
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.query(`create database "${name}" template "${template}"`)
        break
      } catch (error) {
        if (attempt >= 20 || pgCode(error) !== '55006') throw error
        await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 200))
      }
    }
  } finally {
    await admin.end()
  }
  const url = withDatabase(adminUrl, name)
  const database = await createDatabase({ kind: 'postgres', url, poolSize: 5 })
  return {
    database,
    url,
    async destroy() {
      await database.close()
      const cleanup = new pg.Client({ connectionString: adminUrl })
      await cleanup.connect()
      try {
        await cleanup.query(`drop database if exists "${name}" with (force)`)
      } finally {
        await cleanup.end()
      }
    },
  }
}
