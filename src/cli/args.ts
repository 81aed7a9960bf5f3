import { parseArgs, type ParseArgsConfig } from 'node:util'

type Options = NonNullable<ParseArgsConfig['options']>

type WithHelp<O extends Options> = O & { help: { type: 'boolean'; short: 'h' } }

/** The one parse of every CLI: unknown options and missing values → usage on stderr, exit 2; --help → usage, exit 0. */
function parse<const O extends Options, const P extends boolean>(usage: string, options: O, args: string[], allowPositionals: P) {
  type Config = { args: string[]; options: WithHelp<O>; strict: true; allowPositionals: P }
  const config: Config = { args, options: { ...options, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals }
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

/**
 * The command line of every CLI (npm scripts, benchmarks): `--help`/`-h` prints `usage` to stdout
 * and exits 0; an unknown option, a missing value or a stray argument prints what is wrong and the
 * usage to stderr and exits 2 — before the CLI opens a database or does anything else.
 */
export function parseCommandLine<const O extends Options>(usage: string, options: O, args: string[] = process.argv.slice(2)) {
  return parse(usage, options, args, false).values
}

/** As parseCommandLine, for a CLI that also takes positional arguments (`import wordpress FILE`). */
export function parseCommandWithArguments<const O extends Options>(usage: string, options: O, args: string[] = process.argv.slice(2)) {
  return parse(usage, options, args, true)
}
