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
