import t from 'tap'
import { createManualClock } from '../../src/lib/clock.js'
import { assertProblem } from '../helpers/assertions.js'
import { createUser } from '../helpers/auth.js'
import { build } from '../helpers/build.js'

type Summary = { id: string; slug: string; section: { slug: string } }
type PublicCollection = { slug: string; name: string; size: number; articles: Summary[] }

t.test('collections: pins in slots, expiries by the clock, a rule that fills the rest, never short, only published', async (t) => {
  const clock = createManualClock('2025-06-08T09:00:00.000Z')
  const app = await build(t, { seed: true, clock })
  const editor = await createUser(app, 'editor', { author: 'the-defence-times' })
  const author = await createUser(app, 'author')
  const get = async (slug: string) => {
    const res = await app.inject({ url: `/v1/collections/${slug}` })
    t.equal(res.statusCode, 200, res.body)
    return { res, data: res.json().data as PublicCollection }
  }
  const latest = (await app.inject({ url: '/v1/articles?limit=100' })).json().data as Summary[]

  // The demo's front page: Top Stories, its lead pinned first, then the newest articles.
  const front = (await app.inject({ url: '/v1/collections' })).json().data as PublicCollection[]
  t.same(front.map((c) => c.slug), ['top-stories'])
  t.equal(front[0]!.articles.length, 6)
  t.equal(front[0]!.articles[0]!.slug, 'nato-allies-launch-large-scale-naval-exercise-in-the-baltic-sea')
  t.same(front[0]!.articles.slice(1).map((a) => a.slug), latest.filter((a) => a.slug !== front[0]!.articles[0]!.slug).slice(0, 5).map((a) => a.slug), 'the rest newest first, the pin not twice')

  // An editor creates a block of India news larger than India has articles: the latest fill in.
  const created = await app.inject({ method: 'POST', url: '/v1/admin/collections', headers: editor.auth, payload: { name: 'India Desk', size: 5, rule: { kind: 'section', section: 'india' }, position: 2 } })
  t.equal(created.statusCode, 201, created.body)
  t.equal(created.headers.etag, '"v1"')
  t.equal(created.headers.location, 'http://api.test/v1/admin/collections/india-desk')
  t.match(created.json().data, { slug: 'india-desk', size: 5, rule: { kind: 'section', section: 'india', tag: null }, items: [], version: 1 })
  let india = (await get('india-desk')).data
  t.equal(india.articles.length, 5, 'never short')
  const indiaSlugs = latest.filter((a) => a.section.slug === 'india').map((a) => a.slug)
  t.same(india.articles.slice(0, indiaSlugs.length).map((a) => a.slug), indiaSlugs, 'the rule first, newest first')
  t.equal(new Set(india.articles.map((a) => a.id)).size, 5, 'no article twice')

  // Pins: a draft waits, a published article takes its slot; writes need If-Match.
  const draft = (await app.inject({ method: 'POST', url: '/v1/admin/articles', headers: editor.auth, payload: { title: 'Exclusive Interview', section: 'europe' } })).json().data
  const other = latest.find((a) => a.section.slug === 'europe')!
  const items = { items: [{ slot: 1, article_id: draft.id }, { slot: 3, article_id: other.id, expires_at: '2025-06-08T12:00:00.000Z' }] }
  const url = '/v1/admin/collections/india-desk/items'
  assertProblem(t, await app.inject({ method: 'PUT', url, headers: editor.auth, payload: items }), 428, 'PRECONDITION_REQUIRED')
  assertProblem(t, await app.inject({ method: 'PUT', url, headers: { ...editor.auth, 'if-match': '"v7"' }, payload: items }), 412, 'PRECONDITION_FAILED')
  const bad = async (payload: Record<string, unknown>, param: string) => {
    const body = assertProblem(t, await app.inject({ method: 'PUT', url, headers: { ...editor.auth, 'if-match': '"v1"' }, payload }), 422, 'UNPROCESSABLE')
    t.match(body.invalidParams ?? body.invalid_params, [{ name: param }], param)
  }
  await bad({ items: [{ slot: 6, article_id: other.id }] }, 'body.items.0.slot')
  await bad({ items: [{ slot: 1, article_id: other.id }, { slot: 1, article_id: draft.id }] }, 'body.items.1.slot')
  await bad({ items: [{ slot: 1, article_id: other.id }, { slot: 2, article_id: other.id }] }, 'body.items.1.article_id')
  await bad({ items: [{ slot: 1, article_id: '00000000-0000-4000-8000-000000000000' }] }, 'body.items.0.article_id')
  await bad({ items: [{ slot: 1, article_id: other.id, expires_at: '2025-06-08T08:00:00.000Z' }] }, 'body.items.0.expires_at')
  assertProblem(t, await app.inject({ method: 'PUT', url, headers: { ...editor.auth, 'if-match': '"v1"' }, payload: { items: [{ slot: 0, article_id: other.id }] } }), 400, 'VALIDATION_FAILED')
  assertProblem(t, await app.inject({ method: 'PUT', url, headers: { ...author.auth, 'if-match': '"v1"' }, payload: items }), 403, 'FORBIDDEN')
  t.equal((await app.inject({ url: '/v1/admin/collections/india-desk', headers: editor.auth })).json().data.version, 1, 'nothing written by the refusals')

  await get('india-desk')
  t.equal((await get('india-desk')).res.headers['x-cache'], 'HIT')
  const pinned = await app.inject({ method: 'PUT', url, headers: { ...editor.auth, 'if-match': '"v1"' }, payload: items })
  t.equal(pinned.statusCode, 200, pinned.body)
  t.equal(pinned.headers.etag, '"v2"')
  t.match(pinned.json().data.items, [{ slot: 1, article: { id: draft.id, status: 'draft' }, expires_at: null }, { slot: 3, article: { id: other.id }, expires_at: '2025-06-08T12:00:00.000Z' }])
  let read = await get('india-desk')
  t.equal(read.res.headers['x-cache'], 'MISS', 'the pin purged the cached collection')
  t.match(String(read.res.headers['surrogate-key']), /(^| )collection:india-desk( |$)/)
  t.match(String(read.res.headers['surrogate-key']), new RegExp(`article:${other.id}`))
  india = read.data
  t.equal(india.articles.length, 5)
  t.notOk(india.articles.some((a) => a.id === draft.id), 'a pinned draft never shows')
  t.equal(india.articles[2]!.id, other.id, 'slot 3 holds its pin')
  t.same(india.articles.filter((a) => a.id !== other.id).slice(0, indiaSlugs.length).map((a) => a.slug), indiaSlugs, 'the other slots fill in order')

  // Publishing the pinned draft (a member change) purges the collection: it takes slot 1.
  t.equal((await app.inject({ method: 'PATCH', url: `/v1/admin/articles/${draft.id}`, headers: { ...editor.auth, 'if-match': '"v1"' }, payload: { status: 'published' } })).statusCode, 200)
  read = await get('india-desk')
  t.equal(read.res.headers['x-cache'], 'MISS')
  t.same([read.data.articles[0]!.id, read.data.articles[2]!.id], [draft.id, other.id])

  // The pin expires by the clock, no write: slot 3 is filled by the rule again.
  t.equal((await get('india-desk')).res.headers['x-cache'], 'HIT')
  clock.set('2025-06-08T12:00:00.000Z')
  read = await get('india-desk')
  t.equal(read.res.headers['x-cache'], 'MISS', 'a cached copy never outlives a pin')
  t.equal(read.data.articles.length, 5)
  t.not(read.data.articles[2]!.id, other.id)
  t.equal(read.data.articles[0]!.id, draft.id)

  // Unpublishing a pinned article takes it out everywhere at once.
  t.equal((await app.inject({ method: 'PATCH', url: `/v1/admin/articles/${draft.id}`, headers: { ...editor.auth, 'if-match': '"v2"' }, payload: { status: 'draft' } })).statusCode, 200)
  read = await get('india-desk')
  t.notOk(read.data.articles.some((a) => a.id === draft.id))
  t.equal(read.data.articles.length, 5)

  // Rule featured; size cannot drop below a pinned slot; rename; delete.
  const pick = latest.at(-1)!
  const adminPick = (await app.inject({ url: `/v1/admin/articles/${pick.id}`, headers: editor.auth })).json().data
  await app.inject({ method: 'PATCH', url: `/v1/admin/articles/${pick.id}`, headers: { ...editor.auth, 'if-match': `"v${adminPick.version}"` }, payload: { featured: true } })
  const picks = await app.inject({ method: 'POST', url: '/v1/admin/collections', headers: editor.auth, payload: { name: "Editor's Picks", slug: 'picks', size: 2, rule: { kind: 'featured' }, position: 1 } })
  t.equal(picks.statusCode, 201, picks.body)
  t.same((await get('picks')).data.articles.map((a) => a.id), [pick.id, latest[0]!.id], 'the featured article, then the newest')
  t.same(((await app.inject({ url: '/v1/collections' })).json().data as PublicCollection[]).map((c) => c.slug), ['top-stories', 'picks', 'india-desk'], 'in editor order')
  assertProblem(t, await app.inject({ method: 'POST', url: '/v1/admin/collections', headers: editor.auth, payload: { name: 'Picks', slug: 'picks' } }), 409, 'SLUG_TAKEN')
  assertProblem(t, await app.inject({ method: 'POST', url: '/v1/admin/collections', headers: editor.auth, payload: { name: 'Bad', rule: { kind: 'section' } } }), 422, 'UNPROCESSABLE')
  assertProblem(t, await app.inject({ method: 'POST', url: '/v1/admin/collections', headers: editor.auth, payload: { name: 'Bad', rule: { kind: 'tag', tag: 'no-such-tag' } } }), 422, 'UNPROCESSABLE')
  assertProblem(t, await app.inject({ method: 'POST', url: '/v1/admin/collections', headers: editor.auth, payload: { name: 'Bad', rule: { kind: 'latest', section: 'india' } } }), 422, 'UNPROCESSABLE')
  assertProblem(t, await app.inject({ method: 'POST', url: '/v1/admin/collections', headers: editor.auth, payload: { name: 'Bad', size: 51 } }), 400, 'VALIDATION_FAILED')
  assertProblem(t, await app.inject({ method: 'POST', url: '/v1/admin/collections', headers: author.auth, payload: { name: 'Mine' } }), 403, 'FORBIDDEN')
  const admin = '/v1/admin/collections/india-desk'
  assertProblem(t, await app.inject({ method: 'PATCH', url: admin, headers: { ...editor.auth, 'if-match': '"v2"' }, payload: { size: 2 } }), 422, 'UNPROCESSABLE')
  assertProblem(t, await app.inject({ method: 'PATCH', url: admin, headers: editor.auth, payload: { size: 4 } }), 428, 'PRECONDITION_REQUIRED')
  const renamed = await app.inject({ method: 'PATCH', url: admin, headers: { ...editor.auth, 'if-match': '"v2"' }, payload: { slug: 'india', size: 4, rule: { kind: 'tag', tag: 'missiles' } } })
  t.equal(renamed.statusCode, 200, renamed.body)
  t.match(renamed.json().data, { slug: 'india', size: 4, rule: { kind: 'tag', tag: 'missiles', section: null }, version: 3 })
  // The old slug leads to the renamed collection, so a frontend's hard-coded block keeps working.
  const moved = await app.inject({ url: '/v1/collections/india-desk' })
  t.equal(moved.statusCode, 301)
  t.equal(moved.headers.location, 'http://api.test/v1/collections/india')
  t.match(String(moved.headers['surrogate-key']), /\bcollection:india\b/, 'the redirect is purged with the collection')
  t.equal((await get('india')).data.articles.length, 4)
  // A new collection that takes the old slug is served, not redirected.
  const reuse = await app.inject({ method: 'POST', url: '/v1/admin/collections', headers: editor.auth, payload: { name: 'India Desk', slug: 'india-desk', size: 2 } })
  t.equal(reuse.statusCode, 201, reuse.body)
  t.equal((await get('india-desk')).data.slug, 'india-desk', 'the new owner of the slug')
  t.equal((await app.inject({ method: 'DELETE', url: admin, headers: { ...editor.auth, 'if-match': '"v1"' } })).statusCode, 204)
  assertProblem(t, await app.inject({ url: '/v1/collections/india-desk' }), 404, 'NOT_FOUND')
  assertProblem(t, await app.inject({ method: 'DELETE', url: '/v1/admin/collections/india', headers: editor.auth }), 428, 'PRECONDITION_REQUIRED')
  t.equal((await app.inject({ method: 'DELETE', url: '/v1/admin/collections/india', headers: { ...editor.auth, 'if-match': '"v3"' } })).statusCode, 204)
  assertProblem(t, await app.inject({ url: '/v1/collections/india' }), 404, 'NOT_FOUND')
  assertProblem(t, await app.inject({ url: '/v1/admin/collections/india', headers: editor.auth }), 404, 'NOT_FOUND')
  assertProblem(t, await app.inject({ url: '/v1/collections/india-desk' }), 404, 'NOT_FOUND') // a deleted collection's old slugs go with it
})
