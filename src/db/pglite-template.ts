import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs'
import { createHash } from 'node:crypto'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { createDatabase } from './client.js'
import { MIGRATIONS_FOLDER, runMigrations } from './migrate.js'

/**
 * Creating an embedded database cluster (PGlite's initdb) and migrating it were most of a first
 * start: seconds of WebAssembly PostgreSQL, the same work for every new DATA_DIR. The fresh,
 * migrated, empty cluster is made once per machine, PGlite build and set of migrations, kept in the
 * system's temporary directory, and copied into a DATA_DIR that has none; the server's own
 * migration run then finds nothing to apply, and the demo content is loaded on the copy as on a new
 * cluster. Best effort: when the template cannot be made or copied, PGlite creates the cluster and
 * the migrations run as before.
 */
export async function prepareEmbeddedCluster(dataDir: string): Promise<void> {
  // Where createDatabase keeps the cluster of a DATA_DIR (src/db/client.ts).
  const target = path.join(dataDir, 'pglite')
  if (existsSync(target)) return
  try {
    const template = templateDir()
    if (!existsSync(path.join(template, 'PG_VERSION'))) await makeTemplate(template)
    if (!ownedPrivately(template)) return
    mkdirSync(dataDir, { recursive: true })
    const partial = `${target}.partial-${process.pid}`
    try {
      cpSync(template, partial, { recursive: true })
      renameSync(partial, target)
    } finally {
      rmSync(partial, { recursive: true, force: true })
    }
  } catch {
    // PGlite runs initdb itself.
  }
}

/**
 * The temporary directory may be shared with other users: a template is used only when this user
 * made it and nobody else can write to it (mkdtemp makes it 0700), so nobody can plant a cluster
 * (with an account of theirs) for a new DATA_DIR to copy.
 */
export function ownedPrivately(dir: string): boolean {
  const stat = statSync(dir)
  return stat.isDirectory() && (process.getuid === undefined || stat.uid === process.getuid()) && (stat.mode & 0o022) === 0
}

/** One template per PGlite build (the module's path, size and time) and set of migrations (their text). */
function templateDir(): string {
  const module = fileURLToPath(import.meta.resolve('@electric-sql/pglite'))
  const { size, mtimeMs } = statSync(module)
  const hash = createHash('sha256').update(`${module}\u0000${size}\u0000${mtimeMs}`)
  for (const file of readdirSync(MIGRATIONS_FOLDER).filter((name) => name.endsWith('.sql')).sort()) hash.update(`\u0000${file}\u0000`).update(readFileSync(path.join(MIGRATIONS_FOLDER, file)))
  hash.update(readFileSync(path.join(MIGRATIONS_FOLDER, 'meta', '_journal.json')))
  const digest = hash.digest('hex').slice(0, 16)
  return path.join(os.tmpdir(), `newsroom-pglite-cluster-${digest}`)
}

async function makeTemplate(template: string): Promise<void> {
  const staging = mkdtempSync(path.join(os.tmpdir(), 'newsroom-pglite-staging-'))
  try {
    const database = await createDatabase({ kind: 'pglite', dataDir: staging })
    try {
      await runMigrations(database)
    } finally {
      await database.close()
    }
    try {
      renameSync(path.join(staging, 'pglite'), template)
    } catch (error) {
      // Another process made it meanwhile.
      if (!existsSync(path.join(template, 'PG_VERSION'))) throw error
    }
  } finally {
    rmSync(staging, { recursive: true, force: true })
  }
}
