import t from 'tap'
import { createManualClock } from '../../src/lib/clock.js'
import { assertProblem } from '../helpers/assertions.js'
import { createUser } from '../helpers/auth.js'
import { build } from '../helpers/build.js'

type Summary = { slug: string }
const slugs = (res: { json(): unknown }) => ((res.json() as { data: Summary[] }).data ?? []).map((a) => a.slug)

t.test('featured and breaking: set by editors with If-Match, listed publicly, breaking only until it expires', async (t) => {
  const clock = createManualClock('2026-03-10T12:00:00.000Z')
  const app = await build(t, { seed: true, clock })
  const editor = await createUser(app, 'editor', { author: 'the-defence-times' })
  const author = await createUser(app, 'author')
  const create = async (title: string, extra: Record<string, unknown> = {}, auth = editor.auth) => {
    const res = await app.inject({ method: 'POST', url: '/v1/admin/articles', headers: auth, payload: { title, section: 'india', status: 'published', published_at: '2026-03-10T10:00:00.000Z', ...extra } })
    t.equal(res.statusCode, 201, res.body)
    return res.json().data as { id: string; slug: string; version: number; featured: boolean; breaking_until: string | null }
  }
  const pick = await create('An Editors Pick', { featured: true, published_at: '2026-03-10T09:00:00.000Z' })
  t.equal(pick.featured, true)
  t.equal(pick.breaking_until, null)
  const flash = await create('Flash: Strait Closed', { breaking_until: '2026-03-10T14:00:00.000Z', published_at: '2026-03-10T11:00:00.000Z' })
  t.equal(flash.breaking_until, '2026-03-10T14:00:00.000Z')
  const plain = await create('Routine Report')

  t.same(slugs(await app.inject({ url: '/v1/articles?featured=true' })), [pick.slug])
  t.same(slugs(await app.inject({ url: '/v1/articles?breaking=true' })), [flash.slug])
  const notFeatured = slugs(await app.inject({ url: '/v1/articles?featured=false&limit=100' }))
  t.ok(notFeatured.includes(plain.slug) && !notFeatured.includes(pick.slug))
  const calm = slugs(await app.inject({ url: '/v1/articles?breaking=false&limit=100' }))
  t.ok(calm.includes(pick.slug) && !calm.includes(flash.slug))
  t.same(slugs(await app.inject({ url: '/v1/articles?featured=true&breaking=true' })), [], 'filters combine')
  t.equal((await app.inject({ url: '/v1/articles?breaking=true' })).json().meta.total, 1)
  t.same(slugs(await app.inject({ url: '/v1/search?q=strait&breaking=true' })), [flash.slug], 'search takes the same filters')
  t.notOk(slugs(await app.inject({ url: '/v1/search?q=strait&breaking=false' })).includes(flash.slug))
  t.same(slugs(await app.inject({ url: '/v1/articles?q=strait&breaking=true' })), [flash.slug])
  assertProblem(t, await app.inject({ url: '/v1/articles?breaking=soon' }), 400, 'VALIDATION_FAILED')

  // By the clock alone the banner empties at breaking_until; a cached copy never outlives it.
  t.equal((await app.inject({ url: '/v1/articles?breaking=true' })).headers['x-cache'], 'HIT')
  clock.set('2026-03-10T13:59:59.999Z')
  t.same(slugs(await app.inject({ url: '/v1/articles?breaking=true' })), [flash.slug])
  clock.set('2026-03-10T14:00:00.000Z')
  const expired = await app.inject({ url: '/v1/articles?breaking=true' })
  t.equal(expired.headers['x-cache'], 'MISS')
  t.same(slugs(expired), [])
  t.equal(expired.json().meta.total, 0, 'the total too')

  // Editors change them with If-Match; a write without it is 428, a stale one 412.
  const url = `/v1/admin/articles/${plain.id}`
  assertProblem(t, await app.inject({ method: 'PATCH', url, headers: editor.auth, payload: { featured: true } }), 428, 'PRECONDITION_REQUIRED')
  assertProblem(t, await app.inject({ method: 'PATCH', url, headers: { ...editor.auth, 'if-match': '"v9"' }, payload: { featured: true } }), 412, 'PRECONDITION_FAILED')
  assertProblem(t, await app.inject({ method: 'PATCH', url, headers: { ...editor.auth, 'if-match': `"v${plain.version}"` }, payload: { breaking_until: '2026-03-10T13:00:00.000Z' } }), 422, 'UNPROCESSABLE')
  assertProblem(t, await app.inject({ method: 'PATCH', url, headers: { ...editor.auth, 'if-match': `"v${plain.version}"` }, payload: { featured: 'yes' } }), 400, 'VALIDATION_FAILED')
  const marked = await app.inject({ method: 'PATCH', url, headers: { ...editor.auth, 'if-match': `"v${plain.version}"` }, payload: { featured: true, breaking_until: '2026-03-11T00:00:00.000Z' } })
  t.equal(marked.statusCode, 200, marked.body)
  t.match(marked.json().data, { featured: true, breaking_until: '2026-03-11T00:00:00.000Z', version: plain.version + 1 })
  const banner = await app.inject({ url: '/v1/articles?breaking=true' })
  t.equal(banner.headers['x-cache'], 'MISS', 'the write purged the cached banner')
  t.same(slugs(banner), [plain.slug])
  t.same(slugs(await app.inject({ url: '/v1/articles?featured=true' })), [plain.slug, pick.slug], 'newest first')
  const ended = await app.inject({ method: 'PATCH', url, headers: { ...editor.auth, 'if-match': `"v${plain.version + 1}"` }, payload: { breaking_until: null } })
  t.equal(ended.json().data.breaking_until, null)
  t.same(slugs(await app.inject({ url: '/v1/articles?breaking=true' })), [])

  // Writers cannot place their own stories.
  const own = await create('My Draft', { status: 'draft', published_at: undefined }, author.auth)
  assertProblem(t, await app.inject({ method: 'PATCH', url: `/v1/admin/articles/${own.id}`, headers: { ...author.auth, 'if-match': '"v1"' }, payload: { featured: true } }), 403, 'FORBIDDEN')
  assertProblem(t, await app.inject({ method: 'POST', url: '/v1/admin/articles', headers: author.auth, payload: { title: 'Self Promoted', section: 'india', breaking_until: '2026-03-12T00:00:00.000Z' } }), 403, 'FORBIDDEN')

  // Restoring an old version restores its text, not its placement.
  const restored = await app.inject({ method: 'POST', url: `${url}/revisions/1/restore`, headers: { ...editor.auth, 'if-match': `"v${plain.version + 2}"` } })
  t.equal(restored.statusCode, 200, restored.body)
  t.equal(restored.json().data.featured, true)
})
