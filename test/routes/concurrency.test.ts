import t from 'tap'
import { createUser } from '../helpers/auth.js'
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
