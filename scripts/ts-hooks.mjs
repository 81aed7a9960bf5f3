// Runs the TypeScript sources on Node's own type stripping (Node 22.18+ and 24 strip types by
// default; the code keeps to erasable syntax, checked by `erasableSyntaxOnly` in tsconfig.json).
// The one thing Node does not do is the TypeScript convention of importing `./file.js` for
// `./file.ts`: this synchronous, in-thread resolve hook maps it. Used by the test runner and the
// processes tests start (with NODE_COMPILE_CACHE, ~1 s of CPU less per process than tsx's
// esbuild worker); `npm start` and the CLIs keep using tsx. A Node without type stripping falls
// back to tsx.
import { existsSync } from 'node:fs'
import { registerHooks } from 'node:module'
import { fileURLToPath } from 'node:url'

if (!process.features.typescript || typeof registerHooks !== 'function') {
  await import('tsx')
} else {
  registerHooks({
    resolve(specifier, context, next) {
      if (specifier.endsWith('.js') && (specifier.startsWith('./') || specifier.startsWith('../')) && context.parentURL?.endsWith('.ts')) {
        const ts = new URL(`${specifier.slice(0, -3)}.ts`, context.parentURL)
        if (existsSync(fileURLToPath(ts))) return next(ts.href, context)
      }
      return next(specifier, context)
    },
  })
}
