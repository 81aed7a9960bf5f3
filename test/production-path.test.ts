import t from 'tap'
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'
import { EnvSchema, loadConfig } from '../src/config.js'
import { imageNodeOptions } from './bench/settings.js'

/**
 * The production path as files: docker-compose.yml and the Dockerfile are read and checked for
 * what running them relies on. No Docker engine runs here; where the docker client exists,
 * `docker compose config` validates the file as well.
 */
const ROOT = path.resolve(import.meta.dirname, '..')
const composeText = readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8')
const dockerfile = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8')

interface Service {
  image?: string
  build?: unknown
  command?: string[]
  profiles?: string[]
  environment?: Record<string, string>
  volumes?: string[]
  depends_on?: Record<string, { condition: string; required?: boolean }>
  healthcheck?: { test: string[] }
}
const compose = parse(composeText) as { services: Record<string, Service>; volumes: Record<string, unknown> }
const { postgres, api, migrate, redis } = compose.services as Record<'postgres' | 'api' | 'migrate' | 'redis', Service>

/** Compose's interpolation of `${VAR}`, `${VAR:-default}` and `${VAR:?error}` against `env`. */
function interpolate(value: string, env: Record<string, string>): string {
  return value.replace(/\$\{(\w+)(?::([-?])([^}]*))?\}/g, (_match, name: string, op: string | undefined, arg: string | undefined) => {
    const set = env[name]
    if (set) return set
    if (op === '?') throw new Error(`${name}: ${arg}`)
    return op === '-' ? (arg ?? '') : ''
  })
}

t.test('postgres keeps its data in a volume and reports health', async (t) => {
  t.ok(postgres, 'a postgres service')
  const data = postgres.volumes?.find((v) => v.endsWith(':/var/lib/postgresql/data'))
  t.ok(data, 'its data directory is a volume')
  t.ok(Object.hasOwn(compose.volumes, data!.split(':')[0]!), 'a named volume, declared at the top level')
  t.match(postgres.healthcheck?.test.join(' '), /pg_isready/)
})

t.test('migrations run once against a healthy postgres, then the API serves', async (t) => {
  t.same(migrate.depends_on?.postgres, { condition: 'service_healthy' })
  t.same(migrate.command, ['node', 'dist/cli/migrate.js'])
  t.ok(existsSync(path.join(ROOT, 'src/cli/migrate.ts')), 'dist/cli/migrate.js is built from src/cli/migrate.ts')
  t.same(api.depends_on?.postgres, { condition: 'service_healthy' }, 'the API waits for a healthy postgres')
  t.same(api.depends_on?.migrate, { condition: 'service_completed_successfully' }, 'and for the migrations to finish')
  t.same(api.command, ['node', 'dist/server.js'])
  t.ok(existsSync(path.join(ROOT, 'src/server.ts')))
  const server = readFileSync(path.join(ROOT, 'src/server.ts'), 'utf8')
  const migrates = server.indexOf('runMigrations(')
  const migrated = server.indexOf('await migrating')
  t.ok(migrates >= 0 && migrated > migrates && migrated < server.indexOf('await app.listen('), 'the server itself also migrates (under an advisory lock) before it listens')
  t.match(api.healthcheck?.test.join(' '), /\/health\/ready/)
})

t.test('Redis is optional (profile "redis") and wired through REDIS_URL; DATABASE_READ_URL is passed through', async (t) => {
  t.same(redis.profiles, ['redis'])
  t.same(api.depends_on?.redis, { condition: 'service_healthy', required: false }, 'the API starts with or without the redis profile')
  t.equal(api.environment?.REDIS_URL, '${REDIS_URL:-}')
  t.equal(api.environment?.DATABASE_READ_URL, '${DATABASE_READ_URL:-}')
  t.match(composeText, /REDIS_URL=redis:\/\/redis:6379 docker compose --profile redis up/, 'the header says how to turn it on')
})

t.test('every variable compose sets is one the API knows, and the result passes its config validation', async (t) => {
  const known = new Set(Object.keys(EnvSchema.properties))
  for (const service of [api, migrate]) {
    const unknown = Object.keys(service.environment ?? {}).filter((name) => !known.has(name))
    t.same(unknown, [], 'no misspelt or unknown variables')
  }
  const resolve = (env: Record<string, string>) => Object.fromEntries(Object.entries(api.environment!).map(([k, v]) => [k, interpolate(String(v), env)]))
  t.throws(() => resolve({}), /JWT_SECRET: set JWT_SECRET/, 'compose refuses to start without JWT_SECRET')
  const config = loadConfig(resolve({ JWT_SECRET: 'x'.repeat(64) }))
  t.match(config, { host: '0.0.0.0', port: 3000, database: { kind: 'postgres', url: 'postgres://newsroom:newsroom@postgres:5432/newsroom' }, rateLimit: { redisUrl: undefined } })
  const scaled = loadConfig(resolve({ JWT_SECRET: 'x'.repeat(64), REDIS_URL: 'redis://redis:6379', DATABASE_READ_URL: 'postgres://newsroom:newsroom@replica:5432/newsroom' }))
  t.equal(scaled.rateLimit.redisUrl, 'redis://redis:6379')
  t.match(scaled.database, { readUrl: 'postgres://newsroom:newsroom@replica:5432/newsroom' })
})

t.test('the Dockerfile is multi-stage, ships runtime dependencies only and runs as a non-root user', async (t) => {
  const stages = [...dockerfile.matchAll(/^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/gim)].map((m) => ({ image: m[1], name: m[2] }))
  t.ok(stages.length >= 2, `${stages.length} stages`)
  const finalStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '))
  t.match(finalStage, /COPY --from=build \/app\/dist \.\/dist/, 'the runtime stage takes only the compiled output from the build stage')
  t.match(finalStage, /npm ci --omit=dev/, 'and installs production dependencies only')
  t.match(finalStage, /COPY migrations \.\/migrations/)
  // npm run build runs scripts of its own (the server bundle): the build stage copies each of them.
  const buildStage = dockerfile.slice(0, dockerfile.lastIndexOf('\nFROM '))
  const buildScript = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: { build: string } }).scripts.build
  // And the scripts those import (their static relative imports, followed to the end).
  const scripts = [...buildScript.matchAll(/scripts\/[\w./-]+/g)].map(([script]) => path.normalize(script))
  for (let i = 0; i < scripts.length; i++) {
    const text = readFileSync(path.join(ROOT, scripts[i]!), 'utf8')
    for (const [, relative] of text.matchAll(/^import\s[^'"\n]*?['"](\.{1,2}\/[^'"]+)['"]/gm)) {
      const imported = path.normalize(path.join(path.dirname(scripts[i]!), relative!))
      if (!scripts.includes(imported)) scripts.push(imported)
    }
  }
  t.ok(scripts.includes(path.normalize('scripts/ascii-only.mjs')), 'imports are followed (bundle-server imports ascii-only)')
  const copied = [...buildStage.matchAll(/^COPY\s+(.+?)\s+\.\/scripts\/\s*$/gm)].flatMap(([, sources]) => sources!.split(/\s+/).map((s) => path.normalize(s)))
  for (const script of scripts) t.ok(copied.includes(script) || buildStage.includes('COPY scripts '), `the build stage copies ${script}`)
  const user = /^USER\s+(\S+)/m.exec(finalStage)?.[1]
  t.ok(user && !['root', '0', '0:0'].includes(user), `runs as ${user}`)
  t.ok(finalStage.indexOf('USER ') < finalStage.indexOf('CMD '), 'USER comes before CMD')
  t.match(finalStage, /CMD \["node", "dist\/server\.js"\]/)
  t.match(finalStage, /HEALTHCHECK .*\n.*\/health\/ready/)
  // Both stages run a supported LTS line, the one `engines` names last (Node 20 left support in April 2026).
  const engines = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node
  t.equal(engines, '>=22.18', 'package.json engines: Node 22.18 or newer (type stripping for the tests; the tracing SDK needs 22.15)')
  for (const stage of stages) t.match(stage.image, /^node:24-bookworm-slim$/, `${stage.name ?? 'stage'} runs on node:24-bookworm-slim`)
  const ignored = readFileSync(path.join(ROOT, '.dockerignore'), 'utf8').split('\n')
  for (const entry of ['node_modules', 'data', '.git']) t.ok(ignored.includes(entry), `.dockerignore keeps ${entry} out of the build context`)
})

t.test("the image's NODE_OPTIONS are what the benchmarks run the API with, and Node accepts them", async (t) => {
  const options = imageNodeOptions(dockerfile)
  t.match(options, /--max-old-space-size=\d+/, `a heap budget: NODE_OPTIONS=${options}`)
  t.match(options, /--max-semi-space-size=\d+/, 'a young-generation cap (without it a newsletter send peaked at 279 MB RSS, with it 200 MB)')
  t.equal(imageNodeOptions(), options, "the project's Dockerfile is what the benchmarks read")
  t.equal(imageNodeOptions('ENV NODE_ENV=production NODE_OPTIONS="--a=1 --b"\n'), '--a=1 --b', 'several flags, quoted')
  t.equal(imageNodeOptions('ENV NODE_OPTIONS=--a=1 PORT=3000\n'), '--a=1', 'one flag')
  const run = spawnSync(process.execPath, ['-e', ''], { env: { ...process.env, NODE_OPTIONS: options }, encoding: 'utf8' })
  t.equal(run.status, 0, `node starts with them: ${run.stderr}`)
})

const docker = spawnSync('docker', ['compose', 'version'], { encoding: 'utf8' })
t.test('docker compose config accepts the file', { skip: docker.status === 0 ? false : 'no docker compose client on this machine' }, async (t) => {
  const result = spawnSync('docker', ['compose', '-f', 'docker-compose.yml', 'config', '--quiet'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, JWT_SECRET: 'x'.repeat(64) } })
  t.equal(result.status, 0, result.stderr)
})
