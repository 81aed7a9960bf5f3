// Runs the TypeScript sources on Node's own type stripping (Node 22.18+ and 24 strip types by
// default; the code keeps to erasable syntax, checked by `erasableSyntaxOnly` in tsconfig.json).
// The one thing Node does not do is the TypeScript convention of importing `./file.js` for
// `./file.ts`: this synchronous, in-thread resolve hook maps it. Used by `npm start`, the test
// runner and the processes tests start, with Node's compile cache on (NODE_COMPILE_CACHE, by
// default the system's temporary directory; NODE_DISABLE_COMPILE_CACHE=1 turns it off): ~1 s of CPU
// less per process than tsx's esbuild worker, and a first `npm start` ~2 s sooner. The CLIs keep
// using tsx. A Node without type stripping falls back to tsx.
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { enableCompileCache, registerHooks } from 'node:module'
import { fileURLToPath } from 'node:url'

enableCompileCache?.()

if (!process.features.typescript || typeof registerHooks !== 'function') {
  await import('tsx')
} else {
  /** The "type" of the package a directory belongs to (its nearest package.json's), cached per directory. */
  const typeOfDir = new Map()
  const packageType = (dir) => {
    const known = typeOfDir.get(dir)
    if (known !== undefined) return known
    let type
    try {
      type = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).type === 'module' ? 'module' : 'commonjs'
    } catch {
      const parent = path.dirname(dir)
      type = parent === dir || path.basename(dir) === 'node_modules' ? 'commonjs' : packageType(parent)
    }
    typeOfDir.set(dir, type)
    return type
  }
  registerHooks({
    resolve(specifier, context, next) {
      const parent = context.parentURL
      if (parent?.startsWith('file:') && (specifier.startsWith('./') || specifier.startsWith('../')) && context.conditions?.includes('import')) {
        // `./file.js` from a .ts file is `./file.ts` (TypeScript's convention; Node does not map it).
        if (specifier.endsWith('.js') && parent.endsWith('.ts')) {
          const ts = new URL(`${specifier.slice(0, -3)}.ts`, parent)
          if (existsSync(fileURLToPath(ts))) return { url: ts.href, format: `${packageType(path.dirname(fileURLToPath(ts)))}-typescript`, shortCircuit: true }
        }
        // Any other relative import of an existing file needs no more than URL resolution, and its
        // format follows from its extension and its package's "type", looked up once per folder:
        // Node's own resolve re-reads the package scope for each of the ~1,800 modules a test
        // loads (about half a second of CPU per process, most of it drizzle-orm's large
        // package.json, once per file of it).
        const extension = /\.(m?js|cjs)$/.exec(specifier)?.[1]
        if (extension) {
          const url = new URL(specifier, parent)
          const file = fileURLToPath(url)
          if (existsSync(file)) {
            const format = extension === 'mjs' ? 'module' : extension === 'cjs' ? 'commonjs' : packageType(path.dirname(file))
            return { url: url.href, format, shortCircuit: true }
          }
        }
      }
      return next(specifier, context)
    },
  })
}
