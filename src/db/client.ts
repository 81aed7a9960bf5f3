import { PGlite } from '@electric-sql/pglite'
import { citext } from '@electric-sql/pglite/contrib/citext'
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm'
import { sql } from 'drizzle-orm'
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core'
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite'
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres'
import { mkdirSync } from 'node:fs'
import path from 'node:path'
import pg from 'pg'
import * as schema from './schema/index.js'
import { acquireDirectoryLock, type DirectoryLock } from './lock.js'

/** One type for both drivers (TOOLCHAIN pitfall 4: a union of the two breaks `.returning()`). */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>
export type Tx = PgTransaction<PgQueryResultHKT, typeof schema>
/** Repositories accept either the database or an open transaction. */
export type Executor = Db | Tx

export type DatabaseOptions =
  | { kind: 'pglite'; dataDir?: string | undefined; snapshot?: Blob | undefined }
  | { kind: 'postgres'; url: string; poolSize?: number | undefined; applicationName?: string | undefined; timeoutMs?: number | undefined; readUrl?: string | undefined }

export interface Database {
  readonly kind: 'pglite' | 'postgres'
  readonly db: Db
  /**
   * Where anonymous public reads may go: a read replica (DATABASE_READ_URL) with its own pool, or
   * the same instance as `db` when there is none. Writes and read-your-own-writes use `db`.
   */
  readonly readDb: Db
  /** The replica's pool, when one is configured. */
  readonly readPool: pg.Pool | undefined
  /** Throws when the (primary) database does not answer; a replica down is not fatal (reads fall back). */
  ping(): Promise<void>
  close(): Promise<void>
  /** The underlying pg pool (postgres only), for LISTEN/NOTIFY and raw maintenance. */
  readonly pool: pg.Pool | undefined
  /** The underlying PGlite instance (embedded only). */
  readonly pglite: PGlite | undefined
}

export async function createDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.kind === 'postgres') return createPostgres(options)
  return createPglite(options)
}

async function createPglite(options: { dataDir?: string | undefined; snapshot?: Blob | undefined }): Promise<Database> {
  let lock: DirectoryLock | undefined
  let dataDir: string | undefined
  if (options.dataDir) {
    // PGlite fails with ENOENT when the parent is missing, and two processes on one directory corrupt it.
    mkdirSync(options.dataDir, { recursive: true })
    lock = acquireDirectoryLock(options.dataDir)
    dataDir = path.join(options.dataDir, 'pglite')
  }
  let client: PGlite
  try {
    client = new PGlite({
      ...(dataDir ? { dataDir } : {}),
      ...(options.snapshot ? { loadDataDir: options.snapshot } : {}),
      extensions: { citext, pg_trgm },
    })
    await client.waitReady
  } catch (error) {
    lock?.release()
    throw error
  }
  const db = drizzlePglite({ client, schema }) as unknown as Db
  let closed = false
  return {
    kind: 'pglite',
    db,
    readDb: db,
    readPool: undefined,
    pool: undefined,
    pglite: client,
    async ping() {
      await client.query('select 1')
    },
    async close() {
      if (closed) return
      closed = true
      try {
        await client.close()
      } finally {
        lock?.release()
      }
    },
  }
}

function createPool(url: string, poolSize: number, applicationName: string, timeoutMs: number | undefined): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    application_name: applicationName,
    // A database that is gone or hung costs a request at most this long: then it answers 503.
    connectionTimeoutMillis: timeoutMs ? Math.min(timeoutMs, 5000) : 5000,
    ...(timeoutMs ? { query_timeout: timeoutMs } : {}),
    idleTimeoutMillis: 30000,
  })
  // An idle client losing its connection emits 'error' on the pool; unhandled, it would crash the process.
  pool.on('error', () => {})
  // So does a checked-out client (inside a transaction, between statements) whose server goes away:
  // its query fails and the request answers 503; the 'error' event itself must not kill the process.
  pool.on('connect', (client) => {
    client.on('error', () => {})
  })
  return pool
}

async function createPostgres(options: { url: string; poolSize?: number | undefined; applicationName?: string | undefined; timeoutMs?: number | undefined; readUrl?: string | undefined }): Promise<Database> {
  const applicationName = options.applicationName ?? 'newsroom-cms'
  const pool = createPool(options.url, options.poolSize ?? 10, applicationName, options.timeoutMs)
  const db = drizzlePg({ client: pool, schema }) as unknown as Db
  // The replica gets a pool of the same size: public reads are most of the traffic.
  const readPool = options.readUrl ? createPool(options.readUrl, options.poolSize ?? 10, `${applicationName}-read`, options.timeoutMs) : undefined
  const readDb = readPool ? (drizzlePg({ client: readPool, schema }) as unknown as Db) : db
  let closed = false
  return {
    kind: 'postgres',
    db,
    readDb,
    readPool,
    pool,
    pglite: undefined,
    async ping() {
      await db.execute(sql`select 1`)
    },
    async close() {
      if (closed) return
      closed = true
      await Promise.all([pool.end(), readPool?.end()])
    },
  }
}

/**
 * The database the configuration names: PostgreSQL when DATABASE_URL is set, else PGlite in DATA_DIR.
 * `replica: true` (the server) also opens DATABASE_READ_URL's pool; tools that only write do not.
 */
export function openConfiguredDatabase(
  database: { kind: 'pglite'; dataDir: string } | { kind: 'postgres'; url: string; poolSize: number; timeoutMs?: number; readUrl?: string },
  /** CLIs (migrations, data generation) pass `timeoutMs: 0`: their long statements are expected. */
  options: { poolSize?: number; timeoutMs?: number; replica?: boolean } = {},
): Promise<Database> {
  return database.kind === 'postgres'
    ? createDatabase({
        kind: 'postgres',
        url: database.url,
        poolSize: options.poolSize ?? database.poolSize,
        timeoutMs: options.timeoutMs ?? database.timeoutMs,
        readUrl: options.replica === true ? database.readUrl : undefined,
      })
    : createDatabase({ kind: 'pglite', dataDir: database.dataDir })
}
