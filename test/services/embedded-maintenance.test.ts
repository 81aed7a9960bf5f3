import t, { type Test } from 'tap'
import { createMaintenanceRepository, type TableActivity } from '../../src/db/repositories/maintenance.js'
import { AUTOVACUUM_DEFAULTS, createEmbeddedMaintenance, maintenanceFor, VISIBILITY } from '../../src/services/embedded-maintenance.js'
import { createTestDatabase } from '../helpers/database.js'

/**
 * PGlite runs no autovacuum; the server does its work by autovacuum's rules (embedded only: a
 * PostgreSQL server's own autovacuum does it there, so the database part runs on PGlite).
 */
const quiet = { info() {}, warn() {} }

const table = (over: Partial<TableActivity> = {}): TableActivity => ({
  name: 't',
  tuples: 10_000,
  pages: 1000,
  allVisiblePages: 1000,
  deadTuples: 0,
  modifiedSinceAnalyze: 0,
  insertedSinceVacuum: 0,
  unfrozenShare: 1,
  analyzed: true,
  ...over,
})

t.test('maintenanceFor: autovacuum’s thresholds, and the catalog’s signs once per process', async (t) => {
  const fresh = { touchedByThisProcess: false }
  const touched = { touchedByThisProcess: true }
  const d = AUTOVACUUM_DEFAULTS
  t.equal(maintenanceFor(table(), fresh), null, 'a vacuumed, analyzed, quiet table: nothing')
  t.equal(maintenanceFor(table({ deadTuples: d.vacuumThreshold + d.vacuumScale * 10_000 }), touched), null, 'dead rows at the threshold: not yet')
  t.equal(maintenanceFor(table({ deadTuples: d.vacuumThreshold + d.vacuumScale * 10_000 + 1 }), touched), 'vacuum', 'past it: vacuum')
  t.equal(maintenanceFor(table({ insertedSinceVacuum: d.insertThreshold + d.insertScale * 10_000 + 1 }), touched), 'vacuum', 'inserts past theirs: vacuum')
  t.equal(maintenanceFor(table({ insertedSinceVacuum: d.insertThreshold + d.insertScale * 10_000 * 0.5 + 1, unfrozenShare: 0.5 }), touched), 'vacuum', 'half the pages frozen: half the scaled part (PostgreSQL 18)')
  t.equal(maintenanceFor(table({ insertedSinceVacuum: d.insertThreshold + d.insertScale * 10_000 * 0.5, unfrozenShare: 0.5 }), touched), null)
  const huge = 1e10
  t.equal(maintenanceFor(table({ tuples: huge, deadTuples: d.vacuumMaxThreshold + 1 }), touched), 'vacuum', 'dead rows past the cap on a huge table: vacuum')
  t.equal(maintenanceFor(table({ modifiedSinceAnalyze: d.analyzeThreshold + d.analyzeScale * 10_000 }), touched), null)
  t.equal(maintenanceFor(table({ modifiedSinceAnalyze: d.analyzeThreshold + d.analyzeScale * 10_000 + 1 }), touched), 'analyze', 'changes past theirs: analyze')
  t.equal(maintenanceFor(table({ modifiedSinceAnalyze: 100_000, deadTuples: 100_000 }), touched), 'vacuum', 'both due: vacuum (which analyzes too)')

  const unvisited = table({ allVisiblePages: Math.floor(VISIBILITY.minAllVisibleShare * 1000) - 1 })
  t.equal(maintenanceFor(unvisited, fresh), 'vacuum', 'most pages not all-visible (filled by an earlier process): vacuum')
  t.equal(maintenanceFor(unvisited, touched), null, 'but once per process: then the counters tell')
  t.equal(maintenanceFor(table({ pages: VISIBILITY.minPages - 1, allVisiblePages: 0 }), fresh), null, 'a table of a few pages is not worth it')
  t.equal(maintenanceFor(table({ analyzed: false }), fresh), 'analyze', 'no statistics at all: analyze')
  t.equal(maintenanceFor(table({ analyzed: false }), touched), null, 'once per process (an emptied table has pages but never statistics)')
  t.equal(maintenanceFor(table({ analyzed: false, pages: 0, allVisiblePages: 0, tuples: 0 }), fresh), null, 'an empty table: nothing')
})

/** A test database with an empty table of its own (maintenance_probe), dropped at the end. */
async function probeDatabase(t: Test) {
  const testDb = await createTestDatabase()
  const client = testDb.database.pglite!
  await client.exec(`create table maintenance_probe (id int primary key, pad text not null)`)
  t.teardown(async () => {
    await client.exec('drop table if exists maintenance_probe')
    await testDb.destroy()
  })
  return { client, repo: createMaintenanceRepository(testDb.database.db) }
}

async function setup(t: Test) {
  const { client, repo } = await probeDatabase(t)
  const pauses: number[] = []
  const maintenance = createEmbeddedMaintenance({
    maintenance: repo,
    pause: async () => {
      pauses.push(pauses.length)
    },
    log: quiet,
    pollMs: 3_600_000,
  })
  const probe = async () => {
    const rows = (await maintenance.round()).filter((done) => done.table === 'maintenance_probe')
    return rows.map((done) => done.action)
  }
  const catalog = async () =>
    (
      await client.query<{ pages: number; visible: number; stats: number }>(`
        select (pg_relation_size('maintenance_probe') / 8192)::int as pages, relallvisible as visible,
          (select count(*)::int from pg_statistic where starelid = 'maintenance_probe'::regclass) as stats
        from pg_class where oid = 'maintenance_probe'::regclass`)
    ).rows[0]!
  return { client, maintenance, probe, catalog, pauses }
}

const pglite = !process.env.TEST_DATABASE_URL

t.test('inserts, deletes and updates get vacuumed and analyzed as autovacuum would', { skip: !pglite && 'embedded only (PostgreSQL runs its own autovacuum)' }, async (t) => {
  const { client, maintenance, probe, catalog, pauses } = await setup(t)
  // Tables the shared test database has not touched since it was filled are done first.
  await maintenance.round()

  // One row first, analyzed: from then on only this process's counters decide (not the catalog).
  await client.exec(`insert into maintenance_probe values (0, 'x')`)
  t.same(await probe(), ['analyze'], 'a table with rows but no statistics: analyzed')
  await client.exec(`insert into maintenance_probe select g, repeat('x', 100) from generate_series(1, 5000) g`)
  const before = await catalog()
  t.equal(before.visible, 0, 'a freshly filled table: no page all-visible')
  pauses.length = 0
  t.same(await probe(), ['vacuum'], '5,000 inserts (past 1,000 + 0.2 × 1 row): vacuumed')
  t.equal(pauses.length, 2, 'after a pause before the check and before the statement')
  const after = await catalog()
  t.equal(after.visible, after.pages, 'every page all-visible (index-only scans skip the heap)')
  t.ok(after.stats > 0, 'column statistics for the planner')
  t.same(await probe(), [], 'nothing more to do')

  await client.exec('delete from maintenance_probe where id <= 2000')
  // 3,001 rows left: 2,001 dead is past 50 + 0.2 × 5,001.
  t.same(await probe(), ['vacuum'], '2,001 dead rows (past 50 + 0.2 × 5,001): vacuumed')
  t.same(await probe(), [])

  await client.exec(`update maintenance_probe set pad = repeat('y', 100) where id between 2001 and 2600`)
  t.same(await probe(), ['analyze'], '600 changes: past 50 + 0.1 × 3,000 to analyze, not 50 + 0.2 × 3,000 dead rows to vacuum')
  t.same(await probe(), [])
})

t.test('a table an earlier process filled is vacuumed and analyzed once, by what the catalog shows', { skip: !pglite && 'embedded only (PostgreSQL runs its own autovacuum)' }, async (t) => {
  const { client, maintenance, probe, catalog } = await setup(t)
  await maintenance.round()
  // 500 wide rows: below the insert threshold, so only the catalog tells (as after a restart).
  await client.exec(`insert into maintenance_probe select g, repeat('x', 200) from generate_series(1, 500) g`)
  t.ok((await catalog()).pages >= VISIBILITY.minPages, 'enough pages to be worth it')
  t.same(await probe(), ['vacuum'], 'pages not all-visible: vacuumed')
  t.ok((await catalog()).stats > 0)
  t.same(await probe(), [], 'once')

  await client.exec(`create table maintenance_small (id int)`)
  t.teardown(() => client.exec('drop table if exists maintenance_small'))
  await client.exec(`insert into maintenance_small values (1), (2), (3)`)
  const small = async () => (await maintenance.round()).filter((done) => done.table === 'maintenance_small').map((done) => done.action)
  t.same(await small(), ['analyze'], 'a small table with no statistics: analyzed')
  t.same(await small(), [], 'once')
})

t.test('a round waits for its pause before its check and before each table', { skip: !pglite && 'embedded only (PostgreSQL runs its own autovacuum)' }, async (t) => {
  const { client, repo } = await probeDatabase(t)
  await client.exec(`insert into maintenance_probe select g, repeat('x', 100) from generate_series(1, 5000) g`)

  const events: string[] = []
  const gates: (() => void)[] = []
  const maintenance = createEmbeddedMaintenance({
    maintenance: {
      tables: () => (events.push('check'), repo.tables()),
      vacuumAnalyze: (name) => (events.push(`vacuum ${name}`), repo.vacuumAnalyze(name)),
      analyze: (name) => (events.push(`analyze ${name}`), repo.analyze(name)),
    },
    pause: () => {
      events.push('pause')
      return new Promise<void>((resolve) => gates.push(resolve))
    },
    log: quiet,
    pollMs: 3_600_000,
  })
  const round = maintenance.round()
  let finished = false
  const held = async (n: number) => {
    while (gates.length < n && !finished) await new Promise((resolve) => setImmediate(resolve))
  }
  await held(1)
  t.same(events, ['pause'], 'held at its first pause: not even the check has run')
  gates[0]!()
  await held(2)
  t.same(events, ['pause', 'check', 'pause'], 'held again before its first statement')
  // Let the rest go, one pause at a time.
  let released = 1
  const done = round.finally(() => (finished = true))
  for (;;) {
    const settled = await Promise.race([done.then(() => true), held(released + 1).then(() => false)])
    if (settled) break
    gates[released++]!()
  }
  const actions = await done
  t.ok(actions.some((a) => a.table === 'maintenance_probe' && a.action === 'vacuum'), 'the probe was vacuumed')
  const statements = events.filter((e) => e !== 'pause' && e !== 'check')
  t.equal(statements.length, actions.length)
  events.forEach((event, i) => {
    if (event !== 'pause') t.equal(events[i - 1], 'pause', `${event}: right after a pause`)
  })
})

t.test('a table that fails is logged and skipped; the others are still done', { skip: !pglite && 'embedded only (PostgreSQL runs its own autovacuum)' }, async (t) => {
  const testDb = await createTestDatabase()
  const client = testDb.database.pglite!
  t.teardown(async () => {
    await client.exec('drop table if exists maintenance_gone; drop table if exists maintenance_probe')
    await testDb.destroy()
  })
  const repo = createMaintenanceRepository(testDb.database.db)
  await createEmbeddedMaintenance({ maintenance: repo, pause: async () => {}, log: quiet, pollMs: 3_600_000 }).round()
  // Both due; the first (by name) is dropped between the check and its statement: a real failure.
  await client.exec(`create table maintenance_gone (id int); insert into maintenance_gone select generate_series(1, 2000)`)
  await client.exec(`create table maintenance_probe (id int primary key, pad text not null); insert into maintenance_probe select g, 'x' from generate_series(1, 2000) g`)
  const warnings: string[] = []
  const infos: string[] = []
  const maintenance = createEmbeddedMaintenance({
    maintenance: {
      ...repo,
      tables: async () => {
        const tables = await repo.tables()
        await client.exec('drop table maintenance_gone')
        return tables
      },
    },
    pause: async () => {},
    log: { info: (_obj: object, msg: string) => void infos.push(msg), warn: (_obj: object, msg: string) => void warnings.push(msg) },
    pollMs: 3_600_000,
  })
  const done = await maintenance.round()
  t.notOk(done.some((d) => d.table === 'maintenance_gone'))
  t.ok(done.some((d) => d.table === 'maintenance_probe' && d.action === 'vacuum'), 'the table after it was still vacuumed')
  t.match(warnings, [/could not vacuum maintenance_gone; trying the other tables/])
  t.equal(infos.length, 1, 'one line for the round')
  t.match(infos[0], /^embedded database: vacuumed and analyzed (.+, )?maintenance_probe \(\d+ ms\)/)
})
