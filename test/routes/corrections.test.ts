import t from 'tap'
import { sql } from 'drizzle-orm'
import { createManualClock } from '../../src/lib/clock.js'
import { createUser } from '../helpers/auth.js'
import { build } from '../helpers/build.js'
import { startReceiver } from '../helpers/receiver.js'

const SEEDED = 'china-working-on-resumption-of-dialogue-with-us-report'

interface Note {
  id: string
  kind: string
  text: string
  at: string
}

t.test('the seeded article: a two-author byline and a correction', async (t) => {
  const app = await build(t, { seed: true })
  const article = (await app.inject({ url: `/v1/articles/${SEEDED}` })).json().data
  t.same(article.authors.map((a: { slug: string }) => a.slug), ['the-defence-times', 'meera-kapoor'])
  t.equal(article.corrections.length, 1)
  t.match(article.corrections[0], { kind: 'correction', at: '2022-12-16T14:05:00.000Z', text: /Bali/ })
  t.equal(article.updated_at, '2022-12-16T14:05:00.000Z', 'updated when corrected')
  const list = await app.inject({ url: '/v1/corrections' })
  t.equal(list.statusCode, 200)
  t.match(list.json(), { data: [{ kind: 'correction', article: { slug: SEEDED, id: article.id } }], meta: { limit: 20, page: 1, pages: 1, total: 1 } })
})

t.test('an editor appends corrections: versioned, public, in order, webhooks and history', async (t) => {
  const receiver = await startReceiver()
  t.teardown(() => receiver.close())
  const clock = createManualClock('2026-06-01T12:00:00.000Z')
  const app = await build(t, { seed: true, clock, env: { WEBHOOK_ALLOW_PRIVATE: 'true' } })
  const admin = await createUser(app, 'admin')
  t.equal((await app.inject({ method: 'POST', url: '/v1/admin/webhooks', headers: admin.auth, payload: { url: receiver.url, events: ['article.updated'] } })).statusCode, 201)
  const editor = await createUser(app, 'editor', { author: 'the-defence-times' })
  const author = await createUser(app, 'author')
  const created = await app.inject({ method: 'POST', url: '/v1/admin/articles', headers: editor.auth, payload: { title: 'Corrected Story', section: 'india', body: 'Text.', status: 'published' } })
  t.equal(created.statusCode, 201)
  const { id, slug } = created.json().data as { id: string; slug: string }
  const url = `/v1/admin/articles/${id}/corrections`
  const post = (headers: Record<string, string>, payload: Record<string, unknown>) => app.inject({ method: 'POST', url, headers: { ...editor.auth, ...headers }, payload })

  // Bad requests: nothing written.
  t.equal((await post({}, { kind: 'correction', text: 'No precondition.' })).statusCode, 428, 'If-Match is required')
  t.equal((await post({ 'if-match': '"v7"' }, { kind: 'correction', text: 'Stale.' })).statusCode, 412, 'a stale version is refused')
  t.equal((await post({ 'if-match': '"v1"' }, { kind: 'erratum', text: 'Unknown kind.' })).statusCode, 400, 'an unknown kind is a 400')
  t.equal((await post({ 'if-match': '"v1"' }, { kind: 'update', text: '   ' })).statusCode, 400, 'blank text is a 400')
  t.equal((await post({ 'if-match': '"v1"' }, { kind: 'update', text: 'Extra.', surprise: 1 })).statusCode, 400, 'unknown fields are a 400')
  const future = await post({ 'if-match': '"v1"' }, { kind: 'update', text: 'From the future.', at: '2026-06-02T00:00:00.000Z' })
  t.equal(future.statusCode, 422)
  t.equal(future.json().code, 'UNPROCESSABLE')
  const byAuthor = await app.inject({ method: 'POST', url, headers: { ...author.auth, 'if-match': '"v1"' }, payload: { kind: 'correction', text: 'Not mine to correct.' } })
  t.equal(byAuthor.statusCode, 403, 'writers cannot append corrections')
  const draft = await app.inject({ method: 'POST', url: '/v1/admin/articles', headers: editor.auth, payload: { title: 'Still A Draft', section: 'india' } })
  const onDraft = await app.inject({ method: 'POST', url: `/v1/admin/articles/${draft.json().data.id}/corrections`, headers: { ...editor.auth, 'if-match': '"v1"' }, payload: { kind: 'correction', text: 'Too early.' } })
  t.equal(onDraft.statusCode, 422, 'only published articles take corrections')
  t.equal((await app.inject({ method: 'POST', url: '/v1/admin/articles/00000000-0000-4000-8000-000000000000/corrections', headers: { ...editor.auth, 'if-match': '"v1"' }, payload: { kind: 'correction', text: 'Nobody.' } })).statusCode, 404)
  const count = async () => (await app.testDb.database.db.execute(sql`select count(*)::int as n from article_corrections where article_id = ${id}`)) as unknown as { rows: { n: number }[] }
  t.equal((await count()).rows[0]!.n, 0, 'nothing written by the refused requests')

  clock.advance(60_000)
  const first = await post({ 'if-match': '"v1"' }, { kind: 'correction', text: 'An earlier version misspelt the minister’s name.' })
  t.equal(first.statusCode, 201, first.body)
  t.equal(first.headers.etag, '"v2"', 'the article’s new version')
  t.match(first.json().data, { kind: 'correction', at: '2026-06-01T12:01:00.000Z' })
  clock.advance(60_000)
  const second = await post({ 'if-match': '"v2"' }, { kind: 'update', text: 'The ministry has since confirmed the figures.' })
  t.equal(second.statusCode, 201)
  const backdated = await post({ 'if-match': '"v3"' }, { kind: 'clarification', text: 'Backdated.', at: '2026-06-01T12:00:30.000Z' })
  t.equal(backdated.statusCode, 201)

  const article = (await app.inject({ url: `/v1/articles/${slug}` })).json().data
  t.same(article.corrections.map((c: Note) => c.kind), ['clarification', 'correction', 'update'], 'in the order they took effect')
  t.equal(article.updated_at, '2026-06-01T12:02:00.000Z', 'updated_at is the last correction’s time')

  // Rewording keeps the old wording in the article's revisions.
  const noteId = (first.json().data as Note).id
  const reworded = await app.inject({ method: 'PATCH', url: `${url}/${noteId}`, headers: { ...editor.auth, 'if-match': '"v4"' }, payload: { text: 'An earlier version misspelt the defence minister’s name.' } })
  t.equal(reworded.statusCode, 200, reworded.body)
  t.equal(reworded.headers.etag, '"v5"')
  t.equal((await app.inject({ method: 'PATCH', url: `${url}/${noteId}`, headers: editor.auth, payload: { text: 'Silent.' } })).statusCode, 428, 'no silent edit')
  t.equal((await app.inject({ method: 'PATCH', url: `${url}/00000000-0000-4000-8000-000000000000`, headers: { ...editor.auth, 'if-match': '"v5"' }, payload: { text: 'Nobody.' } })).statusCode, 404)
  const v4 = (await app.inject({ url: `/v1/admin/articles/${id}/revisions/4`, headers: editor.auth })).json().data
  const v5 = (await app.inject({ url: `/v1/admin/articles/${id}/revisions/5`, headers: editor.auth })).json().data
  t.match((v4.snapshot.corrections as Note[]).find((c) => c.id === noteId), { text: 'An earlier version misspelt the minister’s name.' }, 'the earlier wording is in the history')
  t.match((v5.snapshot.corrections as Note[]).find((c) => c.id === noteId), { text: 'An earlier version misspelt the defence minister’s name.' })

  // The admin representation carries them; restoring an old revision never takes one back.
  const restored = await app.inject({ method: 'POST', url: `/v1/admin/articles/${id}/revisions/1/restore`, headers: { ...editor.auth, 'if-match': '"v5"' } })
  t.equal(restored.statusCode, 200, restored.body)
  t.equal(restored.json().data.corrections.length, 3, 'a restore keeps every correction')

  // Each one fired article.updated.
  await app.services.outbox.runOnce()
  await app.services.outbox.runOnce()
  const events = receiver.received.map((r) => JSON.parse(r.body) as { type: string; data: { current: { corrections: Note[] } } })
  t.ok(events.filter((e) => e.type === 'article.updated').length >= 4, 'article.updated for each correction and the rewording')
  t.ok(events.some((e) => e.data.current.corrections.length === 3), 'the payload carries the corrections')

  // The transparency page: newest first, page mode, surrogate keys of each article.
  const list = await app.inject({ url: '/v1/corrections?limit=2' })
  t.equal(list.statusCode, 200)
  t.same(list.json().data.map((c: Note) => c.kind), ['update', 'correction'], 'newest first')
  t.match(list.json().meta, { limit: 2, page: 1, total: 4, pages: 2 })
  t.match(list.headers.link, /page=2>; rel="next"/)
  t.match(String(list.headers['surrogate-key']), new RegExp(`article:${id}`))
  t.equal((await app.inject({ url: '/v1/corrections?cursor=abc' })).statusCode, 400, 'page mode only')

  // Unpublished, its corrections leave the public list.
  const archived = await app.inject({ method: 'PATCH', url: `/v1/admin/articles/${id}`, headers: { ...editor.auth, 'if-match': '"v6"' }, payload: { status: 'archived' } })
  t.equal(archived.statusCode, 200, archived.body)
  t.equal((await app.inject({ url: '/v1/corrections' })).json().meta.total, 1, 'only the seeded one is public now')
})
