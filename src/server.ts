import { parseCommandLine } from './cli/args.js'
import { ConfigError, loadConfig, withEmbeddedSecrets, type Config } from './config.js'
import { openConfiguredDatabase, type Database } from './db/client.js'
import { DataDirLockedError } from './db/lock.js'
import { prepareEmbeddedCluster } from './db/pglite-template.js'
import { runMigrations } from './db/migrate.js'
import { stopTracing } from './lib/tracing.js'
import { demoAuthor } from './seed/demo-content.js'
import { seedOnFirstStart } from './seed/seed.js'

const DEMO_AUTHOR_SLUG = demoAuthor.slug

type Settled<T> = { value: T } | { error: unknown }

/** A promise's outcome as a value: started early, awaited later, never an unhandled rejection. */
function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
  return promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  )
}

function fail(message: string): never {
  process.stderr.write(`${message}\n`)
  process.exit(1)
}

async function main(): Promise<void> {
  parseCommandLine(
    `Usage: npm start            (or: node dist/server.js)
Starts the API. Everything is configured by environment variables, checked at start (see
docs/configuration.md): with no DATABASE_URL it runs on embedded PGlite in DATA_DIR (./data),
applies the migrations and loads the demo publication on the first start. Takes no options.`,
    {},
  )
  let config: Config
  try {
    config = withEmbeddedSecrets(loadConfig(process.env))
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message)
    throw error
  }

  // Everything that waits on the database happens while the app's modules load and the app is
  // built (most of a start, CPU-bound in this process): the database opens (embedded PGlite
  // compiles its WebAssembly off the main thread; a new DATA_DIR starts from a copy of a fresh
  // cluster), the server's pools open a connection each, and the migrations are checked. Start-up
  // work (migrations, the first start's demo content) may wait for another process doing the same
  // and takes what it takes on a loaded machine: on PostgreSQL it runs on connections of its own,
  // without the request deadline (DATABASE_TIMEOUT_MS), like the CLIs. Workers start only once the
  // server listens, after all of it.
  const dbConfig = config.database
  const opening = settle((dbConfig.kind === 'pglite' ? prepareEmbeddedCluster(dbConfig.dataDir) : Promise.resolve()).then(() => openConfiguredDatabase(dbConfig, { replica: true, warm: true })))
  const migrating: Promise<Settled<Database>> =
    dbConfig.kind === 'postgres'
      ? settle(
          openConfiguredDatabase(dbConfig, { poolSize: 2, timeoutMs: 0 }).then(async (startup) => {
            try {
              await runMigrations(startup)
              return startup
            } catch (error) {
              await startup.close()
              throw error
            }
          }),
        )
      : opening.then((opened) => ('error' in opened ? opened : settle(runMigrations(opened.value).then(() => opened.value))))
  const { buildApp } = await import('./app.js')
  const opened = await opening
  if ('error' in opened) {
    if (opened.error instanceof DataDirLockedError) fail(opened.error.message)
    throw opened.error
  }
  const database = opened.value

  const app = await buildApp({ config, database, workers: true })
  if (config.database.kind === 'postgres' && !config.mail.smtpUrl) {
    app.log.warn('SMTP_URL is not set: no email is sent (newsletter confirmations, password resets, editorial notifications stay in the outbox, GET /v1/admin/outbox)')
  }
  try {
    const migrated = await migrating
    if ('error' in migrated) throw migrated.error
    const startup = migrated.value
    try {
      if (config.seed) await seedOnFirstStart({ database: startup, config, storage: app.services.storage, log: app.log })
    } finally {
      if (startup !== database) await startup.close()
    }
    const created = await app.services.users.ensureFirstAdmin({ admin: config.admin, generate: config.seed, authorSlug: DEMO_AUTHOR_SLUG, log: app.log })
    if (created?.password) {
      // Printed once, to the console only: the demo account's random password is not stored anywhere else.
      process.stdout.write(
        `\n  Demo admin account created — log in with:\n    email:    ${created.email}\n    password: ${created.password}\n  (POST ${config.publicUrl}/v1/auth/login; change it with POST /v1/auth/password)\n\n`,
      )
    } else if (created) app.log.info({ email: created.email }, 'first admin account created from ADMIN_EMAIL')
  } catch (error) {
    app.log.fatal({ err: error }, 'could not prepare the database')
    await database.close()
    process.exit(1)
  }

  let closing = false
  const shutdown = async (signal: string) => {
    if (closing) return
    closing = true
    app.log.info({ signal }, 'shutting down: draining requests')
    const force = setTimeout(() => {
      app.log.error('shutdown took too long; exiting')
      process.exit(1)
    }, 15_000)
    force.unref()
    // Requests in flight finish; their keep-alive connections are closed as soon as they go idle
    // (Node closes the idle ones only once, when closing starts).
    const sweep = setInterval(() => app.server.closeIdleConnections(), 100)
    sweep.unref()
    try {
      await app.close()
      clearInterval(sweep)
      await database.close()
      // The last spans are exported (app.close flushed them; this stops the exporter).
      await stopTracing()
      process.exit(0)
    } catch (error) {
      app.log.error({ err: error }, 'error during shutdown')
      process.exit(1)
    }
  }
  process.on('SIGTERM', () => void shutdown('SIGTERM'))
  process.on('SIGINT', () => void shutdown('SIGINT'))

  await app.listen({ port: config.port, host: config.host })
  app.log.info(
    { url: config.publicUrl, docs: `${config.publicUrl}/docs`, database: database.kind },
    `Newsroom CMS API listening; docs at ${config.publicUrl}/docs`,
  )
}

main().catch((error: unknown) => {
  process.stderr.write(`Fatal: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
  process.exit(1)
})
