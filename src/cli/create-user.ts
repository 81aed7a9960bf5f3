import { AppError } from '../errors.js'
import { ROLES, type Role } from '../services/actor.js'
import { parseCommandLine } from './args.js'

const USAGE = `Usage: npm run user:create -- --email <email> --name <name> --role <${ROLES.join('|')}> [--password <password>] [--author <author-slug>]
Adds an account to the configured database (DATABASE_URL, or the embedded one in DATA_DIR), with the
rules of POST /v1/admin/users. Without --password a random one is generated and printed.`

/** `npm run user:create`: adds an account from the command line (same rules as POST /v1/admin/users). */
try {
  const values = parseCommandLine(USAGE, {
    email: { type: 'string' },
    name: { type: 'string' },
    role: { type: 'string', default: 'editor' },
    password: { type: 'string' },
    author: { type: 'string' },
  })
  if (!values.email || !values.name) {
    process.stderr.write(`--email and --name are required\n\n${USAGE}\n`)
    process.exit(2)
  }
  if (!ROLES.includes(values.role as Role)) throw new Error(`--role must be one of ${ROLES.join(', ')}`)
  if (values.password !== undefined && values.password.length < 10) throw new Error('--password needs at least 10 characters')
  // Loaded once the arguments are understood: --help answers without loading the database layer.
  const { loadConfig, withEmbeddedSecrets } = await import('../config.js')
  const { openConfiguredDatabase } = await import('../db/client.js')
  const { runMigrations } = await import('../db/migrate.js')
  const { createUnitOfWork } = await import('../db/repositories/index.js')
  const { systemClock } = await import('../lib/clock.js')
  const { randomPassword } = await import('../lib/passwords.js')
  const { createUserService } = await import('../services/users.js')
  const config = withEmbeddedSecrets(loadConfig(process.env))
  const database = await openConfiguredDatabase(config.database, { poolSize: 2 })
  try {
    await runMigrations(database)
    const password = values.password ?? randomPassword()
    const users = createUserService({ uow: createUnitOfWork(database.db), clock: systemClock })
    const user = await users.create(null, { email: values.email, name: values.name, role: values.role as Role, password, author: values.author })
    process.stdout.write(`created ${user.role} ${user.email} (${user.id})${values.password ? '' : `\npassword: ${password}`}\n`)
  } finally {
    await database.close()
  }
} catch (error) {
  const message = error instanceof AppError || error instanceof Error ? error.message : String(error)
  process.stderr.write(`${message}\n`)
  process.exit(1)
}
