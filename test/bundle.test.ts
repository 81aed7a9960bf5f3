import t from 'tap'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { asciiOnly } from '../scripts/ascii-only.mjs'
import { startServer } from './helpers/server-process.js'
import { createTestDatabase } from './helpers/database.js'

/**
 * What production runs is not src/server.ts but the esbuild bundle `npm run build` makes
 * (scripts/bundle-server.mjs): chunks loaded on demand, Node's built-ins through the bundle's
 * require, packages left in node_modules. It is built here (to a folder of this run's own) and
 * started as the image starts it, on this run's database.
 */
const ROOT = path.resolve(import.meta.dirname, '..')

t.test('the bundled server starts, serves reads and the docs, and loads what it loads on demand', async (t) => {
  const outdir = path.join(ROOT, '.cache', `bundle-test-${process.pid}`)
  t.teardown(() => rmSync(outdir, { recursive: true, force: true }))
  execFileSync(process.execPath, ['scripts/bundle-server.mjs', '--outdir', outdir], { cwd: ROOT, stdio: 'pipe' })
  const files = readdirSync(outdir)
  t.ok(files.includes('server.js'), 'the entry point')
  const bodyRenderer = files.find((file) => /^body-renderer-.*\.js$/.test(file))
  t.ok(bodyRenderer, 'the body renderer is a chunk of its own')
  // What a start loads: the entry, the app chunk it imports, and every chunk they import statically.
  const atStart = new Set(['server.js', ...files.filter((file) => /^app-.*\.js$/.test(file))])
  for (const file of atStart) {
    for (const m of readFileSync(path.join(outdir, file), 'utf8').matchAll(/^import (?:[^'"]*from )?"\.\/([^"]+)"/gm)) atStart.add(m[1]!)
  }
  t.ok(atStart.size > 2, `a start loads ${[...atStart].join(', ')}`)
  t.notOk(atStart.has(bodyRenderer!), 'and not the body renderer')
  for (const file of atStart) {
    t.notMatch(readFileSync(path.join(outdir, file), 'utf8'), /^\/\/ node_modules\/(sanitize-html|marked|saxes)\//m, `${file} holds none of the renderer's or the importers' parsers`)
  }
  // Every static import of a chunk, by the name it imports (`import … from "x"` and `import "x"`);
  // the banner's node:module is the one built-in imported as an ES module.
  const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]))
  for (const file of files.filter((f) => f.endsWith('.js'))) {
    const imported = [...readFileSync(path.join(outdir, file), 'utf8').matchAll(/^import (?:[^'"]*from )?["']([^"']+)["']/gm)].map((m) => m[1]!)
    t.same(
      imported.filter((name) => builtins.has(name) && name !== 'node:module'),
      [],
      `${file} imports no built-in as an ES module (its facade would read every export)`,
    )
  }

  for (const file of files.filter((f) => f.endsWith('.js'))) {
    t.notMatch(readFileSync(path.join(outdir, file), 'latin1'), /[\u0080-\uffff]/, `${file} is ASCII (a one-byte string for V8)`)
  }

  const env: Record<string, string> = {
    NODE_ENV: 'production',
    SEED: 'false',
    JWT_SECRET: 'b'.repeat(64),
    ADMIN_EMAIL: 'desk@example.com',
    ADMIN_PASSWORD: 'a-bundled-password',
  }
  if (process.env.TEST_DATABASE_URL) {
    const db = await createTestDatabase()
    t.teardown(() => db.destroy())
    env.DATABASE_URL = db.url!
  } else {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'newsroom-bundle-'))
    t.teardown(() => rmSync(dataDir, { recursive: true, force: true }))
    env.DATA_DIR = dataDir
  }
  const server = await startServer(env, { args: [path.join(outdir, 'server.js')] })
  t.teardown(() => server.stop('SIGKILL'))

  const articles = await fetch(`${server.url}/v1/articles`)
  t.equal(articles.status, 200)
  t.equal(((await articles.json()) as { meta: { total: number } }).meta.total, 0)
  const docs = await fetch(`${server.url}/docs/`)
  t.equal(docs.status, 200, '/docs (built on its first request)')
  t.match(await docs.text(), /swagger-ui/)
  const spec = (await (await fetch(`${server.url}/openapi.json`)).json()) as { openapi: string }
  t.match(spec.openapi, /^3\./)

  // A body is rendered by the chunk loaded on the first render.
  const login = await fetch(`${server.url}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'desk@example.com', password: 'a-bundled-password' }),
  })
  t.equal(login.status, 200)
  const { access_token: token } = (await login.json()) as { access_token: string }
  const created = await fetch(`${server.url}/v1/admin/pages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ title: 'Ethics Policy', body: 'We **correct** errors.<script>alert(1)</script>' }),
  })
  t.equal(created.status, 201)
  t.match(((await created.json()) as { data: { body_html: string } }).data, { body_html: '<p>We <strong>correct</strong> errors.</p>' })
  // slugify's /['’`]/ reached the bundle as /['\u2019`]/: the same expression.
  const curly = await fetch(`${server.url}/v1/admin/pages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ title: 'Reader’s Guide — Café', body: 'Ça va.' }),
  })
  t.equal(curly.status, 201)
  t.match(((await curly.json()) as { data: { slug: string; title: string } }).data, { slug: 'readers-guide-cafe', title: 'Reader’s Guide — Café' })
  t.equal(await server.stop(), 0, 'and it stops cleanly')
})

t.test('asciiOnly: the same module in ASCII, or a clear refusal', async (t) => {
  t.equal(asciiOnly('const a = 1\n'), 'const a = 1\n', 'ASCII code is returned as it is')
  const code = "// a comment — with § and 😀\nconst re = /['’`]/g\nconst s = 'Café 😀'\nconst astral = /^[😀é]+$/u\n/* é */ export { re, s, astral }\n"
  const ascii = asciiOnly(code)
  t.notMatch(ascii, /[\u0080-\uffff]/, 'no character left outside ASCII')
  t.equal(ascii.split('\n')[0]!.length, code.split('\n')[0]!.length, 'a comment keeps its length (columns stay put)')
  t.match(ascii, "/['\\u2019`]/g")
  const dir = mkdtempSync(path.join(tmpdir(), 'ascii-only-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const load = async (source: string, name: string) => {
    const file = path.join(dir, name)
    writeFileSync(file, source)
    return (await import(file)) as { re: RegExp; s: string; astral: RegExp }
  }
  const before = await load(code, 'before.mjs')
  const after = await load(ascii, 'after.mjs')
  t.equal(after.s, before.s, 'a string means the same')
  t.equal(after.re.source.length > 0 && 'It’s'.replace(after.re, ''), 'Its', 'a regular expression matches the same')
  for (const input of ['😀é😀', '\ud83d', 'x']) t.equal(after.astral.test(input), before.astral.test(input), `a /u class with an astral character: ${JSON.stringify(input)} the same`)
  t.throws(() => asciiOnly('// é\u2028const x = 1\n'), /line or paragraph separator/, 'U+2028 would end a line comment: refused, not turned into ?')
  t.throws(() => asciiOnly('const café = 1\n', 'x.js'), /x\.js: a non-ASCII character outside a comment, string or regular expression/, 'an identifier is refused')
  t.throws(() => asciiOnly('const t = `é`\n'), /outside a comment, string or regular expression/, 'a template literal too (its raw text would change)')
  t.throws(() => asciiOnly("const s = '\\é'\n"), /an escaped non-ASCII character/, 'an identity escape would become a backslash and u00e9')
})
