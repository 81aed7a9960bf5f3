/**
 * `npm audit --omit=dev`: fails on any high or critical advisory in the runtime dependencies.
 * When the registry's audit endpoint cannot be reached (an offline or proxied machine) it says so
 * and exits 0 — it cannot prove anything then, and says exactly that.
 */
import { execFileSync } from 'node:child_process'
import { parseCommandLine } from '../../src/cli/args.js'

parseCommandLine(
  `Usage: npx tsx test/security/audit.ts   (the last step of npm run test:security)
Runs npm audit --omit=dev and fails on any high or critical advisory in the runtime dependencies;
says SKIPPED and exits 0 when the registry's audit endpoint cannot be reached. Takes no options.`,
  {},
)

interface AuditReport {
  metadata?: { vulnerabilities?: Record<string, number>; dependencies?: { prod?: number; total?: number } }
  vulnerabilities?: Record<string, { severity: string; via: unknown[] }>
  message?: string
  statusCode?: number
}

let raw: string
try {
  raw = execFileSync('npm', ['audit', '--omit=dev', '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
} catch (error) {
  // npm audit exits non-zero when it finds anything; its JSON report is still on stdout.
  raw = String((error as { stdout?: unknown }).stdout ?? '')
}

let report: AuditReport
try {
  report = JSON.parse(raw) as AuditReport
} catch {
  process.stdout.write(`npm audit: no report (output: ${raw.slice(0, 200)})\n`)
  process.exit(1)
}

const counts = report.metadata?.vulnerabilities
if (!counts) {
  process.stdout.write(`npm audit: SKIPPED — the audit endpoint could not be reached (${report.message ?? 'no metadata'}); nothing was checked\n`)
  process.exit(0)
}
const serious = (counts.high ?? 0) + (counts.critical ?? 0)
process.stdout.write(`npm audit --omit=dev: ${Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(', ')}\n`)
for (const [name, entry] of Object.entries(report.vulnerabilities ?? {})) {
  if (entry.severity === 'high' || entry.severity === 'critical') process.stdout.write(`  ${entry.severity}: ${name}\n`)
}
process.exit(serious > 0 ? 1 : 0)
