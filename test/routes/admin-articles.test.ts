import t from 'tap'
import { eq } from 'drizzle-orm'
import { articleRevisions, articles, auditLog } from '../../src/db/schema/index.js'
import { createManualClock } from '../../src/lib/clock.js'
import { assertProblem } from '../helpers/assertions.js'
import { createUser, createUsers, type TestUser } from '../helpers/auth.js'
import { build, type TestApp } from '../helpers/build.js'

const draft = { title: 'Navies Test New Drones In The Pacific', section: 'asia-pacific', body: '# Drones\n\nUnmanned **surface vessels** were tested this week.\n\n<script>alert(1)</script>', tags: ['Naval Power', 'drones'] }

async function create(app: TestApp, user: TestUser, payload: Record<string, unknown>) {
  return app.inject({ method: 'POST', url: '/v1/admin/articles', headers: user.auth, payload })
}

async function articleRow(app: TestApp, id: string) {
  const [row] = await app.database.db.select().from(articles).where(eq(articles.id, id))
  return row
}

t.test('the newsroom workflow over HTTP: draft, review, schedule, publish at its time, revise, restore, rename', async (t) => {
  const clock = createManualClock('2026-03-01T09:00:00.000Z')
  const app = await build(t, { seed: true, clock })
  const editor = await createUser(app, 'editor', { author: 'the-defence-times' })
  const contributor = await createUser(app, 'contributor')

  // Contributor drafts.
  const created = await create(app, contributor, draft)
  t.equal(created.statusCode, 201)
  const article = created.json().data
  t.equal(created.headers.etag, '"v1"')
  t.equal(created.headers.location, `http://api.test/v1/admin/articles/${article.id}`)
  t.match(article, { status: 'draft', version: 1, slug: 'navies-test-new-drones-in-the-pacific', section: { slug: 'asia-pacific' }, is_public: false, public_url: null, published_at: null })
  t.same(article.tags.map((tag: { slug: string }) => tag.slug), ['naval-power', 'drones'], 'existing tag reused, new one created')
  t.equal(article.body_html, '<h2>Drones</h2>\n<p>Unmanned <strong>surface vessels</strong> were tested this week.</p>', 'sanitised: no script')
  t.equal(article.excerpt, 'Drones Unmanned surface vessels were tested this week.')
  t.equal(article.word_count, 8)
  t.equal(article.reading_time_minutes, 1)
  t.notOk(article.author.slug === 'the-defence-times', 'the contributor writes under their own profile')
  t.equal((await app.inject({ method: 'GET', url: `/v1/articles/${article.slug}` })).statusCode, 404, 'a draft is not public')

  // Contributor cannot schedule or publish.
  const publish = await app.inject({ method: 'PATCH', url: `/v1/admin/articles/${article.id}`, headers: { ...contributor.auth, 'if-match': '"v1"' }, payload: { status: 'published' } })
  assertProblem(t, publish, 403, 'FORBIDDEN')
  t.match(await articleRow(app, article.id), { status: 'draft', version: 1 }, 'unchanged after the refused write')

  // Editor reviews and schedules it.
  const read = await app.inject({ method: 'GET', url: `/v1/admin/articles/${article.id}`, headers: editor.auth })
  t.equal(read.headers.etag, '"v1"')
  const scheduled = await app.inject({
    method: 'PATCH',
    url: `/v1/admin/articles/${article.id}`,
    headers: { ...editor.auth, 'if-match': read.headers.etag as string },
    payload: { status: 'scheduled', published_at: '2026-03-01T12:00:00.000Z', excerpt: 'Navies trial unmanned vessels.' },
  })
  t.equal(scheduled.statusCode, 200)
  t.match(scheduled.json().data, { status: 'scheduled', version: 2, published_at: '2026-03-01T12:00:00.000Z', is_public: false })
  t.equal(scheduled.headers.etag, '"v2"')
  t.equal((await app.inject({ method: 'GET', url: `/v1/articles/${article.slug}` })).statusCode, 404, 'not before its time')

  clock.set('2026-03-01T12:00:00.000Z')
  const live = await app.inject({ method: 'GET', url: `/v1/articles/${article.slug}` })
  t.equal(live.statusCode, 200, 'public at its time, nothing ran')
  t.equal(live.json().data.excerpt, 'Navies trial unmanned vessels.')
  const latest = (await app.inject({ method: 'GET', url: '/v1/articles?limit=1' })).json().data[0]
  t.equal(latest.slug, article.slug, 'and first in Latest Posts')

  // A stale edit is refused, never a silent overwrite.
  const stale = await app.inject({ method: 'PATCH', url: `/v1/admin/articles/${article.id}`, headers: { ...editor.auth, 'if-match': '"v1"' }, payload: { title: 'Overwritten?' } })
  assertProblem(t, stale, 412, 'PRECONDITION_FAILED')
  const blind = await app.inject({ method: 'PATCH', url: `/v1/admin/articles/${article.id}`, headers: editor.auth, payload: { title: 'Blind write' } })
  assertProblem(t, blind, 428, 'PRECONDITION_REQUIRED')
  const staleBody = await app.inject({ method: 'PATCH', url: `/v1/admin/articles/${article.id}`, headers: editor.auth, payload: { title: 'Old copy', version: 1 } })
  assertProblem(t, staleBody, 409, 'VERSION_CONFLICT')
  t.match(await articleRow(app, article.id), { title: draft.title, version: 2 }, 'refused writes changed nothing')

  // Edit via body version, then restore v1's text.
  const edited = await app.inject({ method: 'PATCH', url: `/v1/admin/articles/${article.id}`, headers: editor.auth, payload: { title: 'Navies Trial Unmanned Vessels', body: 'Shorter body.', version: 2 } })
  t.equal(edited.statusCode, 200)
  t.match(edited.json().data, { version: 3, title: 'Navies Trial Unmanned Vessels', word_count: 2 })
  const revisions = (await app.inject({ method: 'GET', url: `/v1/admin/articles/${article.id}/revisions`, headers: editor.auth })).json().data
  t.same(revisions.map((r: { version: number }) => r.version), [3, 2, 1])
  t.equal(revisions[2].title, draft.title)
  t.equal(revisions[2].created_by.id, contributor.id)
  const v1 = (await app.inject({ method: 'GET', url: `/v1/admin/articles/${article.id}/revisions/1`, headers: editor.auth })).json().data
  t.equal(v1.snapshot.body, draft.body)
  const restored = await app.inject({ method: 'POST', url: `/v1/admin/articles/${article.id}/revisions/1/restore`, headers: { ...editor.auth, 'if-match': '"v3"' } })
  t.equal(restored.statusCode, 200)
  t.match(restored.json().data, { version: 4, title: draft.title, status: 'scheduled', body_source: draft.body }, 'content back, workflow state kept')
  t.equal((await app.database.db.select().from(articleRevisions).where(eq(articleRevisions.articleId, article.id))).length, 4)

  // Rename: the old slug answers 301.
  const renamed = await app.inject({ method: 'PATCH', url: `/v1/admin/articles/${article.id}`, headers: { ...editor.auth, 'if-match': '"v4"' }, payload: { slug: 'pacific-drone-trials' } })
  t.equal(renamed.statusCode, 200)
  const old = await app.inject({ method: 'GET', url: `/v1/articles/${article.slug}` })
  t.equal(old.statusCode, 301)
  t.equal(old.headers.location, 'http://api.test/v1/articles/pacific-drone-trials')
  t.equal((await app.inject({ method: 'GET', url: '/v1/articles/pacific-drone-trials' })).statusCode, 200)

  const trail = await app.database.db.select().from(auditLog).where(eq(auditLog.entityId, article.id))
  t.same(trail.map((e) => e.action), ['article.create', 'article.scheduled', 'article.update', 'article.restore', 'article.update'])
  t.equal(trail[0]!.actorId, contributor.id)
  t.equal(trail[1]!.actorId, editor.id)
})

t.test('ownership: authors and contributors write only their own; authors may publish their own', async (t) => {
  const app = await build(t, { seed: true })
  const users = await createUsers(app)
  const other = await createUser(app, 'author')
  const mine = (await create(app, users.author, { ...draft, status: 'published' })).json().data
  t.equal(mine.status, 'published', 'an author publishes their own')
  t.ok(mine.is_public)
  const theirs = (await create(app, other, draft)).json().data
  const seeded = (await app.inject({ method: 'GET', url: '/v1/articles/chinas-6th-generation-fighter-jet-takes-first-flight' })).json().data

  for (const [user, id] of [[users.author, theirs.id], [users.contributor, theirs.id], [users.author, seeded.id]] as const) {
    assertProblem(t, await app.inject({ method: 'GET', url: `/v1/admin/articles/${id}`, headers: user.auth }), 403, 'FORBIDDEN')
    assertProblem(t, await app.inject({ method: 'PATCH', url: `/v1/admin/articles/${id}`, headers: { ...user.auth, 'if-match': '*' }, payload: { title: 'Mine now' } }), 403, 'FORBIDDEN')
    assertProblem(t, await app.inject({ method: 'DELETE', url: `/v1/admin/articles/${id}`, headers: { ...user.auth, 'if-match': '*' } }), 403, 'FORBIDDEN')
  }
  t.equal((await articleRow(app, theirs.id))!.title, draft.title)
  const list = (await app.inject({ method: 'GET', url: '/v1/admin/articles?limit=100', headers: users.author.auth })).json()
  t.same(list.data.map((a: { id: string }) => a.id), [mine.id], 'authors list their own only')
  t.equal((await app.inject({ method: 'GET', url: '/v1/admin/articles?limit=100', headers: users.editor.auth })).json().meta.total, 20, 'staff see all: 18 seeded + 2')

  // An author cannot put someone else's byline on their work; editors can.
  assertProblem(t, await create(app, users.author, { ...draft, author: 'the-defence-times' }), 403, 'FORBIDDEN')
  const byEditor = await create(app, users.editor, { ...draft, author: 'the-defence-times', title: 'Editor desk' })
  t.equal(byEditor.json().data.author.slug, 'the-defence-times')
  assertProblem(t, await create(app, users.editor, { ...draft, title: 'No byline' }), 422, 'UNPROCESSABLE')
})

t.test('contributors: drafts only, no published_at, no author; own drafts can be deleted, published work cannot', async (t) => {
  const app = await build(t, { seed: true })
  const { contributor, editor } = await createUsers(app)
  for (const payload of [{ status: 'published' }, { status: 'scheduled', published_at: '2099-01-01T00:00:00Z' }, { published_at: '2020-01-01T00:00:00Z' }, { author: 'the-defence-times' }]) {
    assertProblem(t, await create(app, contributor, { ...draft, ...payload }), 403, 'FORBIDDEN')
  }
  t.equal((await app.database.db.select().from(articles).where(eq(articles.title, draft.title))).length, 0, 'nothing written')
  const first = (await create(app, contributor, draft)).json().data
  t.equal((await app.inject({ method: 'DELETE', url: `/v1/admin/articles/${first.id}`, headers: { ...contributor.auth, 'if-match': '"v1"' } })).statusCode, 204)
  t.equal(await articleRow(app, first.id), undefined)

  const second = (await create(app, contributor, { ...draft, title: 'Second draft' })).json().data
  const published = await app.inject({ method: 'PATCH', url: `/v1/admin/articles/${second.id}`, headers: { ...editor.auth, 'if-match': '"v1"' }, payload: { status: 'published' } })
  t.equal(published.statusCode, 200)
  assertProblem(t, await app.inject({ method: 'DELETE', url: `/v1/admin/articles/${second.id}`, headers: { ...contributor.auth, 'if-match': '"v2"' } }), 403, 'FORBIDDEN')
  assertProblem(t, await app.inject({ method: 'PATCH', url: `/v1/admin/articles/${second.id}`, headers: { ...contributor.auth, 'if-match': '"v2"' }, payload: { title: 'Sneaky edit' } }), 403, 'FORBIDDEN')
  t.match(await articleRow(app, second.id), { status: 'published', title: 'Second draft' })
})

t.test('validation and mass assignment: unknown or server-owned fields are refused, nothing is written', async (t) => {
  const app = await build(t, { seed: true })
  const { editor } = await createUsers(app)
  const before = (await app.database.db.select().from(articles)).length
  const bad: [Record<string, unknown>, number, string, string][] = [
    [{ ...draft, id: '00000000-0000-4000-8000-000000000000' }, 400, 'VALIDATION_FAILED', 'body.id'],
    [{ ...draft, version: 7 }, 400, 'VALIDATION_FAILED', 'body.version'],
    [{ ...draft, comment_count: 99 }, 400, 'VALIDATION_FAILED', 'body.comment_count'],
    [{ ...draft, created_by: editor.id }, 400, 'VALIDATION_FAILED', 'body.created_by'],
    [{ ...draft, body_html: '<b>x</b>' }, 400, 'VALIDATION_FAILED', 'body.body_html'],
    [{ section: 'asia-pacific' }, 400, 'VALIDATION_FAILED', 'body.title'],
    [{ ...draft, title: '   ' }, 400, 'VALIDATION_FAILED', 'body.title'],
    [{ ...draft, title: 42 }, 400, 'VALIDATION_FAILED', 'body.title'],
    [{ ...draft, slug: 'Not A Slug' }, 400, 'VALIDATION_FAILED', 'body.slug'],
    [{ ...draft, status: 'live' }, 400, 'VALIDATION_FAILED', 'body.status'],
    [{ ...draft, featured_image: { url: 'javascript:alert(1)', alt: 'x' } }, 400, 'VALIDATION_FAILED', 'body.featured_image.url'],
    [{ ...draft, seo: { canonical_url: 'data:text/html,hi' } }, 400, 'VALIDATION_FAILED', 'body.seo.canonical_url'],
    [{ ...draft, tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }, 400, 'VALIDATION_FAILED', 'body.tags'],
    [{ ...draft, published_at: 'tomorrow' }, 400, 'VALIDATION_FAILED', 'body.published_at'],
    [{ ...draft, section: 'atlantis' }, 422, 'UNPROCESSABLE', 'body.section'],
    [{ ...draft, author: 'nobody' }, 422, 'UNPROCESSABLE', 'body.author'],
    [{ ...draft, related_article_ids: ['00000000-0000-4000-8000-000000000000'] }, 422, 'UNPROCESSABLE', 'body.related_article_ids'],
    [{ ...draft, status: 'scheduled', published_at: '2020-01-01T00:00:00Z' }, 422, 'INVALID_TRANSITION', 'body.published_at'],
    [{ ...draft, status: 'published', published_at: '2999-01-01T00:00:00Z' }, 422, 'INVALID_TRANSITION', 'body.published_at'],
    [{ ...draft, slug: 'chinas-6th-generation-fighter-jet-takes-first-flight' }, 409, 'SLUG_TAKEN', ''],
  ]
  for (const [payload, status, code, field] of bad) {
    const res = await create(app, editor, { author: 'the-defence-times', ...payload })
    const body = assertProblem(t, res, status, code)
    if (field) t.ok((body.invalid_params as { name: string }[] | undefined)?.some((p) => p.name === field), `${code} names ${field}: ${JSON.stringify(body.invalid_params)}`)
  }
  const malformed = await app.inject({ method: 'POST', url: '/v1/admin/articles', headers: { ...editor.auth, 'content-type': 'application/json' }, payload: '{"title": "x",' })
  assertProblem(t, malformed, 400, 'MALFORMED_JSON')
  const proto = await app.inject({ method: 'POST', url: '/v1/admin/articles', headers: { ...editor.auth, 'content-type': 'application/json' }, payload: '{"title":"x","section":"india","__proto__":{"admin":true}}' })
  t.equal(proto.statusCode, 400)
  const text = await app.inject({ method: 'POST', url: '/v1/admin/articles', headers: { ...editor.auth, 'content-type': 'text/plain' }, payload: 'title=x' })
  assertProblem(t, text, 415, 'UNSUPPORTED_MEDIA_TYPE')
  const huge = await create(app, editor, { ...draft, author: 'the-defence-times', body: 'x'.repeat(1_100_000) })
  assertProblem(t, huge, 413, 'PAYLOAD_TOO_LARGE')
  t.equal((await app.database.db.select().from(articles)).length, before, 'no article was written by any refused request')
})

t.test('pins, comments switch, featured image, SEO and a signed draft preview', async (t) => {
  const app = await build(t, { seed: true })
  const { editor, author } = await createUsers(app)
  const list = (await app.inject({ method: 'GET', url: '/v1/articles?limit=3' })).json().data
  const res = await create(app, editor, {
    ...draft,
    author: 'the-defence-times',
    related_article_ids: [list[1].id, list[0].id],
    comments_open: false,
    featured_image: { url: 'https://cdn.example/drone.jpg', alt: 'A drone boat', caption: 'Trials', credit: 'Navy' },
    seo: { meta_title: 'Drone trials', canonical_url: 'https://thedefencetimes.example/drones' },
  })
  t.equal(res.statusCode, 201)
  const article = res.json().data
  t.same(article.related_article_ids, [list[1].id, list[0].id])
  t.match(article, { comments_open: false, featured_image: { url: 'https://cdn.example/drone.jpg', caption: 'Trials' }, seo: { meta_title: 'Drone trials', meta_description: null } })
  assertProblem(t, await app.inject({ method: 'PATCH', url: `/v1/admin/articles/${article.id}`, headers: { ...editor.auth, 'if-match': '"v1"' }, payload: { related_article_ids: [article.id] } }), 422, 'UNPROCESSABLE')

  const preview = await app.inject({ method: 'POST', url: `/v1/admin/articles/${article.id}/preview`, headers: editor.auth })
  t.equal(preview.statusCode, 200)
  const { url, token, expires_at } = preview.json().data
  t.ok(new Date(expires_at).getTime() > Date.now())
  const viaPreview = await app.inject({ method: 'GET', url: new URL(url).pathname + new URL(url).search })
  t.equal(viaPreview.statusCode, 200)
  t.equal(viaPreview.headers['cache-control'], 'private, no-store')
  t.match(viaPreview.json().data, { id: article.id, seo: { meta_title: 'Drone trials', meta_description: article.excerpt }, comments_open: false })
  assertProblem(t, await app.inject({ method: 'GET', url: `/v1/articles/${article.slug}?preview=${token}x` }), 401, 'INVALID_TOKEN')
  assertProblem(t, await app.inject({ method: 'GET', url: `/v1/articles/${list[0].slug}?preview=${token}` }), 404, 'NOT_FOUND')
  assertProblem(t, await app.inject({ method: 'GET', url: `/v1/articles/${article.slug}?preview=${author.token}` }), 401, 'INVALID_TOKEN')
})

t.test('delete needs If-Match and leaves the audit trail', async (t) => {
  const app = await build(t, { seed: true })
  const { editor } = await createUsers(app)
  const article = (await create(app, editor, { ...draft, author: 'the-defence-times' })).json().data
  assertProblem(t, await app.inject({ method: 'DELETE', url: `/v1/admin/articles/${article.id}`, headers: editor.auth }), 428, 'PRECONDITION_REQUIRED')
  assertProblem(t, await app.inject({ method: 'DELETE', url: `/v1/admin/articles/${article.id}`, headers: { ...editor.auth, 'if-match': '"v9"' } }), 412, 'PRECONDITION_FAILED')
  t.ok(await articleRow(app, article.id))
  t.equal((await app.inject({ method: 'DELETE', url: `/v1/admin/articles/${article.id}`, headers: { ...editor.auth, 'if-match': '"v1"' } })).statusCode, 204)
  assertProblem(t, await app.inject({ method: 'GET', url: `/v1/admin/articles/${article.id}`, headers: editor.auth }), 404, 'NOT_FOUND')
  const audit = (await app.inject({ method: 'GET', url: `/v1/admin/audit?entity_type=article&entity_id=${article.id}`, headers: (await createUser(app, 'admin')).auth })).json()
  t.same(audit.data.map((e: { action: string }) => e.action), ['article.delete', 'article.create'])
  t.equal(audit.data[0].actor.id, editor.id)
})
