import t from 'tap'
import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { ROOT } from '../helpers/clis.js'
import { FIXTURES, fixtureFile, startUploadsServer } from '../helpers/wordpress.js'
import { TS_NODE_ARGS } from '../helpers/ts-runner.js'

/** `npm run import` on its own embedded database, images read from an uploads folder. */
t.test('npm run import -- wordpress', async (t) => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'import-cli-'))
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }))
  const env = {
    ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(DATABASE_URL|TEST_DATABASE_URL|JWT_SECRET)$/.test(name))),
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
  }
  const run = (file: string, args: string[]) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [...TS_NODE_ARGS, file, ...args], { cwd: ROOT, env }, (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr }))
    })
  const cli = (args: string[]) => run('src/cli/import.ts', args)

  // The images come from a copy of the uploads folder: the URLs in the file lead nowhere.
  const images = await startUploadsServer()
  const uploads = path.join(dataDir, 'uploads')
  mkdirSync(path.join(uploads, '2026/04'), { recursive: true })
  for (const [url, bytes] of images.images) writeFileSync(path.join(uploads, url.replace('/wp-content/uploads/', '')), bytes)
  await images.close()
  const file = fixtureFile('newsroom.wxr.xml', 'http://192.0.2.1')

  await t.test('arguments are checked before anything is opened', async (t) => {
    t.match(await cli([]), { code: 2, stderr: /Name the source and the file/ })
    t.match(await cli(['ghost']), { code: 2, stderr: /Name the source and the file/ })
    t.match(await cli(['drupal', file]), { code: 2, stderr: /Unknown source "drupal"/ })
    t.match(await cli(['wordpress', file, '--extra-categories', 'sections']), { code: 2, stderr: /--extra-categories must be tags or ignore, not "sections"/ })
    t.match(await cli(['ghost', file, '--extra-categories', 'tags']), { code: 2, stderr: /--extra-categories applies to wordpress imports only/ })
  })

  await t.test('no admin account yet: refused with what to do', async (t) => {
    t.match(await cli(['wordpress', file]), { code: 1, stderr: /No active admin account.*user:create/ })
  })

  const created = await run('src/cli/create-user.ts', ['--email', 'admin@ledger.example', '--name', 'Admin', '--role', 'admin', '--password', 'correct-horse-battery'])
  t.equal(created.code, 0, created.stderr)

  await t.test('a dry run prints what would happen', async (t) => {
    const res = await cli(['wordpress', file, '--dry-run', '--uploads', uploads])
    t.equal(res.code, 0, res.stderr)
    t.match(res.stdout, /^Dry run \(nothing written\)/)
    t.match(res.stdout, /\narticle\s+4\s+0\s+0\s+0\n/)
  })

  await t.test('the import: progress on stderr, the summary and every warning on stdout', async (t) => {
    const res = await cli(['wordpress', file, '--uploads', uploads])
    t.equal(res.code, 0, res.stderr)
    t.match(res.stderr, /pass \d\/2 .*items\/s {2}ETA \d+ s/)
    t.match(res.stdout, /\narticle\s+4\s+0\s+0\s+0\n/)
    t.match(res.stdout, /\ncomment\s+4\s+0\s+1\s+0\n/)
    t.match(res.stdout, /\nmedia\s+2\s+0\s+0\s+1\n/, 'both attachments read from the folder; the missing image failed')
    t.match(res.stdout, /post:30: image http:\/\/192\.0\.2\.1\/missing\/gone\.png not imported: its URL has no \/uploads\/ part/)
    t.match(res.stdout, /post:30: the shortcode \[pullquote\]/)
  })

  await t.test('again: everything is skipped', async (t) => {
    const res = await cli(['wordpress', file, '--uploads', uploads])
    t.equal(res.code, 0, res.stderr)
    t.match(res.stdout, /\narticle\s+0\s+0\s+4\s+0\n/)
    t.match(res.stdout, /\ncomment\s+0\s+0\s+5\s+0\n/)
  })

  await t.test('a hostile file stops with the reason', async (t) => {
    const res = await cli(['wordpress', path.join(FIXTURES, 'xxe.xml')])
    t.equal(res.code, 1)
    t.match(res.stderr, /document type declaration/)
  })
})
