import { parseCommandLine } from './args.js'

parseCommandLine(
  `Usage: npm run db:migrate
Applies migrations/ to the configured database (DATABASE_URL, or the embedded one in DATA_DIR)
without starting the server.`,
  {},
)
// Loaded once the arguments are understood: --help answers without loading the database layer.
const { ConfigError, loadConfig } = await import('../config.js')
const { openConfiguredDatabase } = await import('../db/client.js')
const { appliedMigrationCount, runMigrations } = await import('../db/migrate.js')

/** `npm run db:migrate`: applies migrations/ to DATABASE_URL, or to the embedded database in DATA_DIR. */
try {
  const config = loadConfig(process.env)
  const database = await openConfiguredDatabase(config.database, { poolSize: 2, timeoutMs: 0 })
  try {
    await runMigrations(database)
    process.stdout.write(`migrations applied (${await appliedMigrationCount(database)} in total) to ${database.kind}\n`)
  } finally {
    await database.close()
  }
} catch (error) {
  process.stderr.write(`${error instanceof ConfigError ? error.message : String(error instanceof Error ? error.message : error)}\n`)
  process.exit(1)
}
