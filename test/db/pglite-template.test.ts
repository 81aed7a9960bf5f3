import t from 'tap'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { createDatabase } from '../../src/db/client.js'
import { appliedMigrationCount, MIGRATIONS_FOLDER } from '../../src/db/migrate.js'
import { prepareEmbeddedCluster } from '../../src/db/pglite-template.js'

/**
 * A new DATA_DIR starts from a copy of a fresh, migrated cluster (made once per machine) instead of
 * PGlite's initdb and the migrations: what the copy holds is a migrated, empty database of its own.
 */
t.test('a new DATA_DIR gets a migrated, empty cluster of its own; an existing one is left alone', async (t) => {
  const root = mkdtempSync(path.join(tmpdir(), 'pglite-template-'))
  t.teardown(() => rmSync(root, { recursive: true, force: true }))
  const journal = JSON.parse(readFileSync(path.join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] }

  const dirs = [path.join(root, 'a'), path.join(root, 'b')]
  for (const dir of dirs) await prepareEmbeddedCluster(dir)
  const a = await createDatabase({ kind: 'pglite', dataDir: dirs[0] })
  try {
    t.equal(await appliedMigrationCount(a), journal.entries.length, 'every migration is applied')
    await a.db.execute("insert into tags (name, slug) values ('Only in a', 'only-in-a')")
  } finally {
    await a.close()
  }
  const b = await createDatabase({ kind: 'pglite', dataDir: dirs[1] })
  try {
    const rows = await b.db.execute('select count(*)::int as n from tags')
    t.equal((rows as unknown as { rows: { n: number }[] }).rows[0]!.n, 0, 'each copy is its own database')
  } finally {
    await b.close()
  }

  const existing = path.join(root, 'existing')
  mkdirSync(path.join(existing, 'pglite'), { recursive: true })
  writeFileSync(path.join(existing, 'pglite', 'marker'), '')
  await prepareEmbeddedCluster(existing)
  t.notOk(existsSync(path.join(existing, 'pglite', 'PG_VERSION')), 'a DATA_DIR with a cluster directory is not touched')
})
