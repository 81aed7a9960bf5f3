import { createHash, randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import pg from 'pg'
import { createDatabase, type Database } from '../../src/db/client.js'
import { pgCode } from '../../src/db/errors.js'
import { MIGRATIONS_FOLDER, runMigrations } from '../../src/db/migrate.js'
import { seedDemoContent } from '../../src/seed/seed.js'
import { createStorage } from '../../src/services/storage.js'
import { SHARED_MEDIA_DIR, testConfig } from './config.js'

/**
 * A fresh, migrated (and, when asked, seeded with the demo publication) database for each app a
 * test builds: embedded PGlite by default, or a new PostgreSQL database when TEST_DATABASE_URL is
 * set (CI). Migrating and seeding take seconds, so each runs once per version of the code:
 * PostgreSQL copies a template database; PGlite keeps its instances per process (starting one costs
 * seconds) and resets a returned one to the state asked for from baseline copies of every table
 * kept inside it (tens of milliseconds).
 */
export interface TestDatabase {
  database: Database
  /** The connection URL (postgres only), for tests that start a second API process. */
  url: string | undefined
  destroy(): Promise<void>
}

const CACHE_DIR = path.resolve(import.meta.dirname, '../../.cache/test-db')

function listFiles(dir: string): string[] {
  if (!statSync(dir).isDirectory()) return [dir]
  return readdirSync(dir)
    .flatMap((name) => {
      const full = path.join(dir, name)
      return statSync(full).isDirectory() ? listFiles(full) : [full]
    })
    .sort()
}

function hashOf(...folders: string[]): string {
  const hash = createHash('sha256')
  for (const folder of folders) {
    for (const file of listFiles(folder)) {
      hash.update(path.relative(folder, file))
      hash.update(readFileSync(file))
    }
  }
  return hash.digest('hex').slice(0, 16)
}

export function migrationsHash(): string {
  return hashOf(MIGRATIONS_FOLDER)
}

/** The seeded state depends on the migrations and on the code that makes it (seed, schema, markdown, images). */
const SEED_SOURCES = [
  ...['seed', 'db/schema', 'lib', 'services/media', 'services/storage.ts', 'config.ts'].map((part) => path.resolve(import.meta.dirname, '../../src', part)),
  path.resolve(import.meta.dirname, 'config.ts'), // the media settings seeding uses
  path.resolve(import.meta.dirname, '../../package-lock.json'), // sharp's and the markdown renderer's versions
]
let seedHashMemo: string | undefined
export function seedHash(): string {
  seedHashMemo ??= hashOf(MIGRATIONS_FOLDER, ...SEED_SOURCES)
  return seedHashMemo
}

/** Seeding writes the demo images into the shared media folder; a cached seeded database needs them. */
const seedMediaMarker = () => path.join(SHARED_MEDIA_DIR, `.seeded-${seedHash()}`)

async function seedInto(database: Database): Promise<void> {
  const config = testConfig()
  await seedDemoContent(database.db, { media: { storage: createStorage(config), renditions: config.media } })
  mkdirSync(SHARED_MEDIA_DIR, { recursive: true })
  writeFileSync(seedMediaMarker(), '')
}

/** The seeded media files, for a check that they are all still there (a test may have deleted one). */
let seedMediaFiles: string[] | undefined

async function seedMediaPresent(database: Database): Promise<boolean> {
  seedMediaFiles ??= (
    await database.pglite!.query<{ key: string }>(`select original_key as key from test_baseline_seed.media union select r->>'key' from test_baseline_seed.media, jsonb_array_elements(renditions) r`)
  ).rows.map((row) => path.join(SHARED_MEDIA_DIR, row.key))
  return seedMediaFiles.every((file) => existsSync(file))
}

/** The media files of a cached seeded database are back where they belong (the folder may have been cleared). */
async function ensureSeedMedia(force = false): Promise<void> {
  if (!force && existsSync(seedMediaMarker())) return
  const scratch = await createDatabase({ kind: 'pglite', snapshot: await pgliteSnapshot() })
  try {
    await seedInto(scratch)
  } finally {
    await scratch.close()
  }
}

function writeAtomically(file: string, data: Buffer): void {
  mkdirSync(path.dirname(file), { recursive: true })
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`
  writeFileSync(temp, data)
  renameSync(temp, file) // parallel test files may race to write the same file
}

/**
 * A migrated PGlite data directory, built once per migration set. Kept as a plain tar (~45 MB with
 * the pool's baselines): PGlite opens it ~0.3 s sooner than gzip's, in every test process.
 */
export async function pgliteSnapshot(): Promise<Blob> {
  const file = path.join(CACHE_DIR, `pglite-${migrationsHash()}.tar`)
  if (existsSync(file)) return new Blob([readFileSync(file)])
  const database = await createDatabase({ kind: 'pglite' })
  await runMigrations(database)
  const dump = await database.pglite!.dumpDataDir('none')
  await database.close()
  writeAtomically(file, Buffer.from(await dump.arrayBuffer()))
  return dump
}

type Baseline = 'empty' | 'seed'
const BASELINE_SCHEMA: Record<Baseline, string> = { empty: 'test_baseline_empty', seed: 'test_baseline_seed' }

/** Copies every table (and where each sequence stands) into a schema of its own. */
async function captureBaseline(database: Database, baseline: Baseline): Promise<void> {
  const client = database.pglite!
  const schema = BASELINE_SCHEMA[baseline]
  const { rows } = await client.query<{ name: string }>(`select tablename as name from pg_tables where schemaname = 'public' order by 1`)
  await client.exec(
    [
      `create schema ${schema}`,
      ...rows.map(({ name }) => `create table ${schema}."${name}" as table public."${name}"`),
      `create table ${schema}.sequences as select sequencename as name, start_value, last_value from pg_sequences where schemaname = 'public'`,
    ].join(';\n'),
  )
}

/**
 * The statement that returns a PGlite database to a baseline: every table emptied and refilled
 * from its copy (triggers and foreign keys off meanwhile: the rows were consistent when copied;
 * generated columns are computed again), every sequence where it stood.
 */
async function resetStatement(database: Database, baseline: Baseline): Promise<string> {
  const client = database.pglite!
  const schema = BASELINE_SCHEMA[baseline]
  const tables = await client.query<{ name: string; columns: string }>(`
    select t.tablename as name, string_agg(format('%I', c.column_name), ', ' order by c.ordinal_position) as columns
      from pg_tables t
      join information_schema.columns c on c.table_schema = 'public' and c.table_name = t.tablename and c.is_generated = 'NEVER'
     where t.schemaname = 'public'
     group by t.tablename order by 1`)
  const counts = await client.query<{ name: string; n: number }>(
    tables.rows.map(({ name }) => `select '${name}' as name, (select count(*) from ${schema}."${name}")::int as n`).join(' union all '),
  )
  const filled = new Set(counts.rows.filter((r) => r.n > 0).map((r) => r.name))
  const sequences = await client.query<{ name: string; start_value: string; last_value: string | null }>(`select name, start_value::text, last_value::text from ${schema}.sequences`)
  return [
    'reset all',
    'reset role',
    'unlisten *',
    'discard temp',
    'discard sequences',
    'select pg_advisory_unlock_all()',
    'set session_replication_role = replica',
    `truncate table ${tables.rows.map(({ name }) => `public."${name}"`).join(', ')} restart identity cascade`,
    ...tables.rows.filter(({ name }) => filled.has(name)).map(({ name, columns }) => `insert into public."${name}" (${columns}) overriding system value select ${columns} from ${schema}."${name}"`),
    ...sequences.rows.map(({ name, start_value, last_value }) =>
      last_value === null ? `select setval('public."${name}"', ${start_value}, false)` : `select setval('public."${name}"', ${last_value}, true)`,
    ),
    'set session_replication_role = origin',
  ].join(';\n')
}

/** What a test may not change for its instance to be reused: tables, columns, constraints, indexes, triggers, functions. */
const SCHEMA_FINGERPRINT = `
  select md5(coalesce(string_agg(x, '|' order by x), '')) as fingerprint from (
    select c.relname || ':' || c.relkind::text as x from pg_class c where c.relnamespace = 'public'::regnamespace
    union all
    select a.attrelid::regclass::text || '.' || a.attname || ':' || format_type(a.atttypid, a.atttypmod) || ':' || a.attnotnull::text
      from pg_attribute a join pg_class c on c.oid = a.attrelid
     where c.relnamespace = 'public'::regnamespace and a.attnum > 0 and not a.attisdropped
    union all
    select conrelid::regclass::text || ':' || conname || ':' || pg_get_constraintdef(oid) from pg_constraint where connamespace = 'public'::regnamespace
    union all
    select tgrelid::regclass::text || ':' || tgname || ':' || tgenabled::text from pg_trigger
    union all
    select p.proname || ':' || md5(p.prosrc) from pg_proc p where p.pronamespace = 'public'::regnamespace
  ) parts`

/** The migrated database with both baselines inside it, built once per version of the code. */
async function pglitePoolSnapshot(): Promise<Blob> {
  const file = path.join(CACHE_DIR, `pglite-pool-${seedHash()}.tar`)
  if (existsSync(file)) {
    await ensureSeedMedia()
    return new Blob([readFileSync(file)])
  }
  const database = await createDatabase({ kind: 'pglite', snapshot: await pgliteSnapshot() })
  try {
    await captureBaseline(database, 'empty')
    await seedInto(database)
    await captureBaseline(database, 'seed')
    const dump = await database.pglite!.dumpDataDir('none')
    writeAtomically(file, Buffer.from(await dump.arrayBuffer()))
    // Snapshots of earlier versions of the code are of no further use.
    for (const name of readdirSync(CACHE_DIR)) {
      const keep = [file, path.join(CACHE_DIR, `pglite-${migrationsHash()}.tar`)]
      if (/^pglite-(pool-)?[0-9a-f]+\.tar(\.gz)?$/.test(name) && !keep.includes(path.join(CACHE_DIR, name))) rmSync(path.join(CACHE_DIR, name), { force: true })
    }
    return dump
  } finally {
    await database.close()
  }
}

interface PooledPglite {
  database: Database
  fingerprint: string
  resets: Partial<Record<Baseline, string>>
}

const idlePglite: PooledPglite[] = []
let poolSnapshot: Promise<Blob> | undefined
let closingRegistered = false

/** Idle instances keep the process alive: under tap, they close when the file's tests are done. */
async function closeIdleAtEnd(): Promise<void> {
  if (closingRegistered || !process.env.TAP) return
  closingRegistered = true
  const { default: tap } = await import('tap')
  tap.teardown(closeIdleTestDatabases)
}

let poolClosed = false

/** Closes the idle PGlite instances, and any released later (outside tap, call it when done). */
export async function closeIdleTestDatabases(): Promise<void> {
  poolClosed = true
  await Promise.all(idlePglite.splice(0).map((entry) => entry.database.close()))
}

async function acquirePglite(baseline: Baseline): Promise<TestDatabase> {
  await closeIdleAtEnd()
  let entry = idlePglite.pop()
  if (!entry) {
    poolSnapshot ??= pglitePoolSnapshot()
    const database = await createDatabase({ kind: 'pglite', snapshot: await poolSnapshot })
    const { rows } = await database.pglite!.query<{ fingerprint: string }>(SCHEMA_FINGERPRINT)
    entry = { database, fingerprint: rows[0]!.fingerprint, resets: {} }
  }
  let pooled = entry
  try {
    pooled.resets[baseline] ??= await resetStatement(pooled.database, baseline)
    await pooled.database.pglite!.exec(pooled.resets[baseline])
  } catch (error) {
    // The previous test left the instance in a state the reset cannot undo: start afresh.
    await pooled.database.close().catch(() => {})
    const database = await createDatabase({ kind: 'pglite', snapshot: await poolSnapshot! })
    const { rows } = await database.pglite!.query<{ fingerprint: string }>(SCHEMA_FINGERPRINT)
    pooled = { database, fingerprint: rows[0]!.fingerprint, resets: {} }
    pooled.resets[baseline] = await resetStatement(database, baseline)
    await database.pglite!.exec(pooled.resets[baseline]).catch((again: unknown) => {
      throw new AggregateError([error, again], 'could not reset a test database')
    })
  }
  if (baseline === 'seed' && !(await seedMediaPresent(pooled.database))) await ensureSeedMedia(true)
  const current = pooled
  let released = false
  return {
    database: current.database,
    url: undefined,
    async destroy() {
      if (released) return
      released = true
      const pooled = current
      const client = pooled.database.pglite!
      // A test that changed the schema (renamed a table to see errors, say) leaves its instance behind.
      const reusable = !client.closed && (await client.query<{ fingerprint: string }>(SCHEMA_FINGERPRINT).then((r) => r.rows[0]?.fingerprint === pooled.fingerprint, () => false))
      // Released after the file's end (a root-level teardown registered before ours ran): close it.
      if (reusable && !poolClosed) idlePglite.push(pooled)
      else await pooled.database.close()
    },
  }
}

const TEMPLATE_LOCK_KEY = 7_364_201_556

async function postgresTemplate(adminUrl: string, baseline: Baseline): Promise<string> {
  const template = baseline === 'seed' ? `newsroom_tpl_${seedHash()}_seed` : `newsroom_tpl_${migrationsHash()}`
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
        if (baseline === 'seed') await seedInto(database)
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
    if (baseline === 'seed') await ensureSeedMedia()
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

export interface TestDatabaseOptions {
  /** With the demo publication in it (as `npm run seed` makes it). */
  seed?: boolean
}

export async function createTestDatabase(options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const baseline: Baseline = options.seed ? 'seed' : 'empty'
  const adminUrl = process.env.TEST_DATABASE_URL
  if (!adminUrl) return acquirePglite(baseline)
  const template = await postgresTemplate(adminUrl, baseline)
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
