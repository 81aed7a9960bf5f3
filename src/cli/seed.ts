import { ConfigError, loadConfig } from '../config.js'
import { openConfiguredDatabase } from '../db/client.js'
import { runMigrations } from '../db/migrate.js'
import { seedDemoContent } from '../seed/seed.js'
import { createStorage } from '../services/storage.js'
import { parseCommandLine } from './args.js'

parseCommandLine(
  `Usage: npm run seed
Adds whatever demo content is missing to the configured database (DATABASE_URL, or the embedded one
in DATA_DIR); applies the migrations first and never overwrites existing rows.`,
  {},
)

/** `npm run seed`: adds whatever demo content is missing; never overwrites existing rows. */
try {
  const config = loadConfig(process.env)
  const database = await openConfiguredDatabase(config.database, { poolSize: 2, timeoutMs: 0 })
  try {
    await runMigrations(database)
    const storage = createStorage(config)
    const report = await database.db.transaction((tx) => seedDemoContent(tx, { media: { storage, renditions: config.media } }))
    process.stdout.write(`seeded: ${JSON.stringify(report)}\n`)
  } finally {
    await database.close()
  }
} catch (error) {
  process.stderr.write(`${error instanceof ConfigError ? error.message : String(error instanceof Error ? error.message : error)}\n`)
  process.exit(1)
}
