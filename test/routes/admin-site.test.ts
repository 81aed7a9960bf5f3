import t from 'tap'
import { eq } from 'drizzle-orm'
import { articles, sections, tags } from '../../src/db/schema/index.js'
import { assertProblem } from '../helpers/assertions.js'
import { createUser, createUsers } from '../helpers/auth.js'
import { build } from '../helpers/build.js'

t.test('sections: create, rename, reorder, delete with move_to', async (t) => {
  const app = await build(t, { seed: true })
  const { editor } = await createUsers(app)
  const h = editor.auth
  const created = await app.inject({ method: 'POST', url: '/v1/admin/sections', headers: h, payload: { name: 'Africa', description: 'Sahel and beyond' } })
  t.equal(created.statusCode, 201)
  t.match(created.json().data, { slug: 'africa', name: 'Africa', position: 7, article_count: 0 })
  assertProblem(t, await app.inject({ method: 'POST', url: '/v1/admin/sections', headers: h, payload: { name: 'Africa' } }), 409, 'SLUG_TAKEN')
  assertProblem(t, await app.inject({ method: 'POST', url: '/v1/admin/sections', headers: h, payload: { name: 'X', position: 1 } }), 400, 'VALIDATION_FAILED')
  const renamed = await app.inject({ method: 'PATCH', url: '/v1/admin/sections/africa', headers: { ...h, 'if-match': '*' }, payload: { name: 'Africa & Sahel', slug: 'africa-sahel' } })
  t.match(renamed.json().data, { slug: 'africa-sahel', name: 'Africa & Sahel' })
  assertProblem(t, await app.inject({ method: 'PATCH', url: '/v1/admin/sections/africa-sahel', headers: { ...h, 'if-match': '*' }, payload: { slug: 'india' } }), 409, 'SLUG_TAKEN')

  const order = ['india', 'africa-sahel', 'asia-pacific', 'europe', 'middle-east', 'north-america', 'south-asia', 'russia-ukraine-war']
  const reordered = await app.inject({ method: 'PUT', url: '/v1/admin/sections/order', headers: h, payload: { sections: order } })
  t.equal(reordered.statusCode, 200)
  t.same((await app.inject({ method: 'GET', url: '/v1/site' })).json().data.navigation.map((n: { section: string | null }) => n.section), [...order, null], 'navigation follows the new order')
  assertProblem(t, await app.inject({ method: 'PUT', url: '/v1/admin/sections/order', headers: h, payload: { sections: order.slice(1) } }), 422, 'UNPROCESSABLE')
  assertProblem(t, await app.inject({ method: 'PUT', url: '/v1/admin/sections/order', headers: h, payload: { sections: [...order, 'india'] } }), 422, 'UNPROCESSABLE')

  const refused = await app.inject({ method: 'DELETE', url: '/v1/admin/sections/india', headers: { ...h, 'if-match': '*' } })
  assertProblem(t, refused, 409, 'IN_USE')
  t.match(refused.json().detail, /3 article\(s\)/)
  t.ok((await app.database.db.select().from(sections).where(eq(sections.slug, 'india')))[0], 'still there')
  assertProblem(t, await app.inject({ method: 'DELETE', url: '/v1/admin/sections/india?move_to=nowhere', headers: { ...h, 'if-match': '*' } }), 422, 'UNPROCESSABLE')
  t.equal((await app.inject({ method: 'DELETE', url: '/v1/admin/sections/india?move_to=south-asia', headers: { ...h, 'if-match': '*' } })).statusCode, 204)
  t.equal((await app.inject({ method: 'GET', url: '/v1/sections/south-asia' })).json().data.article_count, 4)
  t.equal((await app.inject({ method: 'DELETE', url: '/v1/admin/sections/africa-sahel', headers: { ...h, 'if-match': '*' } })).statusCode, 204)
  assertProblem(t, await app.inject({ method: 'DELETE', url: '/v1/admin/sections/africa-sahel', headers: { ...h, 'if-match': '*' } }), 404, 'NOT_FOUND')
})

t.test('tags and authors', async (t) => {
  const app = await build(t, { seed: true })
  const { editor, author, contributor } = await createUsers(app)
  const tag = await app.inject({ method: 'POST', url: '/v1/admin/tags', headers: editor.auth, payload: { name: 'Hypersonic Weapons' } })
  t.match(tag.json().data, { slug: 'hypersonic-weapons', article_count: 0 })
  const updated = await app.inject({ method: 'PATCH', url: '/v1/admin/tags/hypersonic-weapons', headers: { ...editor.auth, 'if-match': '*' }, payload: { description: 'Mach 5 and up' } })
  t.equal(updated.json().data.description, 'Mach 5 and up')
  const taiwanCount = (await app.inject({ method: 'GET', url: '/v1/tags/taiwan' })).json().data.article_count
  t.ok(taiwanCount > 0)
  t.equal((await app.inject({ method: 'DELETE', url: '/v1/admin/tags/taiwan', headers: { ...editor.auth, 'if-match': '*' } })).statusCode, 204)
  t.equal((await app.database.db.select().from(tags).where(eq(tags.slug, 'taiwan'))).length, 0)
  t.equal((await app.inject({ method: 'GET', url: '/v1/articles?tag=taiwan' })).json().meta.total, 0, 'removed from its articles')
  t.equal((await app.database.db.select().from(articles)).length, 18, 'articles stay')

  const profile = await app.inject({
    method: 'POST',
    url: '/v1/admin/authors',
    headers: editor.auth,
    payload: { name: 'Jane Analyst', bio: 'Covers air power.', website: 'https://jane.example', social_links: [{ network: 'x', url: 'https://x.com/jane' }] },
  })
  t.equal(profile.statusCode, 201)
  t.match(profile.json().data, { slug: 'jane-analyst', website: 'https://jane.example', article_count: 0 })
  assertProblem(t, await app.inject({ method: 'POST', url: '/v1/admin/authors', headers: editor.auth, payload: { name: 'Bad', website: 'javascript:alert(1)' } }), 400, 'VALIDATION_FAILED')

  // Authors edit their own profile, not others'.
  const own = (await app.inject({ method: 'GET', url: '/v1/auth/me', headers: author.auth })).json().data.author.slug
  t.equal((await app.inject({ method: 'PATCH', url: `/v1/admin/authors/${own}`, headers: { ...author.auth, 'if-match': '*' }, payload: { bio: 'My bio' } })).json().data.bio, 'My bio')
  assertProblem(t, await app.inject({ method: 'PATCH', url: '/v1/admin/authors/jane-analyst', headers: { ...author.auth, 'if-match': '*' }, payload: { bio: 'Hijack' } }), 403, 'FORBIDDEN')
  assertProblem(t, await app.inject({ method: 'PATCH', url: `/v1/admin/authors/${own}`, headers: { ...author.auth, 'if-match': '*' }, payload: { slug: 'renamed' } }), 403, 'FORBIDDEN')
  assertProblem(t, await app.inject({ method: 'PATCH', url: '/v1/admin/authors/the-defence-times', headers: { ...contributor.auth, 'if-match': '*' }, payload: { name: 'x' } }), 403, 'FORBIDDEN')

  assertProblem(t, await app.inject({ method: 'DELETE', url: '/v1/admin/authors/the-defence-times', headers: { ...editor.auth, 'if-match': '*' } }), 409, 'IN_USE')
  t.equal((await app.inject({ method: 'DELETE', url: '/v1/admin/authors/the-defence-times?reassign_to=jane-analyst', headers: { ...editor.auth, 'if-match': '*' } })).statusCode, 204)
  t.equal((await app.inject({ method: 'GET', url: '/v1/authors/jane-analyst' })).json().data.article_count, 18)
})

t.test('static pages with versions', async (t) => {
  const app = await build(t, { seed: true })
  const { editor } = await createUsers(app)
  const created = await app.inject({ method: 'POST', url: '/v1/admin/pages', headers: editor.auth, payload: { title: 'Ethics Policy', body: 'We **correct** errors.' } })
  t.equal(created.statusCode, 201)
  const page = created.json().data
  t.match(page, { slug: 'ethics-policy', status: 'draft', version: 1, body_html: '<p>We <strong>correct</strong> errors.</p>' })
  t.equal((await app.inject({ method: 'GET', url: '/v1/pages/ethics-policy' })).statusCode, 404, 'drafts are not public')
  assertProblem(t, await app.inject({ method: 'PATCH', url: `/v1/admin/pages/${page.id}`, headers: editor.auth, payload: { status: 'published' } }), 428, 'PRECONDITION_REQUIRED')
  const published = await app.inject({ method: 'PATCH', url: `/v1/admin/pages/${page.id}`, headers: { ...editor.auth, 'if-match': '"v1"' }, payload: { status: 'published' } })
  t.equal(published.json().data.version, 2)
  t.equal((await app.inject({ method: 'GET', url: '/v1/pages/ethics-policy' })).statusCode, 200)
  assertProblem(t, await app.inject({ method: 'PATCH', url: `/v1/admin/pages/${page.id}`, headers: { ...editor.auth, 'if-match': '"v1"' }, payload: { title: 'Stale' } }), 412, 'PRECONDITION_FAILED')
  assertProblem(t, await app.inject({ method: 'POST', url: '/v1/admin/pages', headers: editor.auth, payload: { title: 'About Us' } }), 409, 'SLUG_TAKEN')
  t.equal((await app.inject({ method: 'DELETE', url: `/v1/admin/pages/${page.id}`, headers: { ...editor.auth, 'if-match': '"v2"' } })).statusCode, 204)
})

t.test('site settings (admin only) with versions', async (t) => {
  const app = await build(t, { seed: true })
  const admin = await createUser(app, 'admin')
  const current = await app.inject({ method: 'GET', url: '/v1/admin/settings', headers: admin.auth })
  t.equal(current.headers.etag, '"v1"')
  const updated = await app.inject({
    method: 'PATCH',
    url: '/v1/admin/settings',
    headers: { ...admin.auth, 'if-match': '"v1"' },
    payload: { tagline: 'Defence, daily', navigation_links: [{ label: 'About Us', url: '/about-us' }, { label: 'Contact', url: '/contact-us' }] },
  })
  t.equal(updated.statusCode, 200)
  t.match(updated.json().data, { tagline: 'Defence, daily', version: 2 })
  const site = (await app.inject({ method: 'GET', url: '/v1/site' })).json().data
  t.equal(site.tagline, 'Defence, daily')
  t.same(site.navigation.slice(-2).map((n: { label: string }) => n.label), ['About Us', 'Contact'])
  assertProblem(t, await app.inject({ method: 'PATCH', url: '/v1/admin/settings', headers: { ...admin.auth, 'if-match': '"v1"' }, payload: { tagline: 'Stale' } }), 412, 'PRECONDITION_FAILED')
  assertProblem(t, await app.inject({ method: 'PATCH', url: '/v1/admin/settings', headers: { ...admin.auth, 'if-match': '"v2"' }, payload: { footer_links: [{ label: 'x', url: 'javascript:alert(1)' }] } }), 400, 'VALIDATION_FAILED')
})

t.test('site settings exist to be edited on a site started without the demo', async (t) => {
  const app = await build(t)
  const admin = await createUser(app, 'admin')
  const settings = await app.inject({ method: 'GET', url: '/v1/admin/settings', headers: admin.auth })
  t.equal(settings.json().data.title, 'Untitled publication')
  const named = await app.inject({ method: 'PATCH', url: '/v1/admin/settings', headers: { ...admin.auth, 'if-match': '"v1"' }, payload: { title: 'The Harbour Gazette' } })
  t.equal(named.statusCode, 200)
  t.equal((await app.inject({ method: 'GET', url: '/v1/site' })).json().data.title, 'The Harbour Gazette')
})

t.test('users: admins manage accounts; the last admin is protected; sessions end on role change', async (t) => {
  const app = await build(t, { seed: true })
  const admin = await createUser(app, 'admin')
  const created = await app.inject({ method: 'POST', url: '/v1/admin/users', headers: admin.auth, payload: { email: 'Writer@Example.com', name: 'New Writer', role: 'author', password: 'long-enough-pass' } })
  t.equal(created.statusCode, 201)
  const user = created.json().data
  t.match(user, { email: 'Writer@Example.com', role: 'author', author: { slug: 'new-writer', name: 'New Writer' }, disabled: false })
  t.notOk('password' in user || 'password_hash' in user)
  assertProblem(t, await app.inject({ method: 'POST', url: '/v1/admin/users', headers: admin.auth, payload: { email: 'writer@example.com', name: 'Dup', role: 'author', password: 'long-enough-pass' } }), 409, 'EMAIL_TAKEN')
  assertProblem(t, await app.inject({ method: 'POST', url: '/v1/admin/users', headers: admin.auth, payload: { email: 'x@example.com', name: 'X', role: 'owner', password: 'long-enough-pass' } }), 400, 'VALIDATION_FAILED')
  assertProblem(t, await app.inject({ method: 'POST', url: '/v1/admin/users', headers: admin.auth, payload: { email: 'y@example.com', name: 'Y', role: 'author', password: 'short' } }), 400, 'VALIDATION_FAILED')

  const login = (await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: 'writer@example.com', password: 'long-enough-pass' } })).json()
  const promoted = await app.inject({ method: 'PATCH', url: `/v1/admin/users/${user.id}`, headers: admin.auth, payload: { role: 'editor' } })
  t.equal(promoted.json().data.role, 'editor')
  assertProblem(t, await app.inject({ method: 'GET', url: '/v1/auth/me', headers: { authorization: `Bearer ${login.access_token}` } }), 401, 'INVALID_TOKEN')
  assertProblem(t, await app.inject({ method: 'PATCH', url: `/v1/admin/users/${user.id}`, headers: { ...admin.auth, 'if-match': '"v1"' }, payload: { name: 'Stale' } }), 412, 'PRECONDITION_FAILED')

  assertProblem(t, await app.inject({ method: 'PATCH', url: `/v1/admin/users/${admin.id}`, headers: admin.auth, payload: { role: 'editor' } }), 409, 'CONFLICT')
  assertProblem(t, await app.inject({ method: 'PATCH', url: `/v1/admin/users/${admin.id}`, headers: admin.auth, payload: { disabled: true } }), 409, 'CONFLICT')
  assertProblem(t, await app.inject({ method: 'DELETE', url: `/v1/admin/users/${admin.id}`, headers: admin.auth }), 409, 'CONFLICT')
  t.equal((await app.inject({ method: 'PATCH', url: `/v1/admin/users/${user.id}`, headers: admin.auth, payload: { disabled: true } })).json().data.disabled, true)
  assertProblem(t, await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: 'writer@example.com', password: 'long-enough-pass' } }), 401, 'INVALID_CREDENTIALS')
  t.equal((await app.inject({ method: 'DELETE', url: `/v1/admin/users/${user.id}`, headers: admin.auth })).statusCode, 204)
  t.equal((await app.inject({ method: 'GET', url: '/v1/admin/users', headers: admin.auth })).json().data.length, 1)

  const trail = (await app.inject({ method: 'GET', url: '/v1/admin/audit?entity_type=user&limit=2', headers: admin.auth })).json()
  t.same(trail.data.map((e: { action: string }) => e.action), ['user.delete', 'user.update'])
  t.ok(trail.meta.next_cursor)
  const next = (await app.inject({ method: 'GET', url: `/v1/admin/audit?entity_type=user&limit=2&cursor=${trail.meta.next_cursor}`, headers: admin.auth })).json()
  t.ok(next.data.every((e: { id: number }) => e.id < trail.data[1].id))
  assertProblem(t, await app.inject({ method: 'GET', url: '/v1/admin/audit?cursor=!!', headers: admin.auth }), 400, 'BAD_CURSOR')
})

t.test('an account made through POST /v1/admin/users writes at once: its author profile comes with it, editable later', async (t) => {
  const app = await build(t)
  const admin = await createUser(app, 'admin')
  t.equal((await app.inject({ method: 'POST', url: '/v1/admin/sections', headers: admin.auth, payload: { name: 'News', slug: 'news' } })).statusCode, 201)
  for (const role of ['editor', 'admin', 'contributor'] as const) {
    const email = `${role}-first-day@example.com`
    const created = await app.inject({ method: 'POST', url: '/v1/admin/users', headers: admin.auth, payload: { email, name: `Asha ${role}`, role, password: 'long-enough-pass' } })
    t.equal(created.statusCode, 201)
    t.match(created.json().data.author, { slug: `asha-${role}`, name: `Asha ${role}` }, `a ${role} gets a profile named after them`)
    const login = (await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email, password: 'long-enough-pass' } })).json()
    const auth = { authorization: `Bearer ${login.access_token}` }
    const article = await app.inject({ method: 'POST', url: '/v1/admin/articles', headers: auth, payload: { title: `First story by a new ${role}`, section: 'news', body: 'Hello.' } })
    t.equal(article.statusCode, 201, `the ${role}'s first article is created`)
    t.equal(article.json().data.author.slug, `asha-${role}`)
  }
  const renamed = await app.inject({ method: 'PATCH', url: '/v1/admin/authors/asha-editor', headers: { ...admin.auth, 'if-match': '*' }, payload: { name: 'Asha Rao', bio: 'Night editor.' } })
  t.equal(renamed.statusCode, 200, 'the profile is edited like any other')
  t.match(renamed.json().data, { name: 'Asha Rao', bio: 'Night editor.' })
  const noByline = await app.inject({ method: 'POST', url: '/v1/admin/users', headers: admin.auth, payload: { email: 'x-first-day@example.com', name: 'X', role: 'editor', password: 'long-enough-pass' } })
  const unlinked = await app.inject({ method: 'PATCH', url: `/v1/admin/users/${noByline.json().data.id}`, headers: admin.auth, payload: { author: null } })
  t.equal(unlinked.json().data.author, null, 'and can still be unlinked')
})
