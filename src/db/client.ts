import type { PGlite } from '@electric-sql/pglite'
import { sql } from 'drizzle-orm'
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core'
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres'
import { mkdirSync } from 'node:fs'
import path from 'node:path'
import pg from 'pg'
import * as schema from './schema/index.js'
import { acquireDirectoryLock, type DirectoryLock } from './lock.js'
import { HOT_SESSION_OPTIONS, setHotPool } from './hot/pools.js'
import { PGLITE_SHARED_BUFFERS_MB_DEFAULT } from './pglite-settings.js'

/** One type for both drivers (TOOLCHAIN pitfall 4: a union of the two breaks `.returning()`). */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>
export type Tx = PgTransaction<PgQueryResultHKT, typeof schema>
/** Repositories accept either the database or an open transaction. */
export type Executor = Db | Tx

export type DatabaseOptions =
  | {
      kind: 'pglite'
      dataDir?: string | undefined
      snapshot?: Blob | undefined
      /** PostgreSQL's shared_buffers inside PGlite, in MB (PGLITE_SHARED_BUFFERS_MB); see PGLITE_SHARED_BUFFERS_MB_DEFAULT. */
      sharedBuffersMb?: number | undefined
    }
  | {
      kind: 'postgres'
      url: string
      poolSize?: number | undefined
      applicationName?: string | undefined
      timeoutMs?: number | undefined
      readUrl?: string | undefined
      /** Open a connection per pool at once (the server) instead of on first use. */
      warm?: boolean | undefined
    }

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
  /** Every pg pool by name (primary, primary-hot, replica, replica-hot), for the metrics; empty on PGlite. */
  readonly pools: ReadonlyArray<{ name: string; pool: pg.Pool }>
  /** Running totals read by the metrics on scrape. */
  readonly stats: { queryDeadlineAborts: number }
}

export async function createDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.kind === 'postgres') return createPostgres(options)
  return createPglite(options)
}

async function createPglite(options: Omit<Extract<DatabaseOptions, { kind: 'pglite' }>, 'kind'>): Promise<Database> {
  let lock: DirectoryLock | undefined
  let dataDir: string | undefined
  if (options.dataDir) {
    // PGlite fails with ENOENT when the parent is missing, and two processes on one directory corrupt it.
    mkdirSync(options.dataDir, { recursive: true })
    lock = acquireDirectoryLock(options.dataDir)
    dataDir = path.join(options.dataDir, 'pglite')
  }
  let client: PGlite
  let db: Db
  try {
    // Loaded here, not at the top (drizzle's PGlite driver imports PGlite too): a server on
    // PostgreSQL never loads the embedded database (~40 ms of its start).
    const [{ PGlite }, { citext }, { pg_trgm }, driver] = await Promise.all([
      import('@electric-sql/pglite'),
      import('@electric-sql/pglite/contrib/citext'),
      import('@electric-sql/pglite/contrib/pg_trgm'),
      import('drizzle-orm/pglite'),
    ])
    client = new PGlite({
      ...(dataDir ? { dataDir } : {}),
      ...(options.snapshot ? { loadDataDir: options.snapshot } : {}),
      extensions: { citext, pg_trgm },
      startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${options.sharedBuffersMb ?? PGLITE_SHARED_BUFFERS_MB_DEFAULT}MB`],
    })
    await client.waitReady
    db = driver.drizzle({ client, schema }) as unknown as Db
  } catch (error) {
    lock?.release()
    throw error
  }
  let closed = false
  return {
    kind: 'pglite',
    db,
    readDb: db,
    readPool: undefined,
    pool: undefined,
    pglite: client,
    pools: [],
    // PGlite runs each query to its end in this process: there is no deadline to abort it.
    stats: { queryDeadlineAborts: 0 },
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

/**
 * DATABASE_TIMEOUT_MS for queries: a query unanswered this long (a hung server, a network that
 * swallows packets, a runaway statement) fails, its connection is closed, and the request answers
 * 503. One interval watches every connection of the pool: pg's own `query_timeout` arms a timer per
 * query whose closures keep each query's rows reachable, which made V8 promote every cache-missing
 * read's result to the old generation (a full mark-compact each second under load, a fifth of the
 * throughput). A query fails after `timeoutMs`, at most a tenth of it later (two checks at 1/20).
 */
export function watchQueryDeadlines(pool: pg.Pool, timeoutMs: number, onAbort: () => void = () => {}): () => void {
  const clients = new Set<pg.Client>()
  pool.on('connect', (client) => clients.add(client))
  pool.on('remove', (client) => clients.delete(client))
  const firstSeen = new WeakMap<object, number>()
  const tick = Math.max(10, Math.min(500, Math.floor(timeoutMs / 20)))
  const timer = setInterval(() => {
    const now = Date.now()
    for (const client of clients) {
      // The query this connection is waiting on (pg keeps one in flight per connection).
      const query = (client as unknown as { _getActiveQuery(): object | null | undefined })._getActiveQuery()
      if (!query) continue
      const since = firstSeen.get(query)
      if (since === undefined) firstSeen.set(query, now)
      else if (now - since >= timeoutMs) {
        clients.delete(client)
        onAbort()
        // pg fails the query ("Connection terminated"), the pool drops the connection: 503.
        ;(client as unknown as { connection: { stream: { destroy(error?: Error): void } } }).connection.stream.destroy()
      }
    }
  }, tick)
  timer.unref()
  return () => clearInterval(timer)
}

function createPool(
  url: string,
  poolSize: number,
  applicationName: string,
  timeoutMs: number | undefined,
  stats: { queryDeadlineAborts: number },
  sessionOptions?: string,
): { pool: pg.Pool; stop: () => void } {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    application_name: applicationName,
    ...(sessionOptions ? { options: sessionOptions } : {}),
    // A database that is gone or hung costs a request at most this long: then it answers 503.
    connectionTimeoutMillis: timeoutMs ? Math.min(timeoutMs, 5000) : 5000,
    idleTimeoutMillis: 30000,
  })
  // An idle client losing its connection emits 'error' on the pool; unhandled, it would crash the process.
  pool.on('error', () => {})
  // So does a checked-out client (inside a transaction, between statements) whose server goes away:
  // its query fails and the request answers 503; the 'error' event itself must not kill the process.
  pool.on('connect', (client) => {
    client.on('error', () => {})
  })
  const onAbort = () => {
    stats.queryDeadlineAborts++
  }
  return { pool, stop: timeoutMs ? watchQueryDeadlines(pool, timeoutMs, onAbort) : () => {} }
}

async function createPostgres(options: Omit<Extract<DatabaseOptions, { kind: 'postgres' }>, 'kind'>): Promise<Database> {
  const applicationName = options.applicationName ?? 'newsroom-cms'
  const poolSize = options.poolSize ?? 10
  const stats = { queryDeadlineAborts: 0 }
  const primary = createPool(options.url, poolSize, applicationName, options.timeoutMs, stats)
  const pool = primary.pool
  // Pools connect on demand: a process that never serves a public read never opens these.
  const primaryHot = createPool(options.url, poolSize, `${applicationName}-hot`, options.timeoutMs, stats, HOT_SESSION_OPTIONS)
  setHotPool(pool, primaryHot.pool)
  const db = drizzlePg({ client: pool, schema }) as unknown as Db
  // The replica gets pools of the same size: public reads are most of the traffic.
  const replica = options.readUrl ? createPool(options.readUrl, poolSize, `${applicationName}-read`, options.timeoutMs, stats) : undefined
  const replicaHot = options.readUrl ? createPool(options.readUrl, poolSize, `${applicationName}-read-hot`, options.timeoutMs, stats, HOT_SESSION_OPTIONS) : undefined
  if (replica && replicaHot) setHotPool(replica.pool, replicaHot.pool)
  const readPool = replica?.pool
  if (options.warm) {
    // One connection per pool is opened now, in the background (a PostgreSQL backend takes tens of
    // ms to start): the server's start-up work and first requests find them open. A failure here
    // is not reported: the first query that needs the connection reports its own.
    for (const p of [primary, primaryHot, replica, replicaHot]) p?.pool.connect().then((client) => client.release(), () => {})
  }
  const readDb = readPool ? (drizzlePg({ client: readPool, schema }) as unknown as Db) : db
  let closed = false
  return {
    kind: 'postgres',
    db,
    readDb,
    readPool,
    pool,
    pglite: undefined,
    pools: [
      { name: 'primary', pool },
      { name: 'primary-hot', pool: primaryHot.pool },
      ...(replica ? [{ name: 'replica', pool: replica.pool }] : []),
      ...(replicaHot ? [{ name: 'replica-hot', pool: replicaHot.pool }] : []),
    ],
    stats,
    async ping() {
      await db.execute(sql`select 1`)
    },
    async close() {
      if (closed) return
      closed = true
      for (const p of [primary, primaryHot, replica, replicaHot]) p?.stop()
      await Promise.all([pool.end(), primaryHot.pool.end(), readPool?.end(), replicaHot?.pool.end()])
    },
  }
}

/**
 * The database the configuration names: PostgreSQL when DATABASE_URL is set, else PGlite in DATA_DIR.
 * `replica: true` (the server) also opens DATABASE_READ_URL's pool; tools that only write do not.
 */
export function openConfiguredDatabase(
  database: { kind: 'pglite'; dataDir: string; sharedBuffersMb?: number } | { kind: 'postgres'; url: string; poolSize: number; timeoutMs?: number; readUrl?: string },
  /**
   * CLIs (migrations, data generation) pass `timeoutMs: 0`: their long statements are expected.
   * `warm: true` (the server) opens a connection per pool at once instead of on first use.
   */
  options: { poolSize?: number; timeoutMs?: number; replica?: boolean; warm?: boolean } = {},
): Promise<Database> {
  return database.kind === 'postgres'
    ? createDatabase({
        kind: 'postgres',
        url: database.url,
        poolSize: options.poolSize ?? database.poolSize,
        timeoutMs: options.timeoutMs ?? database.timeoutMs,
        readUrl: options.replica === true ? database.readUrl : undefined,
        warm: options.warm,
      })
    : createDatabase({ kind: 'pglite', dataDir: database.dataDir, sharedBuffersMb: database.sharedBuffersMb })
}
