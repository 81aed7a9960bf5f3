import { PassThrough, type Readable } from 'node:stream'
import type { Db } from '../db/client.js'
import { errorMessages, isDataException, pgCode } from '../db/errors.js'
import { createExportRepository, type ExportRow } from '../db/repositories/export.js'
import { AppError } from '../errors.js'
import type { Clock } from '../lib/clock.js'

export const EXPORT_FORMAT = 'newsroom-export'
export const EXPORT_VERSION = 1
const RESTORE_BATCH = 500

/** The document's head: what it is, which schema wrote it, when. */
export interface ExportHead {
  format: typeof EXPORT_FORMAT
  version: typeof EXPORT_VERSION
  /** Migrations applied to the database that wrote it: a restore needs at least as many. */
  schema_migrations: number
  exported_at: string
}

export interface ExportDocument extends ExportHead {
  tables: Record<string, ExportRow[]>
}

/**
 * The whole publication as one JSON document (docs/export.md): the backup, and the way out. It is
 * written table by table, batch by batch, from one read-only snapshot (REPEATABLE READ), so it is
 * consistent however long the download takes and memory stays flat at any archive size.
 */
export function createExporter(deps: { db: Db; clock: Clock; schemaMigrations: () => Promise<number> }) {
  const { db, clock } = deps

  return {
    stream(): Readable {
      const out = new PassThrough()
      /** Writes with backpressure; stops the export when the client has gone. */
      const write = (chunk: string) =>
        new Promise<void>((resolve, reject) => {
          if (out.destroyed) return reject(new Error('export stream closed'))
          if (out.write(chunk)) return resolve()
          const drained = () => {
            out.off('close', closed)
            resolve()
          }
          const closed = () => {
            out.off('drain', drained)
            reject(new Error('export stream closed'))
          }
          out.once('drain', drained)
          out.once('close', closed)
        })
      void (async () => {
        const head: ExportHead = { format: EXPORT_FORMAT, version: EXPORT_VERSION, schema_migrations: await deps.schemaMigrations(), exported_at: clock.now().toISOString() }
        await db.transaction(
          async (tx) => {
            const repo = createExportRepository(tx)
            await write(`${JSON.stringify(head).slice(0, -1)},"tables":{`)
            for (const [index, name] of repo.tables.entries()) {
              await write(`${index === 0 ? '' : ','}\n${JSON.stringify(name)}:[`)
              let first = true
              for await (const batch of repo.rows(name)) {
                await write(batch.map((row) => `${first ? ((first = false), '') : ','}\n${JSON.stringify(row)}`).join(''))
              }
              await write(']')
            }
            await write('\n}}\n')
          },
          { isolationLevel: 'repeatable read', accessMode: 'read only' },
        )
        out.end()
      })().catch((error: unknown) => out.destroy(error instanceof Error ? error : new Error(String(error))))
      return out
    },

    /**
     * Restores a document into this database in one transaction, keeping every id: rows already
     * present are left alone, so restoring twice changes nothing. Nothing is written unless all of
     * it fits (an unknown table or column, a broken reference: the whole restore is refused).
     */
    async restore(document: unknown): Promise<Record<string, number>> {
      const doc = checkDocument(document)
      const have = await deps.schemaMigrations()
      if (doc.schema_migrations > have) {
        throw new AppError('UNPROCESSABLE', `The export was written by a newer schema (${doc.schema_migrations} migrations; this database has ${have}): upgrade first`)
      }
      return db.transaction(async (tx) => {
        const repo = createExportRepository(tx)
        const unknown = Object.keys(doc.tables).filter((name) => !repo.tables.includes(name))
        if (unknown.length > 0) throw new AppError('UNPROCESSABLE', `Unknown tables in the export: ${unknown.join(', ')}`)
        const counts: Record<string, number> = {}
        for (const name of repo.tables) {
          const rows = doc.tables[name] ?? []
          const columns = new Set(repo.columnsOf(name))
          const strange = rows.flatMap((row) => Object.keys(row)).find((key) => !columns.has(key))
          if (strange !== undefined) throw new AppError('UNPROCESSABLE', `${name}: unknown column ${strange}`)
          counts[name] = 0
          for (let i = 0; i < rows.length; i += RESTORE_BATCH) {
            try {
              counts[name] += await repo.insert(name, rows.slice(i, i + RESTORE_BATCH))
            } catch (error) {
              // A row the schema refuses (a broken reference, a wrong type, a missing value) refuses the whole restore.
              // Class 22 (data exceptions) and 23 (integrity: references, uniqueness, not-null, checks).
              if (isDataException(error) || /^23/.test(pgCode(error) ?? '')) {
                throw new AppError('UNPROCESSABLE', `${name}: rows ${i + 1}–${Math.min(i + RESTORE_BATCH, rows.length)} cannot be restored: ${errorMessages(error).at(-1) ?? 'refused by the database'}`, { cause: error })
              }
              throw error
            }
          }
        }
        return counts
      })
    },
  }
}

function checkDocument(document: unknown): ExportDocument {
  const doc = document as Partial<ExportDocument> | null
  if (typeof doc !== 'object' || doc === null || doc.format !== EXPORT_FORMAT) throw new AppError('UNPROCESSABLE', `Not a ${EXPORT_FORMAT} document`)
  if (doc.version !== EXPORT_VERSION) throw new AppError('UNPROCESSABLE', `Export format version ${String(doc.version)} is not supported (this server reads version ${EXPORT_VERSION})`)
  if (typeof doc.schema_migrations !== 'number' || typeof doc.tables !== 'object' || doc.tables === null) throw new AppError('UNPROCESSABLE', 'The export has no schema_migrations or tables')
  for (const [name, rows] of Object.entries(doc.tables)) {
    if (!Array.isArray(rows) || rows.some((row) => typeof row !== 'object' || row === null || Array.isArray(row))) {
      throw new AppError('UNPROCESSABLE', `tables.${name} must be an array of objects`)
    }
  }
  return doc as ExportDocument
}

export type Exporter = ReturnType<typeof createExporter>
