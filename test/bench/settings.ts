/**
 * What a benchmark measures is decided here, not by whatever happens to be in the caller's shell:
 * every API setting a benchmark reports is set explicitly, every other API variable (EnvSchema) is
 * dropped from the environment so it takes its documented default, and the configuration is
 * printed before the numbers.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { EnvSchema } from '../../src/config.js'

/** Any key of the right length: benchmarks sign nothing a client keeps. */
export const BENCH_JWT_SECRET = 'bench-secret-that-is-long-enough-for-hs256-000000'

/** Where the data is: the only API variables a benchmark takes from its caller. */
const LOCATION = ['DATABASE_URL', 'DATA_DIR'] as const

export function onOff(value: string | undefined, option: string): boolean {
  if (value === 'on' || value === 'true') return true
  if (value === 'off' || value === 'false') return false
  throw new Error(`${option} must be on or off, not "${value}"`)
}

export function integerAtLeast(min: number, value: string | undefined, option: string): number {
  const n = Number(value)
  if (value === undefined || value === '' || !Number.isInteger(n) || n < min) throw new Error(`${option} must be an integer ≥ ${min}, not "${value}"`)
  return n
}

/**
 * The environment an API under benchmark runs with: `from` without any API variable except those
 * in `keep` (by default the database's location), plus `settings`. Non-API variables (PATH, HOME,
 * …) pass through.
 */
export function benchEnv(from: Record<string, string | undefined>, settings: Record<string, string>, keep: readonly string[] = LOCATION): Record<string, string> {
  const api = new Set(Object.keys(EnvSchema.properties))
  const env: Record<string, string> = {}
  for (const [name, value] of Object.entries(from)) {
    if (value === undefined) continue
    if (api.has(name) && !keep.includes(name)) continue
    env[name] = value
  }
  return { ...env, ...settings }
}

/** The API variables of `env`, one `NAME=value` a line (secrets and passwords in URLs masked). */
export function describeSettings(env: Record<string, string | undefined>): string {
  const api = new Set(Object.keys(EnvSchema.properties))
  return Object.entries(env)
    .filter(([name, value]) => api.has(name) && value !== undefined)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => `  ${name}=${name === 'JWT_SECRET' ? '…' : value!.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:…@')}`)
    .join('\n')
}

/**
 * The image's NODE_OPTIONS (the Dockerfile's runtime `ENV`), which every benchmark of the compiled
 * API runs with: one flag (`NODE_OPTIONS=--flag`) or several in quotes (`NODE_OPTIONS="--a --b"`).
 * Reads the project's Dockerfile unless given another's text.
 */
export function imageNodeOptions(dockerfile = readFileSync(path.resolve(import.meta.dirname, '../../Dockerfile'), 'utf8')): string {
  const match = /^ENV [^\n]*?\bNODE_OPTIONS=(?:"([^"]*)"|(\S+))/m.exec(dockerfile)
  return (match?.[1] ?? match?.[2] ?? '').trim()
}
