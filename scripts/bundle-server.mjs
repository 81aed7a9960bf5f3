#!/usr/bin/env node
// Second step of `npm run build` (after tsc): the server and the pure-JavaScript packages it imports
// become dist/bundle/server.js (with chunks beside it for what loads only on demand), which
// dist/server.js loads. Node then reads one file at start instead of
// resolving and loading ~1,700 (TypeBox alone is ~680 files; drizzle-orm's package.json, read for
// each of its modules, is 180 KB), which was most of a start's module loading. The rest of dist/
// (the CLIs) stays tsc's output. Packages with native code, WebAssembly or files of their own next
// to their code stay outside, loaded from node_modules as before.
import { build } from 'esbuild'
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { builtinModules } from 'node:module'
import path from 'node:path'
import { asciiOnly } from './ascii-only.mjs'

const ROOT = path.resolve(import.meta.dirname, '..')
// `--outdir DIR` (the tests) writes the bundle there instead of dist/bundle, and no dist/server.js.
// DIR is emptied first, so it must be a folder of dist/ or .cache/, two levels below the project
// root as dist/bundle is (the bundle finds migrations/ and openapi/ two levels up).
const outdirArg = process.argv.indexOf('--outdir')
const OUTDIR = outdirArg > 0 ? path.resolve(process.argv[outdirArg + 1] ?? '') : path.join(ROOT, 'dist/bundle')
if (!['dist', '.cache'].includes(path.relative(ROOT, path.dirname(OUTDIR))) || path.basename(OUTDIR).startsWith('.')) {
  console.error(`--outdir must be a folder of dist/ or .cache/ in ${ROOT}: ${OUTDIR}`)
  process.exit(2)
}

/** Loaded from node_modules at run time: native addons, WebAssembly, assets beside the code, optional peers, lazily imported SDKs. */
const EXTERNAL = [
  'sharp',
  '@node-rs/argon2',
  '@electric-sql/pglite',
  '@electric-sql/pglite/*',
  '@fastify/swagger-ui',
  '@aws-sdk/*',
  'pino',
  'pg-native',
  'ioredis',
  'nodemailer',
]

/**
 * Node's built-in modules reach the bundle through its CommonJS `require` (the banner's), not as
 * ES modules: importing a built-in builds its ES module facade, which reads every export, and
 * node:http's lazy exports (WebSocket, MessageEvent, CloseEvent) then load undici: ~30 ms of every
 * start for nothing. Dynamic imports of built-ins (loaded when a feature needs them) stay as they are.
 */
const BUILTIN = new RegExp(`^(node:)?(${builtinModules.map((name) => name.replace(/[/.]/g, '\\$&')).join('|')})$`)
const builtinsThroughRequire = {
  name: 'builtins-through-require',
  setup(build) {
    build.onResolve({ filter: BUILTIN }, (args) => (args.kind === 'import-statement' ? { path: args.path.replace(/^(node:)?/, 'node:'), namespace: 'builtin-cjs' } : undefined))
    build.onLoad({ filter: /.*/, namespace: 'builtin-cjs' }, (args) => ({ contents: `module.exports = require(${JSON.stringify(args.path)})`, loader: 'js' }))
  },
}

rmSync(OUTDIR, { recursive: true, force: true })
await build({
  entryPoints: [path.join(ROOT, 'src/server.ts')],
  outdir: OUTDIR,
  entryNames: '[name]',
  chunkNames: '[name]-[hash]',
  bundle: true,
  // What the server imports only when a feature is on (tracing, metrics) goes to chunks of its
  // own, read only then. The chunks sit beside server.js, at the depth the file lookups expect.
  // Not minified: whitespace and identifier minification saved ~3% of a start (within the noise
  // of bench:start) and would leave production stack traces unreadable.
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  external: EXTERNAL,
  sourcemap: true,
  legalComments: 'none',
  logLevel: 'warning',
  plugins: [builtinsThroughRequire],
  // The bundled modules find their files (migrations/, openapi/examples.json) relative to
  // import.meta.url, two levels below the project root as where tsc puts them (dist/db/migrate.js).
  // CommonJS packages inside get a require for Node's modules and the external packages.
  banner: { js: "import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);" },
})

// Every bundle file ASCII only (see scripts/ascii-only.mjs): ~17 ms of a start.
for (const name of readdirSync(OUTDIR)) {
  if (!name.endsWith('.js')) continue
  const file = path.join(OUTDIR, name)
  const code = readFileSync(file, 'utf8')
  const ascii = asciiOnly(code, path.relative(ROOT, file))
  if (ascii !== code) writeFileSync(file, ascii)
}

if (outdirArg > 0) process.exit(0)

// `node dist/server.js` (the Docker image, docs) runs the bundle, with Node's compile cache on: V8's
// code for the bundle is kept (in NODE_COMPILE_CACHE, by default the system's temporary directory)
// and reused by the next start. NODE_DISABLE_COMPILE_CACHE=1 turns it off.
writeFileSync(
  path.join(ROOT, 'dist/server.js'),
  `// Written by scripts/bundle-server.mjs (npm run build): the server is dist/bundle/server.js.
import { enableCompileCache } from 'node:module'
enableCompileCache?.()
await import('./bundle/server.js')
`,
)
rmSync(path.join(ROOT, 'dist/server.js.map'), { force: true })
