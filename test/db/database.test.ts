import t from 'tap'
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { count, isNotNull, sql } from 'drizzle-orm'
import type { PgTable } from 'drizzle-orm/pg-core'
import { acquireDirectoryLock } from '../../src/db/lock.js'
import { appliedMigrationCount, migrationsUpToDate, runMigrations } from '../../src/db/migrate.js'
import { articles, articleTags, authors, media as mediaTable, pages, sections, siteSettings, tags } from '../../src/db/schema/index.js'
import { seedDemoContent, seedOnFirstStart } from '../../src/seed/seed.js'
import { createStorage } from '../../src/services/storage.js'
import { MIGRATIONS_FOLDER } from '../../src/db/migrate.js'
import { createTestDatabase } from '../helpers/database.js'
import { testConfig } from '../helpers/build.js'
import { TS_NODE_ARGS } from '../helpers/ts-runner.js'

const ROOT = path.resolve(import.meta.dirname, '../..')

t.test('migrations apply to an empty database and create the content model', async (t) => {
  const testDb = await createTestDatabase()
  t.teardown(() => testDb.destroy())
  const journal = JSON.parse(readFileSync(path.join(MIGRATIONS_FOLDER, 'meta/_journal.json'), 'utf8')) as { entries: unknown[] }
  t.equal(await appliedMigrationCount(testDb.database), journal.entries.length)
  const result = await testDb.database.db.execute(
    sql`select table_name from information_schema.tables where table_schema = 'public' order by table_name`,
  )
  const tables = (result as unknown as { rows: { table_name: string }[] }).rows.map((r) => r.table_name)
  for (const table of ['articles', 'article_tags', 'article_related_pins', 'article_slug_redirects', 'sections', 'authors', 'tags', 'pages', 'site_settings']) {
    t.ok(tables.includes(table), `${table} exists`)
  }
  const ext = await testDb.database.db.execute(sql`select extname from pg_extension order by extname`)
  const names = (ext as unknown as { rows: { extname: string }[] }).rows.map((r) => r.extname)
  t.ok(names.includes('citext') && names.includes('pg_trgm'))
})

t.test('a start finds a migrated database up to date in one query, and nothing less', async (t) => {
  const testDb = await createTestDatabase()
  t.teardown(() => testDb.destroy())
  const { db } = testDb.database
  const journal = JSON.parse(readFileSync(path.join(MIGRATIONS_FOLDER, 'meta/_journal.json'), 'utf8')) as { entries: { when: number }[] }
  const newest = Math.max(...journal.entries.map((entry) => entry.when))
  t.equal(await migrationsUpToDate(testDb.database), true, 'every migration applied')
  await runMigrations(testDb.database)
  t.equal(await appliedMigrationCount(testDb.database), journal.entries.length, 'running them again applies nothing')

  // Each case changes the bookkeeping and puts it back (a pooled test database is reused).
  const changed = async (label: string, change: string | string[], undo: string | string[]) => {
    for (const statement of [change].flat()) await db.execute(sql.raw(statement))
    try {
      t.equal(await migrationsUpToDate(testDb.database), false, label)
    } finally {
      for (const statement of [undo].flat()) await db.execute(sql.raw(statement))
    }
  }
  // drizzle applies every migration newer than the newest created_at it recorded.
  await changed(
    'the newest migration not recorded: not up to date',
    `update drizzle.__drizzle_migrations set created_at = ${newest - 1} where created_at = ${newest}`,
    `update drizzle.__drizzle_migrations set created_at = ${newest} where created_at = ${newest - 1}`,
  )
  await changed(
    'a row without a time (drizzle reads it first, and would apply everything): not up to date',
    `insert into drizzle.__drizzle_migrations (hash, created_at) values ('no-time', null)`,
    `delete from drizzle.__drizzle_migrations where hash = 'no-time'`,
  )
  await changed('no migrations table: never migrated', 'alter table drizzle.__drizzle_migrations rename to moved_away', 'alter table drizzle.moved_away rename to __drizzle_migrations')
  await changed('no drizzle schema: never migrated', 'alter schema drizzle rename to drizzle_moved', 'alter schema drizzle_moved rename to drizzle')
  await changed(
    'an empty migrations table: never migrated',
    ['alter table drizzle.__drizzle_migrations rename to kept', 'create table drizzle.__drizzle_migrations (like drizzle.kept including all)'],
    ['drop table drizzle.__drizzle_migrations', 'alter table drizzle.kept rename to __drizzle_migrations'],
  )
  t.equal(await migrationsUpToDate(testDb.database), true, 'and as it was after all that')
  t.equal(await appliedMigrationCount(testDb.database), journal.entries.length)
})

t.test('the seed is idempotent and seeds once on first start', async (t) => {
  const testDb = await createTestDatabase()
  t.teardown(() => testDb.destroy())
  const config = testConfig()
  const media = { storage: createStorage(config), renditions: config.media }
  const db = testDb.database.db
  const totals = async () => {
    const c = async (table: PgTable) => (await db.select({ n: count() }).from(table))[0]!.n
    return [await c(sections), await c(authors), await c(tags), await c(pages), await c(articles), await c(articleTags), await c(siteSettings), await c(mediaTable)]
  }
  const log = { info() {} }
  t.equal(await seedOnFirstStart({ database: testDb.database, config, storage: media.storage, log }), true)
  const first = await totals()
  t.same(first.slice(0, 5), [7, 2, 20, 5, 18])
  t.equal(first[7], 18, 'one media item per demo article')
  const [featured] = await db.select({ n: count() }).from(articles).where(isNotNull(articles.featuredMediaId))
  t.equal(featured!.n, 18, 'every demo article features its media item')
  t.equal(await seedOnFirstStart({ database: testDb.database, config, storage: media.storage, log }), false, 'not again')
  t.same(await seedDemoContent(db, { media }), { sections: 0, tags: 0, pages: 0, articles: 0 }, 'an explicit re-run adds nothing')
  t.same(await totals(), first)
})

t.test('one process per data directory: a second server refuses with a clear message', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'newsroom-lock-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const lock = acquireDirectoryLock(dir)
  t.throws(() => acquireDirectoryLock(dir), /in use by another process/)

  const child = spawn(process.execPath, [...TS_NODE_ARGS, 'src/server.ts'], {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: dir, PORT: '0', LOG_LEVEL: 'silent', DATABASE_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr.on('data', (chunk) => (stderr += chunk))
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
  t.equal(code, 1)
  t.match(stderr, `The data directory ${dir} is in use by another process (pid ${process.pid})`)

  lock.release()
  const again = acquireDirectoryLock(dir)
  again.release()
})

t.test('a lock left by a dead process is taken over', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'newsroom-lock-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const { writeFileSync } = await import('node:fs')
  writeFileSync(path.join(dir, 'server.lock'), '999999')
  const lock = acquireDirectoryLock(dir)
  t.equal(readFileSync(path.join(dir, 'server.lock'), 'utf8'), String(process.pid))
  lock.release()
})

t.test("the embedded database's shared_buffers: 16 MB unless PGLITE_SHARED_BUFFERS_MB says otherwise", async (t) => {
  const { PGLITE_SHARED_BUFFERS_MB_DEFAULT } = await import('../../src/db/pglite-settings.js')
  const { createDatabase, openConfiguredDatabase } = await import('../../src/db/client.js')
  const { ConfigError, loadConfig } = await import('../../src/config.js')
  const sharedBuffers = async (database: Awaited<ReturnType<typeof createDatabase>>) =>
    ((await database.db.execute(sql`select current_setting('shared_buffers') as value`)) as unknown as { rows: { value: string }[] }).rows[0]!.value

  t.equal(PGLITE_SHARED_BUFFERS_MB_DEFAULT, 16)
  const plain = await createDatabase({ kind: 'pglite' })
  t.teardown(() => plain.close())
  t.equal(await sharedBuffers(plain), '16MB', "a PGlite opened without the setting (tests, CLIs): 16 MB, not PGlite's 128 MB")

  const dir = mkdtempSync(path.join(tmpdir(), 'newsroom-buffers-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const config = loadConfig({ DATA_DIR: dir, PGLITE_SHARED_BUFFERS_MB: '24' })
  t.same(config.database, { kind: 'pglite', dataDir: dir, sharedBuffersMb: 24 })
  const configured = await openConfiguredDatabase(config.database)
  t.teardown(() => configured.close())
  t.equal(await sharedBuffers(configured), '24MB', 'the server opens it with the configured size')
  t.same(loadConfig({ DATA_DIR: dir }).database, { kind: 'pglite', dataDir: dir, sharedBuffersMb: 16 }, 'unset: the default')

  for (const bad of ['1', '1025', '16MB', '-4', '8.5']) {
    t.throws(() => loadConfig({ PGLITE_SHARED_BUFFERS_MB: bad }), { constructor: ConfigError, message: /PGLITE_SHARED_BUFFERS_MB/ }, `PGLITE_SHARED_BUFFERS_MB=${JSON.stringify(bad)} is refused, by name`)
  }
})
