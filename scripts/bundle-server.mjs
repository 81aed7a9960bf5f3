#!/usr/bin/env node
// Second step of `npm run build` (after tsc): the server and the pure-JavaScript packages it imports
// become dist/bundle/server.js (with chunks beside it for what loads only on demand), which
// dist/server.js loads. Node then reads one file at start instead of
// resolving and loading ~1,700 (TypeBox alone is ~680 files; drizzle-orm's package.json, read for
// each of its modules, is 180 KB), which was most of a start's module loading. The rest of dist/
// (the CLIs) stays tsc's output. Packages with native code, WebAssembly or files of their own next
// to their code stay outside, loaded from node_modules as before.
import { build } from 'esbuild'
import { rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'

const ROOT = path.resolve(import.meta.dirname, '..')

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

rmSync(path.join(ROOT, 'dist/bundle'), { recursive: true, force: true })
await build({
  entryPoints: [path.join(ROOT, 'src/server.ts')],
  outdir: path.join(ROOT, 'dist/bundle'),
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
  // The bundled modules find their files (migrations/, openapi/examples.json) relative to
  // import.meta.url, two levels below the project root as where tsc puts them (dist/db/migrate.js).
  // CommonJS packages inside get a require for Node's modules and the external packages.
  banner: { js: "import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);" },
})

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
