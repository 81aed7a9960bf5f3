import { parseArgs, type ParseArgsConfig } from 'node:util'

type Options = NonNullable<ParseArgsConfig['options']>

/**
 * The command line of every CLI (npm scripts, benchmarks): `--help`/`-h` prints `usage` to stdout
 * and exits 0; an unknown option, a missing value or a stray argument prints what is wrong and the
 * usage to stderr and exits 2 — before the CLI opens a database or does anything else.
 */
export function parseCommandLine<const O extends Options>(usage: string, options: O, args: string[] = process.argv.slice(2)) {
  type Config = { args: string[]; options: O & { help: { type: 'boolean'; short: 'h' } }; strict: true; allowPositionals: false }
  const config: Config = { args, options: { ...options, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false }
  let parsed
  try {
    parsed = parseArgs<Config>(config)
  } catch (error) {
    const message = error instanceof Error ? error.message.replace(/\. To specify a positional argument.*$/s, '') : String(error)
    process.stderr.write(`${message}\n\n${usage.trimEnd()}\n`)
    process.exit(2)
  }
  const { help, ...values } = parsed.values as { help?: boolean } & Record<string, unknown>
  if (help) {
    process.stdout.write(`${usage.trimEnd()}\n`)
    process.exit(0)
  }
  return values as Omit<typeof parsed.values, 'help'>
}

/** As parseCommandLine, for a CLI that also takes positional arguments (`import wordpress FILE`). */
export function parseCommandWithArguments<const O extends Options>(usage: string, options: O, args: string[] = process.argv.slice(2)) {
  type Config = { args: string[]; options: O & { help: { type: 'boolean'; short: 'h' } }; strict: true; allowPositionals: true }
  const config: Config = { args, options: { ...options, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: true }
  let parsed
  try {
    parsed = parseArgs<Config>(config)
  } catch (error) {
    const message = error instanceof Error ? error.message.replace(/\. To specify a positional argument.*$/s, '') : String(error)
    process.stderr.write(`${message}\n\n${usage.trimEnd()}\n`)
    process.exit(2)
  }
  const { help, ...values } = parsed.values as { help?: boolean } & Record<string, unknown>
  if (help) {
    process.stdout.write(`${usage.trimEnd()}\n`)
    process.exit(0)
  }
  return { values: values as Omit<typeof parsed.values, 'help'>, positionals: parsed.positionals }
}
