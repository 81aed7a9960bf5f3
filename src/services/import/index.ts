import { createReadStream } from 'node:fs'
import { rm } from 'node:fs/promises'
import type { ImportJobRow } from '../../db/repositories/imports.js'
import type { UnitOfWork } from '../../db/repositories/index.js'
import type { ImportCounts, ImportWarning } from '../../db/schema/index.js'
import { AppError } from '../../errors.js'
import type { Clock } from '../../lib/clock.js'
import { XmlFileError } from '../../lib/xml-records.js'
import type { Actor } from '../actor.js'
import type { ContentEvents } from '../events.js'
import type { MediaLibrary } from '../media/library.js'
import { DeliveryFailure, PermanentFailure, type OutboxHandler } from '../outbox.js'
import { createImageFetcher } from './fetch-image.js'
import { DEFAULT_MAPPING, type ImportMapping, type ImportSource } from './model.js'
import { importGhost } from './ghost/import.js'
import { importWordpress, type OpenFile } from './wordpress/import.js'
import { createImportWriter } from './writer.js'

export interface ImportReport {
  counts: ImportCounts
  warnings: ImportWarning[]
}

export interface RunOptions {
  source: ImportSource
  open: OpenFile
  actor: Actor
  dryRun?: boolean
  mapping?: Partial<ImportMapping>
  uploadsDir?: string | undefined
  /** After every item: items done so far. */
  onProgress?: (done: number, report: ImportReport) => void | Promise<void>
}

/** Kept on a job row; the rest are counted (a 50,000-post archive may warn about every post). */
const MAX_JOB_WARNINGS = 1000
const HEARTBEAT_MS = 60_000
export const IMPORT_TOPIC = 'import.run'

export function presentJob(row: ImportJobRow) {
  return {
    id: row.id,
    source: row.source as ImportSource,
    status: row.status as 'queued' | 'running' | 'completed' | 'failed',
    filename: row.filename,
    bytes: row.bytes,
    dry_run: row.dryRun,
    mapping: (({ extraCategories, primaryTag }: ImportMapping) => ({ extra_categories: extraCategories, primary_tag: primaryTag }))({ ...DEFAULT_MAPPING, ...row.mapping }),
    counts: row.counts,
    warnings: row.warnings,
    warnings_dropped: row.warningsDropped,
    error: row.error,
    created_at: row.createdAt.toISOString(),
    started_at: row.startedAt?.toISOString() ?? null,
    finished_at: row.finishedAt?.toISOString() ?? null,
  }
}

export function createImportService(deps: {
  uow: UnitOfWork
  media: MediaLibrary
  clock: Clock
  events: ContentEvents
  settings: { allowPrivateFetch: boolean; maxImageBytes: number }
  kickOutbox: () => void
  /**
   * Awaited by an import job between items (each item is its own transaction): on the embedded
   * database, until no request is in flight (see Foreground), so a site stays readable while
   * its archive moves in.
   */
  pause?: (() => Promise<void>) | undefined
}) {
  const { uow, clock, events } = deps

  /** One import, start to end. A file that cannot be read as its format throws XmlFileError; item problems are in the report. */
  async function run(options: RunOptions): Promise<ImportReport> {
    if (options.source === 'newsroom') throw new AppError('UNPROCESSABLE', 'An export of this CMS is restored with npm run import -- newsroom FILE')
    let done = 0
    const writer = createImportWriter({
      uow,
      media: deps.media,
      clock,
      actor: options.actor,
      source: options.source,
      dryRun: options.dryRun ?? false,
      fetchImage: createImageFetcher({ allowPrivate: deps.settings.allowPrivateFetch, maxBytes: deps.settings.maxImageBytes, uploadsDir: options.uploadsDir }),
      onItem: async () => {
        done++
        await options.onProgress?.(done, writer.report())
      },
    })
    try {
      await (options.source === 'ghost' ? importGhost : importWordpress)(options.open, writer, { ...DEFAULT_MAPPING, ...options.mapping })
    } finally {
      // Whatever was written (an import that stopped half-way included) is public content now.
      if (writer.written() > 0) events.emit({ kind: 'article', action: 'imported' })
    }
    return writer.report()
  }

  /** The import job behind POST /v1/admin/imports, run by the outbox worker. */
  const runJob: OutboxHandler = async (outboxJob) => {
    const id = String(outboxJob.payload.jobId)
    const job = await uow.repos.imports.findJob(id)
    if (!job) throw new PermanentFailure(`import job ${id} does not exist`)
    if (job.status === 'completed' || job.status === 'failed') return
    const claimed = await uow.repos.imports.claimJob(id, clock.now(), new Date(clock.now().getTime() + HEARTBEAT_MS * 3))
    // Another worker runs it and keeps its heartbeat: look again later (resumed if that worker dies).
    if (!claimed) throw new DeliveryFailure(`import job ${id} is running in another worker`)
    const actor = claimed.createdBy ? await uow.repos.users.findById(claimed.createdBy) : undefined
    let lastBeat = clock.now().getTime()
    const capped = (report: ImportReport) => ({ counts: report.counts, warnings: report.warnings.slice(0, MAX_JOB_WARNINGS), warningsDropped: Math.max(0, report.warnings.length - MAX_JOB_WARNINGS) })
    let report: ImportReport = { counts: {}, warnings: [] }
    try {
      if (!actor || actor.disabled) throw new Error('the account that started the import no longer exists or is disabled')
      report = await run({
        source: claimed.source as ImportSource,
        open: () => createReadStream(claimed.filePath, { highWaterMark: 256 * 1024 }),
        actor: { id: actor.id, email: actor.email, name: actor.name, role: actor.role, authorId: actor.authorId },
        dryRun: claimed.dryRun,
        mapping: claimed.mapping as Partial<ImportMapping>,
        onProgress: async (_done, current) => {
          await deps.pause?.()
          report = current
          const now = clock.now().getTime()
          if (now - lastBeat < 2_000) return
          lastBeat = now
          await uow.repos.imports.progress(id, { ...capped(current), lockedUntil: new Date(now + HEARTBEAT_MS * 3) })
        },
      })
      await uow.repos.imports.finish(id, { status: 'completed', ...capped(report), error: null, finishedAt: clock.now() })
    } catch (error) {
      const message = error instanceof XmlFileError || error instanceof AppError ? error.message : `the import stopped: ${(error as Error).message}`
      await uow.repos.imports.finish(id, { status: 'failed', ...capped(report), error: message.slice(0, 2000), finishedAt: clock.now() })
    }
    await rm(claimed.filePath, { force: true })
  }

  return {
    run,
    runJob,

    /** Records the job (its file already spooled) and queues it, in one transaction. */
    async createJob(actor: Actor, input: { source: ImportSource; filename: string; filePath: string; bytes: number; dryRun: boolean; mapping: Partial<ImportMapping> }) {
      const job = await uow.transaction(async (repos) => {
        const row = await repos.imports.insertJob({ source: input.source, filename: input.filename.slice(0, 255), filePath: input.filePath, bytes: input.bytes, dryRun: input.dryRun, mapping: input.mapping, createdBy: actor.id, createdAt: clock.now() })
        await repos.outbox.enqueue({ topic: IMPORT_TOPIC, payload: { jobId: row.id }, runAt: clock.now(), maxAttempts: 50, dedupeKey: `import:${row.id}` })
        return row
      })
      deps.kickOutbox()
      return presentJob(job)
    },

    async getJob(id: string) {
      const row = await uow.repos.imports.findJob(id)
      if (!row) throw new AppError('NOT_FOUND', 'No import job has this id')
      return presentJob(row)
    },
  }
}

export type ImportService = ReturnType<typeof createImportService>
