import { createReadStream, statSync } from 'node:fs'
import { EXTRA_CATEGORIES, PRIMARY_TAG, type ImportMapping } from '../services/import/model.js'
import { parseCommandWithArguments } from './args.js'

const USAGE = `Usage: npm run import -- wordpress|ghost FILE [--uploads DIR] [--dry-run] [--as EMAIL] [--extra-categories tags|ignore] [--primary-tag section|tag]
       npm run import -- newsroom FILE
newsroom: restores a document of GET /v1/admin/export (docs/export.md) into the configured database,
keeping every id, in one transaction; restoring it again changes nothing.

Imports a WordPress export (Tools → Export, WXR 1.1/1.2) into the configured database (DATABASE_URL,
or the embedded one in DATA_DIR): authors, categories (→ sections), tags, posts (→ articles), pages,
comments and images; old permalinks keep resolving (GET /v1/resolve answers them with a 301).
Running it again changes nothing; items changed in the source since are updated.
ghost: a Ghost JSON export (Settings → Advanced → Export), then optionally its redirects.yaml or
redirects.json (old paths → imported items) and its members CSV (newsletter subscribers).

  --uploads DIR  read images from a copy of wp-content/uploads instead of fetching them
  --dry-run      report what would be created, updated and skipped; write nothing
  --as EMAIL     the admin account the import is recorded as (default: the oldest active admin)
  --extra-categories tags|ignore
                 WordPress: a post's categories after the first (its section) become tags (default) or are left out
  --primary-tag section|tag
                 Ghost: the primary tag becomes the post's section (default) or stays a tag (posts go to Uncategorized)

Progress goes to stderr; the summary (and every warning) to stdout. See docs/import.md.`

const { values, positionals } = parseCommandWithArguments(USAGE, {
  uploads: { type: 'string' },
  'dry-run': { type: 'boolean' },
  as: { type: 'string' },
  'extra-categories': { type: 'string' },
  'primary-tag': { type: 'string' },
})
const extraCategories = values['extra-categories']
const primaryTag = values['primary-tag']
for (const [flag, value, allowed, only] of [
  ['--extra-categories', extraCategories, EXTRA_CATEGORIES, 'wordpress'],
  ['--primary-tag', primaryTag, PRIMARY_TAG, 'ghost'],
] as const) {
  if (value === undefined) continue
  if (!(allowed as readonly string[]).includes(value)) {
    process.stderr.write(`${flag} must be ${allowed.join(' or ')}, not "${value}".\n\n${USAGE}\n`)
    process.exit(2)
  }
  if (positionals[0] !== only) {
    process.stderr.write(`${flag} applies to ${only} imports only.\n\n${USAGE}\n`)
    process.exit(2)
  }
}
const [source, file, ...extra] = positionals
if (!source || !file || extra.length > 0) {
  process.stderr.write(`Name the source and the file.\n\n${USAGE}\n`)
  process.exit(2)
}
if (source === 'newsroom') {
  // An export of this CMS: restored whole, ids kept (docs/export.md).
  try {
    const { readFileSync } = await import('node:fs')
    const { loadConfig } = await import('../config.js')
    const { openConfiguredDatabase } = await import('../db/client.js')
    const { appliedMigrationCount, runMigrations } = await import('../db/migrate.js')
    const { systemClock } = await import('../lib/clock.js')
    const { createExporter } = await import('../services/export.js')
    let document: unknown
    try {
      document = JSON.parse(readFileSync(file, 'utf8'))
    } catch (error) {
      throw new Error(`${file} is not a JSON document: ${error instanceof Error ? error.message : String(error)}`, { cause: error })
    }
    const config = loadConfig(process.env)
    const database = await openConfiguredDatabase(config.database, { poolSize: 2, timeoutMs: 0 })
    try {
      await runMigrations(database)
      const exporter = createExporter({ db: database.db, clock: systemClock, schemaMigrations: () => appliedMigrationCount(database) })
      const counts = await exporter.restore(document)
      process.stdout.write(`restored ${file}:\n${Object.entries(counts).map(([table, n]) => `  ${table}: ${n}`).join('\n')}\n`)
    } finally {
      await database.close()
    }
    process.exit(0)
  } catch (error) {
    const detail = (error as { detail?: string }).detail
    process.stderr.write(`import failed: ${detail ?? (error instanceof Error ? error.message : String(error))}\n`)
    process.exit(1)
  }
}
if (source !== 'wordpress' && source !== 'ghost') {
  process.stderr.write(`Unknown source "${source}" (wordpress, ghost, newsroom).\n\n${USAGE}\n`)
  process.exit(2)
}

/** `npm run import`: one import from the command line, with progress and a summary. */
try {
  const total = statSync(file).size
  // Loaded once the arguments are understood: --help answers without loading the database layer.
  const { loadConfig } = await import('../config.js')
  const { openConfiguredDatabase } = await import('../db/client.js')
  const { runMigrations } = await import('../db/migrate.js')
  const { createUnitOfWork } = await import('../db/repositories/index.js')
  const { createChangeChannel } = await import('../db/notifications.js')
  const { systemClock } = await import('../lib/clock.js')
  const { createWorkQueue } = await import('../lib/work-queue.js')
  const { createContentEvents } = await import('../services/events.js')
  const { createPermalinks } = await import('../services/permalinks.js')
  const { createMediaLibrary } = await import('../services/media/library.js')
  const { createStorage } = await import('../services/storage.js')
  const { createImportService } = await import('../services/import/index.js')
  const config = loadConfig(process.env)
  const database = await openConfiguredDatabase(config.database, { poolSize: 2, timeoutMs: 0 })
  try {
    await runMigrations(database)
    const uow = createUnitOfWork(database.db)
    const account = values.as ? await uow.repos.users.findByEmail(values.as) : (await uow.repos.users.list()).filter((u) => u.role === 'admin' && !u.disabled).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())[0]
    if (!account || account.disabled || account.role !== 'admin') {
      throw new Error(values.as ? `${values.as} is not an active admin account` : 'No active admin account to record the import as: create one first (npm run user:create -- --role admin …)')
    }
    const events = createContentEvents()
    const permalinks = createPermalinks({ site: uow.repos.site, publicUrl: config.publicUrl })
    const media = createMediaLibrary({ uow, clock: systemClock, events, storage: createStorage(config), limits: config.media, processing: createWorkQueue(config.media.processing), publicUrl: config.publicUrl, permalinks, kickOutbox: () => {} })
    const imports = createImportService({ uow, media, clock: systemClock, events, settings: { allowPrivateFetch: config.imports.allowPrivateFetch, maxImageBytes: config.media.maxBytes }, kickOutbox: () => {} })

    // Progress: the file is read twice (references, then content); the second pass sets the pace.
    let pass = 0
    let read = 0
    // Counted as the importer reads it (not by a 'data' listener, which would set the stream
    // flowing whether or not anything reads it yet).
    const open = async function* () {
      pass++
      read = 0
      for await (const chunk of createReadStream(file, { highWaterMark: 256 * 1024 }) as AsyncIterable<Buffer>) {
        read += chunk.length
        yield chunk
      }
    }
    const started = Date.now()
    let passStarted = started
    let lastPass = 0
    let lastShown = 0
    const tty = process.stderr.isTTY
    const report = await imports.run({
      source,
      open,
      actor: { id: account.id, email: account.email, name: account.name, role: account.role, authorId: account.authorId },
      dryRun: values['dry-run'] ?? false,
      uploadsDir: values.uploads,
      mapping: {
        ...(extraCategories ? { extraCategories: extraCategories as ImportMapping['extraCategories'] } : {}),
        ...(primaryTag ? { primaryTag: primaryTag as ImportMapping['primaryTag'] } : {}),
      },
      onProgress: (done) => {
        const now = Date.now()
        if (pass !== lastPass) {
          lastPass = pass
          passStarted = now
        }
        if (now - lastShown < (tty ? 250 : 5000)) return
        lastShown = now
        const rate = done / Math.max((now - started) / 1000, 0.001)
        const fraction = total > 0 ? read / total : 1
        const eta = fraction > 0 ? ((now - passStarted) / 1000) * ((1 - fraction) / fraction) : 0
        const line = `pass ${pass}/2 ${(fraction * 100).toFixed(1)}%  ${done} items  ${rate.toFixed(1)} items/s  ETA ${Math.round(eta)} s`
        process.stderr.write(tty ? `\r${line.padEnd(70)}` : `${line}\n`)
      },
    })
    if (tty) process.stderr.write('\n')
    const seconds = (Date.now() - started) / 1000
    const lines = [`${values['dry-run'] ? 'Dry run (nothing written)' : 'Imported'} ${file} in ${seconds.toFixed(1)} s`]
    lines.push(`${'kind'.padEnd(10)}${'created'.padStart(9)}${'updated'.padStart(9)}${'skipped'.padStart(9)}${'failed'.padStart(8)}`)
    for (const [kind, c] of Object.entries(report.counts)) lines.push(`${kind.padEnd(10)}${String(c.created).padStart(9)}${String(c.updated).padStart(9)}${String(c.skipped).padStart(9)}${String(c.failed).padStart(8)}`)
    lines.push(`${report.warnings.length} warning(s)`)
    for (const w of report.warnings) lines.push(`  ${w.item}: ${w.message}`)
    process.stdout.write(`${lines.join('\n')}\n`)
    // API processes on the same PostgreSQL forget their caches (LISTEN/NOTIFY).
    if (!values['dry-run']) await createChangeChannel(database, { warn: () => {} }).publish(JSON.stringify({ origin: 'import-cli', kind: 'article', action: 'imported' }))
  } finally {
    await database.close()
  }
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
}
