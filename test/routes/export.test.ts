import t from 'tap'
import { sql } from 'drizzle-orm'
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { ROOT } from '../helpers/clis.js'
import { assertProblem } from '../helpers/assertions.js'
import { createUser } from '../helpers/auth.js'
import { build, type TestApp } from '../helpers/build.js'
import { postComment } from '../helpers/comments.js'
import { TS_NODE_ARGS } from '../helpers/ts-runner.js'

/**
 * GET /v1/admin/export: the whole publication as one JSON document, and its restore. The round trip
 * (export → restore into an empty database → export) gives the same document, byte for byte, apart
 * from its `exported_at`: ids are kept, and what the database derives (counts, tag copies, search
 * vectors) is derived again on the way in.
 */
interface ExportDoc {
  format: string
  version: number
  schema_migrations: number
  exported_at: string
  tables: Record<string, Record<string, unknown>[]>
}

async function exportOf(app: TestApp, auth: Record<string, string>) {
  const res = await app.inject({ url: '/v1/admin/export', headers: auth })
  return { res, doc: res.statusCode === 200 ? (JSON.parse(res.body) as ExportDoc) : undefined }
}

const withoutStamp = (body: string) => body.replace(/"exported_at":"[^"]+"/, '"exported_at":"…"')

t.test('an admin exports the publication: every table, no secrets, one consistent document; others may not', async (t) => {
  const app = await build(t, { seed: true, env: { COMMENT_RATE_EMAIL: '1000', COMMENT_RATE_IP: '1000' } })
  const admin = await createUser(app, 'admin')
  const editor = await createUser(app, 'editor')
  const slug = 'chinas-6th-generation-fighter-jet-takes-first-flight'
  const posted = await postComment(app, slug, { author_name: 'Mei', author_email: 'mei@example.com', body: 'A first comment' })
  t.ok(posted.statusCode === 201 || posted.statusCode === 202)

  const { res, doc } = await exportOf(app, admin.auth)
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^application\/json/)
  t.match(res.headers['content-disposition'], /^attachment; filename="newsroom-export-\d{4}-\d{2}-\d{2}\.json"$/)
  t.equal(res.headers['cache-control'], 'private, no-store')
  t.match(doc, { format: 'newsroom-export', version: 1, schema_migrations: Number })
  const tables = doc!.tables
  t.equal(tables.sections!.length, 7, 'the demo sections')
  t.equal(tables.articles!.length, 18, 'the demo articles')
  t.equal(tables.pages!.length, 5, 'the demo pages')
  t.ok(Array.isArray(tables.article_revisions), 'with their revisions')
  t.ok(tables.media!.length > 0, 'media metadata')
  t.equal(tables.comments!.length, 1, 'the comment')
  t.equal(tables.site_settings!.length, 1)
  t.ok(tables.users!.some((u) => u.email === admin.email))
  const text = res.body
  for (const secret of ['password_hash', 'session_epoch', 'confirm_token_hash', '"search"', 'search_head', 'tag_refs', 'usage_count']) {
    t.notOk(text.includes(secret), `no ${secret} in the export`)
  }

  assertProblem(t, await app.inject({ url: '/v1/admin/export', headers: editor.auth }), 403, 'FORBIDDEN')
  assertProblem(t, await app.inject({ url: '/v1/admin/export' }), 401, 'UNAUTHORIZED')
  assertProblem(t, await app.inject({ url: '/v1/admin/export?tables=articles', headers: admin.auth }), 400, 'VALIDATION_FAILED')
})

t.test('round trip: export → restore into an empty database → export is the same document; a second restore changes nothing', async (t) => {
  const source = await build(t, { seed: true, env: { COMMENT_RATE_EMAIL: '1000', COMMENT_RATE_IP: '1000' } })
  const admin = await createUser(source, 'admin')
  const slug = 'chinas-6th-generation-fighter-jet-takes-first-flight'
  // A thread with a reply, approved, so derived counts have something to count.
  const first = (await postComment(source, slug, { author_name: 'Mei', author_email: 'mei@example.com', body: 'Top-level' })).json().data as { id: string }
  await source.inject({ method: 'PATCH', url: `/v1/admin/comments/${first.id}`, headers: { ...admin.auth, 'if-match': '*' }, payload: { status: 'approved' } })
  await postComment(source, slug, { author_name: 'Ravi', author_email: 'ravi@example.com', body: 'A reply', parent_id: first.id })
  const signup = await source.inject({ method: 'POST', url: '/v1/newsletter/subscriptions', payload: { email: 'reader@example.com' } })
  t.ok(signup.statusCode < 300, `a subscriber (${signup.statusCode})`)
  const exported = await exportOf(source, admin.auth)
  t.equal(exported.res.statusCode, 200)

  const target = await build(t, {})
  const counts = await target.services.exporter.restore(exported.doc)
  t.equal(counts.articles, 18)
  t.equal(counts.comments, exported.doc!.tables.comments!.length)
  const restoredAdmin = await createUser(target, 'admin')
  const again = await exportOf(target, restoredAdmin.auth)
  t.equal(again.res.statusCode, 200)
  // The admin made to read the target is the one difference: take it out, then compare whole documents.
  const second = JSON.parse(again.res.body) as ExportDoc
  second.tables.users = second.tables.users!.filter((u) => u.id !== restoredAdmin.id)
  const firstDoc = JSON.parse(exported.res.body) as ExportDoc
  t.equal(withoutStamp(JSON.stringify(second)), withoutStamp(JSON.stringify(firstDoc)), 'the same document, apart from exported_at')

  // What readers see is the same, derived columns included (comment_count, tags, search).
  for (const url of [`/v1/articles/${slug}`, '/v1/tags?sort=-article_count', '/v1/search?q=carrier', '/v1/sections/india', `/v1/articles/${slug}/comments`]) {
    const a = await source.inject({ url })
    const b = await target.inject({ url })
    t.equal(b.statusCode, 200, url)
    t.same(b.json().data, a.json().data, `${url} reads the same`)
  }

  const twice = await target.services.exporter.restore(exported.doc)
  t.same(Object.values(twice).filter((n) => n > 0), [1], 'a second restore inserts nothing (the settings row is rewritten with the same values)')
  const third = JSON.parse((await exportOf(target, restoredAdmin.auth)).res.body) as ExportDoc
  third.tables.users = third.tables.users!.filter((u) => u.id !== restoredAdmin.id)
  t.equal(withoutStamp(JSON.stringify(third)), withoutStamp(JSON.stringify(firstDoc)), 'and changes nothing')
})

t.test('a document that is not an export, or does not fit, is refused whole: nothing is written', async (t) => {
  const source = await build(t, { seed: true })
  const admin = await createUser(source, 'admin')
  const { doc } = await exportOf(source, admin.auth)
  const target = await build(t, {})
  const articleCount = async () => Number(((await target.database.db.execute(sql`select count(*)::int as n from articles`)) as unknown as { rows: { n: number }[] }).rows[0]!.n)

  const refuse = async (document: unknown, pattern: RegExp, label: string) => {
    const error = await target.services.exporter.restore(document).then(
      () => undefined,
      (e: unknown) => e as { code?: string; message: string },
    )
    t.equal(error?.code, 'UNPROCESSABLE', `${label}: refused`)
    t.match(error?.message, pattern, `${label}: says why`)
    t.equal(await articleCount(), 0, `${label}: nothing written`)
  }
  await refuse({ hello: 'world' }, /Not a newsroom-export document/, 'not an export')
  await refuse({ ...doc, version: 2 }, /version 2 is not supported/, 'a future format')
  await refuse({ ...doc, schema_migrations: doc!.schema_migrations + 1 }, /newer schema/, 'a newer schema')
  await refuse({ ...doc, tables: { ...doc!.tables, wp_posts: [] } }, /Unknown tables in the export: wp_posts/, 'an unknown table')
  await refuse({ ...doc, tables: { ...doc!.tables, articles: [{ ...doc!.tables.articles![0], colour: 'red' }] } }, /articles: unknown column colour/, 'an unknown column')
  await refuse({ ...doc, tables: { ...doc!.tables, sections: [] } }, /articles: rows 1–18 cannot be restored/, 'articles without their sections')
  await refuse({ ...doc, tables: { ...doc!.tables, articles: 'many' } }, /tables.articles must be an array of objects/, 'a table that is not a list')
})

t.test('npm run import -- newsroom FILE restores an export from the command line, once', async (t) => {
  const source = await build(t, { seed: true })
  const admin = await createUser(source, 'admin')
  const dir = mkdtempSync(path.join(tmpdir(), 'newsroom-restore-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const file = path.join(dir, 'export.json')
  writeFileSync(file, (await source.inject({ url: '/v1/admin/export', headers: admin.auth })).body)
  writeFileSync(path.join(dir, 'broken.json'), '{"format":"newsroom-export"')
  // A fresh embedded database of its own (not the test's PostgreSQL, whatever TEST_DATABASE_URL says).
  const env = { ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(DATABASE_URL|TEST_DATABASE_URL)$/.test(name))), DATA_DIR: path.join(dir, 'data'), LOG_LEVEL: 'silent' }
  const cli = (...args: string[]) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [...TS_NODE_ARGS, 'src/cli/import.ts', ...args], { cwd: ROOT, env }, (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr }))
    })
  const first = await cli('newsroom', file)
  t.equal(first.code, 0, first.stderr)
  t.match(first.stdout, /\n {2}articles: 18\n/)
  t.match(first.stdout, /\n {2}sections: 7\n/)
  const again = await cli('newsroom', file)
  t.equal(again.code, 0, again.stderr)
  t.match(again.stdout, /\n {2}articles: 0\n/, 'a second restore inserts nothing')
  t.match(await cli('newsroom', path.join(dir, 'broken.json')), { code: 1, stderr: /import failed: .*broken\.json is not a JSON document/ })
})
