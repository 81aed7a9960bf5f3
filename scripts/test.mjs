#!/usr/bin/env node
// `npm test`: tap over test/**/*.test.ts (configured in package.json), then the ten slowest files.
// On a terminal tap draws its own live view. Elsewhere (CI, a pipe, a log file) the output is one
// line per test file, and the whole TAP output of every file that failed, instead of tap's 6,000
// lines. Extra arguments go to tap (`npm test -- test/routes/articles.test.ts`); a --reporter given
// there is used as is.
import { spawn } from 'node:child_process'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { createInterface } from 'node:readline'

const args = process.argv.slice(2)
if (args.includes('--help') || args.includes('-h')) {
  console.log(`Usage: npm test [-- <tap options and test files>]

Runs the test suite with tap on embedded PGlite, or on a PostgreSQL server with
TEST_DATABASE_URL=postgres://user@host:5432/db (the user must be allowed to create databases).
On a terminal tap shows its live view; otherwise one line per file and failures in full.
At the end: the ten slowest test files.`)
  process.exit(0)
}

const concise = !process.stdout.isTTY && !args.some((a) => a.startsWith('-R') || a.startsWith('--reporter'))
const started = Date.now()
const tap = spawn(process.execPath, [path.join('node_modules', 'tap', 'dist', 'esm', 'run.mjs'), ...(concise ? ['--reporter=tap'] : []), ...args], {
  stdio: ['inherit', concise ? 'pipe' : 'inherit', 'inherit'],
  // Every test process and the servers and CLIs they start compile the same sources: V8's code
  // cache on disk spares each the compiling (scripts/ts-hooks.mjs runs them on Node's type stripping).
  env: { NODE_COMPILE_CACHE: path.resolve('.cache', 'node-compile'), ...process.env },
})
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => tap.kill(signal))

const failed = []
/** Files this run reported (concise mode); otherwise those whose results were written since it started. */
const seen = new Set()
let summary = ''
if (concise) {
  // tap's runner prints each file as one buffered subtest: its lines, then `ok N - file` or `not ok N - file`.
  let block = []
  // After a file's `not ok` line, tap prints why (timeout, signal, exit code) as an indented YAML
  // block: it belongs to that file and is printed with it.
  let afterFailure = false
  createInterface({ input: tap.stdout }).on('line', (line) => {
    if (afterFailure && /^\s/.test(line)) {
      console.log(line)
      return
    }
    afterFailure = false
    const result = /^(not ok|ok) \d+ - (\S+)(.*)$/.exec(line)
    if (!result) {
      if (line.startsWith('# { total')) summary = line
      block.push(line)
      return
    }
    const [, status, file, rest] = result
    seen.add(file)
    if (status === 'not ok') {
      failed.push(file)
      console.log(block.join('\n'))
      afterFailure = true
    }
    console.log(`${status === 'ok' ? 'ok    ' : 'FAILED'} ${file}${rest.replace(/^ # time=/, ' ')}`)
    // A skipped test is said, with its reason, so a run never passes silently over what it did not run.
    for (const skip of block.map((l) => /^\s*ok \d+ - (.*?) # SKIP\s*(.*)$/.exec(l)).filter(Boolean)) console.log(`       SKIPPED ${skip[1]}: ${skip[2] || 'no reason given'}`)
    block = []
  })
}

function slowest() {
  const results = path.join('.tap', 'test-results')
  const files = []
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name)
      const stat = statSync(full)
      if (stat.isDirectory()) walk(full)
      else if (name.endsWith('.tap') && stat.mtimeMs >= started) {
        const time = /# time=([\d.]+)ms\s*$/.exec(readFileSync(full, 'utf8'))
        const file = path.relative(results, full).replace(/\.tap$/, '')
        if (time && (seen.size === 0 || seen.has(file))) files.push({ file, ms: Number(time[1]) })
      }
    }
  }
  try {
    walk(results)
  } catch {
    return // tap stopped before running a file
  }
  files.sort((a, b) => b.ms - a.ms)
  console.log(`\n${files.length} test files in ${((Date.now() - started) / 1000).toFixed(1)} s wall; the slowest:`)
  for (const { file, ms } of files.slice(0, 10)) console.log(`  ${(ms / 1000).toFixed(1).padStart(6)} s  ${file}`)
}

tap.on('close', (code, signal) => {
  if (concise) {
    if (summary) console.log(`\n${summary.replace(/^# /, '')}`)
    if (failed.length > 0) console.log(`failed: ${failed.join(', ')}`)
  }
  slowest()
  process.exit(code ?? (signal ? 1 : 0))
})
