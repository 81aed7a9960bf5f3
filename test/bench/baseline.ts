/**
 * The ceiling for `npm run bench`: bare fastify + pg, no plugins, no validation, no presenters,
 * executing exactly the statements the API runs for "latest 20" (list + total) and "article by
 * slug": the same text, prepared under the same names, in the same session settings
 * (src/db/hot/queries.ts, HOT_SESSION_OPTIONS).
 */
import Fastify from 'fastify'
import pg from 'pg'
import { drizzle } from 'drizzle-orm/node-postgres'
import * as schema from '../../src/db/schema/index.js'
import type { Db } from '../../src/db/client.js'
import { HOT_SESSION_OPTIONS } from '../../src/db/hot/pools.js'
import { hotQueries } from '../../src/db/hot/queries.js'
import { parseCommandLine } from '../../src/cli/args.js'

parseCommandLine(
  `Usage: DATABASE_URL=postgres://… [PORT=N] npx tsx test/bench/baseline.ts   (npm run bench starts it)
The ceiling of npm run bench: bare fastify + pg serving /latest and /article/:slug with the API's own
prepared statements, in the API's session settings, on a pool of 10 connections. Takes no options.`,
  {},
)
if (!process.env.DATABASE_URL) {
  process.stderr.write('DATABASE_URL is required: the baseline runs on PostgreSQL only\n')
  process.exit(2)
}

// The same session settings as the API's connections for these statements (generic plans).
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL!, max: 10, options: HOT_SESSION_OPTIONS })
const statements = hotQueries(drizzle({ client: pool, schema }) as unknown as Db).baselineStatements()

function run(statement: { name: string; text: string; params: string[] }, values: Record<string, unknown>) {
  return pool.query({ name: statement.name, text: statement.text, values: statement.params.map((p) => values[p]) })
}

const app = Fastify({ logger: false })
app.get('/latest', async (_request, reply) => {
  const now = new Date().toISOString()
  const [rows, total] = await Promise.all([run(statements.latest, { now, limit: 21, offset: 0 }), run(statements.count, { now })])
  reply.type('application/json').send(JSON.stringify({ data: rows.rows, meta: total.rows[0] }))
})
app.get<{ Params: { slug: string } }>('/article/:slug', async (request, reply) => {
  const result = await run(statements.bySlug, { slug: request.params.slug, now: new Date().toISOString() })
  if (result.rowCount === 0) return reply.code(404).send('{}')
  reply.type('application/json').send(JSON.stringify({ data: result.rows[0] }))
})
await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' })
process.stdout.write(`baseline: pg pool max 10, session options ${HOT_SESSION_OPTIONS}\n`)
process.stdout.write(`baseline listening at http://127.0.0.1:${(app.server.address() as { port: number }).port}\n`)
process.on('SIGTERM', () => void app.close().then(() => pool.end()).then(() => process.exit(0)))
