import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { TS_NODE_ARGS } from './ts-runner.js'

/**
 * The project's command lines: every package.json script that runs a file with tsx or with the
 * type-stripping loader (run here on Node's type stripping, see ts-runner.ts), plus the
 * benchmark scripts the documentation runs with npx.
 */
export const ROOT = path.resolve(import.meta.dirname, '../..')
const scripts = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts
export const SCRIPT_CLIS = Object.entries(scripts).flatMap(([name, command]) =>
  [...command.matchAll(/(?:^|&&\s*)(?:exec\s+)?(?:tsx|node --import (?:tsx|\.\/scripts\/ts-hooks\.mjs)) (?!watch\b)(\S+\.ts)/g)].map((m) => ({ name: `npm run ${name}`, file: m[1]! })),
)
export const CLIS = [...SCRIPT_CLIS, { name: 'compression bench', file: 'test/bench/compression.ts' }, { name: 'bench ceiling', file: 'test/bench/baseline.ts' }]

/** No database, no secrets: a CLI that reached for them before reading its arguments would fail. */
const env = {
  ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(DATABASE_URL|DATA_DIR|JWT_SECRET|TEST_DATABASE_URL)$/.test(name))),
  DATA_DIR: '/nonexistent/newsroom-cli-test',
}

export function runCli(file: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [...TS_NODE_ARGS, file, ...args], { cwd: ROOT, env }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr })
    })
  })
}
