import t from 'tap'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { assertProblem } from '../helpers/assertions.js'
import { createUser } from '../helpers/auth.js'
import { build } from '../helpers/build.js'
import { multipart } from '../helpers/images.js'
import { FIXTURES, fixtureFile, startUploadsServer } from '../helpers/wordpress.js'

t.test('admin imports', async (t) => {
  const uploads = await startUploadsServer()
  t.teardown(uploads.close)
  const app = await build(t, { env: { MEDIA_FETCH_ALLOW_PRIVATE: 'true', IMPORT_MAX_BYTES: '20000' } })
  const admin = await createUser(app, 'admin')
  const editor = await createUser(app, 'editor')
  const wxr = readFileSync(fixtureFile('newsroom.wxr.xml', uploads.origin))
  const post = (parts: Parameters<typeof multipart>[0], headers: Record<string, string> = admin.auth) => {
    const body = multipart(parts)
    return app.inject({ method: 'POST', url: '/v1/admin/imports', payload: body.payload, headers: { ...body.headers, ...headers } })
  }
  const fileOf = (data: Buffer, filename = 'export.xml') => ({ name: 'file', filename, contentType: 'application/xml', data })
  const spool = path.join(app.dataDir, 'imports')
  const spooled = () => (existsSync(spool) ? readdirSync(spool) : [])

  await t.test('an admin posts a WordPress export: 202 with the queued job, run by the outbox worker', async (t) => {
    const res = await post([{ name: 'source', value: 'wordpress' }, fileOf(wxr, 'ledger.xml')])
    t.equal(res.statusCode, 202)
    const job = res.json().data
    t.match(job, { source: 'wordpress', status: 'queued', filename: 'ledger.xml', bytes: wxr.length, dry_run: false, counts: {}, warnings: [], error: null })
    t.equal(res.headers.location, `${app.config.publicUrl}/v1/admin/imports/${job.id}`)
    t.equal(spooled().length, 1, 'the file is spooled for the worker')

    await app.services.outbox.runOnce()
    const done = await app.inject({ method: 'GET', url: `/v1/admin/imports/${job.id}`, headers: admin.auth })
    t.equal(done.statusCode, 200)
    t.match(done.json().data, {
      status: 'completed',
      counts: { article: { created: 4 }, page: { created: 1 }, comment: { created: 4 }, media: { created: 2, failed: 1 }, section: { created: 3 } },
      error: null,
      warnings_dropped: 0,
    })
    t.ok(done.json().data.warnings.some((w: { item: string; message: string }) => w.item === 'post:30' && w.message.includes('[pullquote]')), 'warnings per item')
    t.same(spooled(), [], 'the spooled file is removed when the job ends')

    const article = await app.inject({ method: 'GET', url: '/v1/articles/pacific-freight-rates' })
    t.equal(article.statusCode, 200)
    t.match(article.json().data, { section: { slug: 'asia-pacific' }, comment_count: 2 })
    const resolved = await app.inject({ method: 'GET', url: `/v1/resolve?path=${encodeURIComponent('https://ledger.example/2026/04/30/pacific-freight-rates/'.replace('https://ledger.example', ''))}` })
    t.match(resolved.json().data, { slug: 'pacific-freight-rates', status: 301 })
  })

  await t.test('the same file again as a dry run: nothing would be created', async (t) => {
    const res = await post([{ name: 'source', value: 'wordpress' }, { name: 'dry_run', value: 'true' }, fileOf(wxr)])
    t.equal(res.statusCode, 202)
    await app.services.outbox.runOnce()
    const job = (await app.inject({ method: 'GET', url: `/v1/admin/imports/${res.json().data.id}`, headers: admin.auth })).json().data
    t.equal(job.status, 'completed')
    t.equal(job.dry_run, true)
    const { media, ...rest } = job.counts as Record<string, { created: number; updated: number }>
    for (const [kind, c] of Object.entries(rest)) t.equal(c.created + c.updated, 0, `${kind}: nothing to do`)
    t.match(media, { created: 1, updated: 0, skipped: 2 }, 'only the image that could not be fetched would be tried again')
  })

  await t.test('the taxonomy mapping is the job\'s own: extra categories left out instead of becoming tags', async (t) => {
    const res = await post([{ name: 'source', value: 'wordpress' }, { name: 'dry_run', value: 'true' }, { name: 'extra_categories', value: 'ignore' }, fileOf(wxr)])
    t.equal(res.statusCode, 202)
    t.same(res.json().data.mapping, { extra_categories: 'ignore', primary_tag: 'section' })
    await app.services.outbox.runOnce()
    const job = (await app.inject({ method: 'GET', url: `/v1/admin/imports/${res.json().data.id}`, headers: admin.auth })).json().data
    t.match(job, { status: 'completed', mapping: { extra_categories: 'ignore' }, counts: { article: { updated: 1, created: 0 } } }, 'the post with two categories would lose its category tag')
    assertProblem(t, await post([{ name: 'source', value: 'wordpress' }, { name: 'extra_categories', value: 'sections' }, fileOf(wxr)]), 400, 'VALIDATION_FAILED')
    t.match((await post([{ name: 'source', value: 'wordpress' }, { name: 'primary_tag', value: 'tag' }, fileOf(wxr)])).json().detail, /primary_tag applies to Ghost imports only/)
    t.match((await post([{ name: 'source', value: 'ghost' }, { name: 'extra_categories', value: 'tags' }, fileOf(wxr)])).json().detail, /extra_categories applies to WordPress imports only/)
    t.same(spooled(), [], 'refused uploads leave nothing spooled')
  })

  await t.test('a Ghost export as a job: source ghost, run by the worker', async (t) => {
    const ghost = readFileSync(path.join(FIXTURES, '../ghost/newsroom.ghost.json'), 'utf8').replaceAll('{{ORIGIN}}', uploads.origin)
    const res = await post([{ name: 'source', value: 'ghost' }, { ...fileOf(Buffer.from(ghost), 'ghost.json'), contentType: 'application/json' }])
    t.equal(res.statusCode, 202)
    t.equal(res.json().data.source, 'ghost')
    await app.services.outbox.runOnce()
    const job = (await app.inject({ method: 'GET', url: `/v1/admin/imports/${res.json().data.id}`, headers: admin.auth })).json().data
    t.match(job, { status: 'completed', source: 'ghost', counts: { article: { created: 2 }, page: { created: 1 } } })
    t.equal((await app.inject({ url: '/v1/articles/container-rates-ease' })).statusCode, 200)
  })

  await t.test('a hostile file fails its job with the reason, writing nothing', async (t) => {
    const res = await post([{ name: 'source', value: 'wordpress' }, fileOf(readFileSync(path.join(FIXTURES, 'billion-laughs.xml')))])
    t.equal(res.statusCode, 202)
    await app.services.outbox.runOnce()
    const job = (await app.inject({ method: 'GET', url: `/v1/admin/imports/${res.json().data.id}`, headers: admin.auth })).json().data
    t.match(job, { status: 'failed', error: /document type declaration/ })
  })

  await t.test('bad input is a 4xx problem naming it, and nothing stays spooled', async (t) => {
    assertProblem(t, await post([fileOf(wxr)]), 400, 'VALIDATION_FAILED')
    t.match((await post([fileOf(wxr)])).json().detail, /source is required/)
    t.match((await post([{ name: 'source', value: 'drupal' }, fileOf(wxr)])).json().detail, /source must be wordpress or ghost/)
    assertProblem(t, await post([{ name: 'source', value: 'wordpress' }]), 400, 'VALIDATION_FAILED')
    assertProblem(t, await post([{ name: 'source', value: 'wordpress' }, fileOf(Buffer.alloc(0))]), 400, 'VALIDATION_FAILED')
    assertProblem(t, await post([{ name: 'source', value: 'wordpress' }, { name: 'extra', value: '1' }, fileOf(wxr)]), 400, 'VALIDATION_FAILED')
    assertProblem(t, await post([{ name: 'source', value: 'wordpress' }, { name: 'dry_run', value: 'maybe' }, fileOf(wxr)]), 400, 'VALIDATION_FAILED')
    assertProblem(t, await post([{ name: 'source', value: 'wordpress' }, fileOf(wxr), fileOf(wxr)]), 400, 'VALIDATION_FAILED')
    const ghost = assertProblem(t, await post([{ name: 'source', value: 'ghost' }, fileOf(wxr)]), 422, 'UNPROCESSABLE')
    t.match(ghost.detail, /not a JSON document: a Ghost export/, 'an XML file sent as a Ghost export')
    const text = assertProblem(t, await post([{ name: 'source', value: 'wordpress' }, fileOf(Buffer.from('title,body\nhello,world\n'), 'export.csv')]), 422, 'UNPROCESSABLE')
    t.match(text.detail, /not an XML document/)
    assertProblem(t, await post([{ name: 'source', value: 'wordpress' }, fileOf(Buffer.alloc(30000, 'a'))]), 413, 'PAYLOAD_TOO_LARGE')
    const json = await app.inject({ method: 'POST', url: '/v1/admin/imports', payload: { source: 'wordpress' }, headers: admin.auth })
    assertProblem(t, json, 415, 'UNSUPPORTED_MEDIA_TYPE')
    const broken = await app.inject({ method: 'POST', url: '/v1/admin/imports', payload: '--x\r\nContent-Disposition: form-data; name="source"\r\n\r\nwordpress', headers: { ...admin.auth, 'content-type': 'multipart/form-data; boundary=x' } })
    assertProblem(t, broken, 400, 'VALIDATION_FAILED')
    t.same(spooled(), [], 'refused uploads leave no file behind')
  })

  await t.test('admins only; unknown jobs are 404', async (t) => {
    assertProblem(t, await post([{ name: 'source', value: 'wordpress' }, fileOf(wxr)], editor.auth), 403, 'FORBIDDEN')
    assertProblem(t, await post([{ name: 'source', value: 'wordpress' }, fileOf(wxr)], {}), 401, 'UNAUTHORIZED')
    assertProblem(t, await app.inject({ method: 'GET', url: '/v1/admin/imports/00000000-0000-4000-8000-000000000000', headers: admin.auth }), 404, 'NOT_FOUND')
    assertProblem(t, await app.inject({ method: 'GET', url: '/v1/admin/imports/not-a-uuid', headers: admin.auth }), 400, 'VALIDATION_FAILED')
    assertProblem(t, await app.inject({ method: 'GET', url: '/v1/admin/imports/00000000-0000-4000-8000-000000000000', headers: editor.auth }), 403, 'FORBIDDEN')
  })
})
