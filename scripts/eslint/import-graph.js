// The relative-import graph of the source tree, read with TypeScript's own pre-processor (so type-only
// imports, re-exports and dynamic imports all count): what the import-cycle lint rule walks.
import fs from 'node:fs'
import path from 'node:path'
import ts from 'typescript'

const cache = new Map()

/** `./x.js` written in `from` → the .ts file it names, or null when it is not a source file of ours. */
export function resolveImport(from, specifier) {
  if (!specifier.startsWith('.')) return null
  const base = path.resolve(path.dirname(from), specifier)
  const candidates = [base.replace(/\.js$/, '.ts'), base.replace(/\.mjs$/, '.mts'), base, `${base}.ts`, path.join(base, 'index.ts')]
  return candidates.find((file) => /\.(m?ts|m?js)$/.test(file) && fs.existsSync(file) && fs.statSync(file).isFile()) ?? null
}

/** The files `file` imports (relative imports only), each once. */
export function importsOf(file) {
  let entry = cache.get(file)
  const mtime = fs.statSync(file).mtimeMs
  if (!entry || entry.mtime !== mtime) {
    const info = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true)
    const targets = info.importedFiles.map((f) => resolveImport(file, f.fileName)).filter((f) => f !== null)
    entry = { mtime, targets: [...new Set(targets)] }
    cache.set(file, entry)
  }
  return entry.targets
}

/** A path of imports from `start` back to `goal` (both included), or null when there is none. */
export function pathBetween(start, goal) {
  const seen = new Set()
  const stack = [[start, [start]]]
  while (stack.length > 0) {
    const [file, trail] = stack.pop()
    if (file === goal) return trail
    if (seen.has(file)) continue
    seen.add(file)
    for (const next of importsOf(file)) if (!seen.has(next)) stack.push([next, [...trail, next]])
  }
  return null
}
