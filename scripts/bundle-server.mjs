#!/usr/bin/env node
// Second step of `npm run build` (after tsc): dist/server.js becomes one ES module holding the
// server and the pure-JavaScript packages it imports. Node then reads one file at start instead of
// resolving and loading ~1,700 (TypeBox alone is ~680 files; drizzle-orm's package.json, read for
// each of its modules, is 180 KB), which was most of a start's module loading. The rest of dist/
// (the CLIs) stays tsc's output. Packages with native code, WebAssembly or files of their own next
// to their code stay outside, loaded from node_modules as before.
import { build } from 'esbuild'
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

await build({
  entryPoints: [path.join(ROOT, 'src/server.ts')],
  outfile: path.join(ROOT, 'dist/server.js'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  external: EXTERNAL,
  sourcemap: true,
  legalComments: 'none',
  logLevel: 'warning',
  // The bundled modules find their files (migrations/, openapi/examples.json) and packages relative
  // to where tsc puts them, two levels below the project root (src/db/migrate.ts → dist/db/migrate.js):
  // import.meta.url reads as such a place. CommonJS packages inside get a require for Node's modules.
  define: { 'import.meta.url': '__moduleUrl' },
  banner: {
    js: [
      "import { createRequire as __createRequire } from 'node:module';",
      "const __moduleUrl = new URL('./bundled/server.js', import.meta.url).href;",
      'const require = __createRequire(__moduleUrl);',
    ].join('\n'),
  },
})
