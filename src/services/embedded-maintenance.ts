import type { MaintenanceRepository, TableActivity } from '../db/repositories/maintenance.js'
import { createPoller } from './poller.js'

/**
 * PostgreSQL 18's autovacuum defaults (PGlite 0.5 is PostgreSQL 18): a table is vacuumed once its
 * dead rows pass `vacuumThreshold + vacuumScale × rows` (at most `vacuumMaxThreshold`) or its
 * inserts since the last vacuum pass `insertThreshold + insertScale × rows × the unfrozen share of
 * its pages`, and analyzed once its changes pass `analyzeThreshold + analyzeScale × rows`.
 */
export const AUTOVACUUM_DEFAULTS = {
  vacuumThreshold: 50,
  vacuumScale: 0.2,
  vacuumMaxThreshold: 100_000_000,
  insertThreshold: 1000,
  insertScale: 0.2,
  analyzeThreshold: 50,
  analyzeScale: 0.1,
} as const

/**
 * The counters start at zero with each process, so what an earlier one left (an import, a
 * generated archive) shows in the catalog instead: a table of at least this many pages with less
 * than this share of them all-visible is vacuumed, once per process. Without it, every index-only
 * scan of a freshly filled table visits the heap. (Rows an earlier process updated or deleted
 * leave pages all-visible: they wait for this process's own changes to pass the thresholds.)
 */
export const VISIBILITY = { minPages: 8, minAllVisibleShare: 0.5 } as const

export type MaintenanceAction = 'vacuum' | 'analyze'

/**
 * What autovacuum would do to this table now (vacuum includes analyze), or nothing. The catalog's
 * signs (pages not all-visible, no statistics) count only for a table this process has not
 * vacuumed or analyzed yet: after that the counters tell (a table emptied by deletes has pages
 * but no statistics however often it is analyzed).
 */
export function maintenanceFor(table: TableActivity, options: { touchedByThisProcess: boolean }): MaintenanceAction | null {
  const d = AUTOVACUUM_DEFAULTS
  if (table.deadTuples > Math.min(d.vacuumThreshold + d.vacuumScale * table.tuples, d.vacuumMaxThreshold)) return 'vacuum'
  if (table.insertedSinceVacuum > d.insertThreshold + d.insertScale * table.tuples * table.unfrozenShare) return 'vacuum'
  const earlier = !options.touchedByThisProcess
  if (earlier && table.pages >= VISIBILITY.minPages && table.allVisiblePages < VISIBILITY.minAllVisibleShare * table.pages) return 'vacuum'
  if (table.modifiedSinceAnalyze > d.analyzeThreshold + d.analyzeScale * table.tuples) return 'analyze'
  // Filled by another process and never analyzed: the planner would guess every row count.
  if (earlier && !table.analyzed && table.pages > 0) return 'analyze'
  return null
}

/**
 * Autovacuum for the embedded database (PGlite runs no autovacuum worker): every `pollMs`, and
 * once at start, each table autovacuum would vacuum or analyze is, one table at a time, each after
 * `pause()` (the requests in flight first; see Foreground). A statement holds PGlite's one thread
 * while it runs (a large table's vacuum is noticeable, once). A table that fails is logged and
 * skipped: the others are still done, and it is tried again next round.
 */
export function createEmbeddedMaintenance(deps: {
  maintenance: MaintenanceRepository
  pause: () => Promise<void>
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void }
  pollMs: number
  now?: () => number
}) {
  const { maintenance, pause, log } = deps
  const now = deps.now ?? (() => performance.now())
  const touched = new Set<string>()

  /** One pass over every table; resolves with what it did, in order. */
  async function round(): Promise<{ table: string; action: MaintenanceAction }[]> {
    await pause()
    const done: { table: string; action: MaintenanceAction; ms: number }[] = []
    for (const table of await maintenance.tables()) {
      const action = maintenanceFor(table, { touchedByThisProcess: touched.has(table.name) })
      if (!action) continue
      await pause()
      const started = now()
      try {
        if (action === 'vacuum') await maintenance.vacuumAnalyze(table.name)
        else await maintenance.analyze(table.name)
      } catch (error) {
        log.warn({ err: error, table: table.name, action }, `embedded database: could not ${action} ${table.name}; trying the other tables`)
        continue
      }
      touched.add(table.name)
      done.push({ table: table.name, action, ms: Math.round(now() - started) })
    }
    // One line a round that did anything: the tables by action, and each one's milliseconds.
    if (done.length > 0) {
      const of = (action: MaintenanceAction) => done.filter((d) => d.action === action).map((d) => `${d.table} (${d.ms} ms)`)
      const [vacuumed, analyzed] = [of('vacuum'), of('analyze')]
      log.info(
        { vacuumed: vacuumed.length, analyzed: analyzed.length, ms: done.reduce((n, d) => n + d.ms, 0) },
        `embedded database: ${[vacuumed.length > 0 && `vacuumed and analyzed ${vacuumed.join(', ')}`, analyzed.length > 0 && `analyzed ${analyzed.join(', ')}`].filter(Boolean).join('; ')}`,
      )
    }
    return done.map(({ table, action }) => ({ table, action }))
  }

  const poller = createPoller({
    round: async () => {
      await round()
      return false
    },
    pollMs: deps.pollMs,
    log,
    name: 'embedded database maintenance',
  })
  return { start: () => poller.start(), stop: () => poller.stop(), round }
}

export type EmbeddedMaintenance = ReturnType<typeof createEmbeddedMaintenance>
