import t from 'tap'
import { createUser } from '../helpers/auth.js'
import { assertProblem } from '../helpers/assertions.js'
import { build } from '../helpers/build.js'

t.test('concurrent conflicting edits resolve by version: one wins, the rest get 412, no update is lost', async (t) => {
  const app = await build(t, { seed: true })
  const editors = await Promise.all([createUser(app, 'editor'), createUser(app, 'editor'), createUser(app, 'admin')])
  const created = await app.inject({ method: 'POST', url: '/v1/admin/articles', headers: editors[0]!.auth, payload: { title: 'Contested', section: 'india', author: 'the-defence-times', body: 'v1' } })
  const { id, version } = created.json().data as { id: string; version: number }
  const etag = String(created.headers.etag)

  const answers = await Promise.all(
    Array.from({ length: 8 }, (_, i) =>
      app.inject({ method: 'PATCH', url: `/v1/admin/articles/${id}`, headers: { ...editors[i % 3]!.auth, 'if-match': etag }, payload: { title: `Edit ${i}`, body: `body ${i}` } }),
    ),
  )
  const winners = answers.filter((r) => r.statusCode === 200)
  t.equal(winners.length, 1, 'exactly one edit applied')
  t.same(answers.filter((r) => r.statusCode !== 200).map((r) => r.statusCode), Array(7).fill(412), 'every other edit was refused, not silently merged')
  const current = (await app.inject({ url: `/v1/admin/articles/${id}`, headers: editors[0]!.auth })).json().data as { title: string; body_source: string; version: number }
  const won = winners[0]!.json().data as { title: string }
  t.equal(current.version, version + 1)
  t.equal(current.title, won.title, 'the stored article is the winning edit, whole')
  t.equal(current.body_source, `body ${won.title.slice(5)}`)

  // The losers re-read and retry on the new version: each applies in turn, one version each.
  let latest = String((await app.inject({ url: `/v1/admin/articles/${id}`, headers: editors[0]!.auth })).headers.etag)
  for (let i = 0; i < 3; i++) {
    const res = await app.inject({ method: 'PATCH', url: `/v1/admin/articles/${id}`, headers: { ...editors[0]!.auth, 'if-match': latest }, payload: { excerpt: `retry ${i}` } })
    t.equal(res.statusCode, 200)
    latest = String(res.headers.etag)
  }
  t.equal(((await app.inject({ url: `/v1/admin/articles/${id}`, headers: editors[0]!.auth })).json().data as { version: number }).version, version + 4)
})

t.test('a malformed If-Match is a 400 that explains the format; a well-formed one for no version of ours is 412', async (t) => {
  const app = await build(t, { seed: true })
  const admin = await createUser(app, 'admin')
  const created = await app.inject({ method: 'POST', url: '/v1/admin/articles', headers: admin.auth, payload: { title: 'Validators', section: 'india', author: 'the-defence-times', body: 'v1' } })
  const page = await app.inject({ method: 'POST', url: '/v1/admin/pages', headers: admin.auth, payload: { title: 'Validators page' } })
  t.equal(page.statusCode, 201, page.body)
  const writes = [
    { method: 'PATCH' as const, url: `/v1/admin/articles/${created.json().data.id}`, payload: { excerpt: 'x' } },
    { method: 'PATCH' as const, url: `/v1/admin/pages/${page.json().data.id}`, payload: { body: 'x' } },
    { method: 'PATCH' as const, url: '/v1/admin/settings', payload: { tagline: 'x' } },
  ]
  for (const write of writes) {
    for (const malformed of ['v2', '"v2', 'v2"', '"v1", v2']) {
      const problem = assertProblem(t, await app.inject({ ...write, headers: { ...admin.auth, 'if-match': malformed } }), 400, 'VALIDATION_FAILED')
      t.match(problem.detail, /"v<version>"/, `${write.url} If-Match: ${malformed}: the detail shows the format`)
      t.match(problem.invalid_params, [{ name: 'header.if-match', reason: /quoted/ }])
    }
    const stale = assertProblem(t, await app.inject({ ...write, headers: { ...admin.auth, 'if-match': '"not-ours"' } }), 412, 'PRECONDITION_FAILED')
    t.ok(stale, `${write.url}: a quoted tag we never issued cannot match`)
  }
})

t.test('sections, tags and authors follow the same optimistic-concurrency rule as articles, pages, media and settings', async (t) => {
  const app = await build(t)
  const admin = await createUser(app, 'admin')
  const h = admin.auth
  const kinds = [
    { path: 'sections', create: { name: 'Defence', slug: 'defence' }, edit: { description: 'Armed forces' } },
    { path: 'tags', create: { name: 'Radar', slug: 'radar' }, edit: { description: 'Sensors' } },
    { path: 'authors', create: { name: 'Asha Rao', slug: 'asha-rao' }, edit: { bio: 'Night editor.' } },
  ]
  for (const kind of kinds) {
    const url = `/v1/admin/${kind.path}/${kind.create.slug}`
    const created = await app.inject({ method: 'POST', url: `/v1/admin/${kind.path}`, headers: h, payload: kind.create })
    t.equal(created.statusCode, 201)
    t.equal(created.headers.etag, '"v1"', `${kind.path}: a created one carries its version as ETag`)
    assertProblem(t, await app.inject({ method: 'PATCH', url, headers: h, payload: kind.edit }), 428, 'PRECONDITION_REQUIRED')
    assertProblem(t, await app.inject({ method: 'DELETE', url, headers: h }), 428, 'PRECONDITION_REQUIRED')
    const malformed = assertProblem(t, await app.inject({ method: 'PATCH', url, headers: { ...h, 'if-match': 'v1' }, payload: kind.edit }), 400, 'VALIDATION_FAILED')
    t.match(malformed.invalid_params, [{ name: 'header.if-match' }])
    const edited = await app.inject({ method: 'PATCH', url, headers: { ...h, 'if-match': '"v1"' }, payload: kind.edit })
    t.equal(edited.statusCode, 200, `${kind.path}: edited on the version read`)
    t.equal(edited.headers.etag, '"v2"')
    assertProblem(t, await app.inject({ method: 'PATCH', url, headers: { ...h, 'if-match': '"v1"' }, payload: kind.edit }), 412, 'PRECONDITION_FAILED')
    assertProblem(t, await app.inject({ method: 'PATCH', url, headers: h, payload: { ...kind.edit, version: 1 } }), 409, 'VERSION_CONFLICT')
    t.equal((await app.inject({ method: 'PATCH', url, headers: h, payload: { ...kind.edit, version: 2 } })).headers.etag, '"v3"', 'or the version in the body')
    assertProblem(t, await app.inject({ method: 'DELETE', url, headers: { ...h, 'if-match': '"v2"' } }), 412, 'PRECONDITION_FAILED')
    t.equal((await app.inject({ method: 'DELETE', url, headers: { ...h, 'if-match': '"v3"' } })).statusCode, 204)
  }

  // Concurrent edits of one version: one wins, the others are refused (no lost update).
  const tag = await app.inject({ method: 'POST', url: '/v1/admin/tags', headers: h, payload: { name: 'Contested' } })
  const answers = await Promise.all(
    Array.from({ length: 5 }, (_, i) => app.inject({ method: 'PATCH', url: '/v1/admin/tags/contested', headers: { ...h, 'if-match': String(tag.headers.etag) }, payload: { description: `edit ${i}` } })),
  )
  t.same(answers.map((r) => r.statusCode).sort(), [200, 412, 412, 412, 412])
})
