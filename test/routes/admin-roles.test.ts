import t from 'tap'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import type { Role } from '../../src/services/actor.js'
import { createUsers } from '../helpers/auth.js'
import { build } from '../helpers/build.js'

const ALL: Role[] = ['admin', 'editor', 'author', 'contributor']
const STAFF: Role[] = ['admin', 'editor']
const ADMIN: Role[] = ['admin']
const UUID = '00000000-0000-4000-8000-000000000000'

/** The role truth table: every editor operation, who may call it. Ownership rules are tested in admin-articles. */
const TABLE: { method: string; url: string; path: string; roles: Role[]; payload?: unknown }[] = [
  { method: 'GET', url: '/v1/admin/articles', path: '/v1/admin/articles', roles: ALL },
  { method: 'POST', url: '/v1/admin/articles', path: '/v1/admin/articles', roles: ALL, payload: {} },
  { method: 'GET', url: `/v1/admin/articles/${UUID}`, path: '/v1/admin/articles/{id}', roles: ALL },
  { method: 'PATCH', url: `/v1/admin/articles/${UUID}`, path: '/v1/admin/articles/{id}', roles: ALL, payload: { title: 'x' } },
  { method: 'DELETE', url: `/v1/admin/articles/${UUID}`, path: '/v1/admin/articles/{id}', roles: ALL },
  { method: 'GET', url: `/v1/admin/articles/${UUID}/revisions`, path: '/v1/admin/articles/{id}/revisions', roles: ALL },
  { method: 'GET', url: `/v1/admin/articles/${UUID}/revisions/1`, path: '/v1/admin/articles/{id}/revisions/{version}', roles: ALL },
  { method: 'POST', url: `/v1/admin/articles/${UUID}/revisions/1/restore`, path: '/v1/admin/articles/{id}/revisions/{version}/restore', roles: ALL },
  { method: 'POST', url: `/v1/admin/articles/${UUID}/preview`, path: '/v1/admin/articles/{id}/preview', roles: ALL },
  { method: 'GET', url: `/v1/admin/articles/${UUID}/notes`, path: '/v1/admin/articles/{id}/notes', roles: ALL },
  { method: 'POST', url: `/v1/admin/articles/${UUID}/notes`, path: '/v1/admin/articles/{id}/notes', roles: ALL, payload: { body: 'x' } },
  { method: 'POST', url: `/v1/admin/articles/${UUID}/corrections`, path: '/v1/admin/articles/{id}/corrections', roles: STAFF, payload: { kind: 'correction', text: 'x' } },
  { method: 'PATCH', url: `/v1/admin/articles/${UUID}/corrections/${UUID}`, path: '/v1/admin/articles/{id}/corrections/{correction_id}', roles: STAFF, payload: { text: 'x' } },
  { method: 'GET', url: '/v1/admin/sections', path: '/v1/admin/sections', roles: ALL },
  { method: 'POST', url: '/v1/admin/sections', path: '/v1/admin/sections', roles: STAFF, payload: {} },
  { method: 'PUT', url: '/v1/admin/sections/order', path: '/v1/admin/sections/order', roles: STAFF, payload: {} },
  { method: 'PATCH', url: '/v1/admin/sections/none', path: '/v1/admin/sections/{slug}', roles: STAFF, payload: { name: 'x' } },
  { method: 'DELETE', url: '/v1/admin/sections/none', path: '/v1/admin/sections/{slug}', roles: STAFF },
  { method: 'GET', url: '/v1/admin/tags', path: '/v1/admin/tags', roles: ALL },
  { method: 'POST', url: '/v1/admin/tags', path: '/v1/admin/tags', roles: STAFF, payload: {} },
  { method: 'PATCH', url: '/v1/admin/tags/none', path: '/v1/admin/tags/{slug}', roles: STAFF, payload: { name: 'x' } },
  { method: 'DELETE', url: '/v1/admin/tags/none', path: '/v1/admin/tags/{slug}', roles: STAFF },
  { method: 'GET', url: '/v1/admin/authors', path: '/v1/admin/authors', roles: ALL },
  { method: 'POST', url: '/v1/admin/authors', path: '/v1/admin/authors', roles: STAFF, payload: {} },
  { method: 'PATCH', url: '/v1/admin/authors/none', path: '/v1/admin/authors/{slug}', roles: ALL, payload: { name: 'x' } },
  { method: 'DELETE', url: '/v1/admin/authors/none', path: '/v1/admin/authors/{slug}', roles: STAFF },
  { method: 'GET', url: '/v1/admin/pages', path: '/v1/admin/pages', roles: STAFF },
  { method: 'POST', url: '/v1/admin/pages', path: '/v1/admin/pages', roles: STAFF, payload: {} },
  { method: 'GET', url: `/v1/admin/pages/${UUID}`, path: '/v1/admin/pages/{id}', roles: STAFF },
  { method: 'PATCH', url: `/v1/admin/pages/${UUID}`, path: '/v1/admin/pages/{id}', roles: STAFF, payload: { title: 'x' } },
  { method: 'DELETE', url: `/v1/admin/pages/${UUID}`, path: '/v1/admin/pages/{id}', roles: STAFF },
  { method: 'GET', url: '/v1/admin/collections', path: '/v1/admin/collections', roles: STAFF },
  { method: 'POST', url: '/v1/admin/collections', path: '/v1/admin/collections', roles: STAFF, payload: {} },
  { method: 'GET', url: '/v1/admin/collections/top-stories', path: '/v1/admin/collections/{slug}', roles: STAFF },
  { method: 'PATCH', url: '/v1/admin/collections/top-stories', path: '/v1/admin/collections/{slug}', roles: STAFF, payload: { name: 'x' } },
  { method: 'DELETE', url: '/v1/admin/collections/top-stories', path: '/v1/admin/collections/{slug}', roles: STAFF },
  { method: 'PUT', url: '/v1/admin/collections/top-stories/items', path: '/v1/admin/collections/{slug}/items', roles: STAFF, payload: { items: [] } },
  { method: 'GET', url: '/v1/admin/settings', path: '/v1/admin/settings', roles: ADMIN },
  { method: 'PATCH', url: '/v1/admin/settings', path: '/v1/admin/settings', roles: ADMIN, payload: { title: 'x' } },
  { method: 'GET', url: '/v1/admin/users', path: '/v1/admin/users', roles: ADMIN },
  { method: 'POST', url: '/v1/admin/users', path: '/v1/admin/users', roles: ADMIN, payload: {} },
  { method: 'GET', url: `/v1/admin/users/${UUID}`, path: '/v1/admin/users/{id}', roles: ADMIN },
  { method: 'PATCH', url: `/v1/admin/users/${UUID}`, path: '/v1/admin/users/{id}', roles: ADMIN, payload: { name: 'x' } },
  { method: 'DELETE', url: `/v1/admin/users/${UUID}`, path: '/v1/admin/users/{id}', roles: ADMIN },
  { method: 'GET', url: '/v1/admin/audit', path: '/v1/admin/audit', roles: ADMIN },
  { method: 'GET', url: '/v1/admin/export', path: '/v1/admin/export', roles: ADMIN },
  { method: 'POST', url: '/v1/admin/imports', path: '/v1/admin/imports', roles: ADMIN, payload: {} },
  { method: 'GET', url: `/v1/admin/imports/${UUID}`, path: '/v1/admin/imports/{id}', roles: ADMIN },
  { method: 'GET', url: '/v1/admin/subscribers', path: '/v1/admin/subscribers', roles: STAFF },
  { method: 'GET', url: '/v1/admin/subscribers/export.csv', path: '/v1/admin/subscribers/export.csv', roles: STAFF },
  { method: 'POST', url: `/v1/admin/subscribers/${UUID}/resend`, path: '/v1/admin/subscribers/{id}/resend', roles: STAFF },
  { method: 'DELETE', url: `/v1/admin/subscribers/${UUID}`, path: '/v1/admin/subscribers/{id}', roles: STAFF },
  { method: 'POST', url: `/v1/admin/articles/${UUID}/newsletter`, path: '/v1/admin/articles/{id}/newsletter', roles: STAFF, payload: {} },
  { method: 'GET', url: `/v1/admin/articles/${UUID}/newsletter/preview`, path: '/v1/admin/articles/{id}/newsletter/preview', roles: STAFF },
  { method: 'POST', url: `/v1/admin/articles/${UUID}/newsletter/test`, path: '/v1/admin/articles/{id}/newsletter/test', roles: STAFF, payload: { email: 'desk@example.com' } },
  { method: 'GET', url: '/v1/admin/newsletter/sends', path: '/v1/admin/newsletter/sends', roles: STAFF },
  { method: 'GET', url: `/v1/admin/newsletter/sends/${UUID}`, path: '/v1/admin/newsletter/sends/{id}', roles: STAFF },
  { method: 'POST', url: `/v1/admin/newsletter/sends/${UUID}/cancel`, path: '/v1/admin/newsletter/sends/{id}/cancel', roles: STAFF },
  { method: 'POST', url: '/v1/admin/newsletter/suppressions', path: '/v1/admin/newsletter/suppressions', roles: STAFF, payload: { emails: ['x@example.com'], reason: 'bounced' } },
  { method: 'GET', url: '/v1/admin/outbox', path: '/v1/admin/outbox', roles: ADMIN },
  { method: 'GET', url: '/v1/admin/webhooks', path: '/v1/admin/webhooks', roles: ADMIN },
  { method: 'POST', url: '/v1/admin/webhooks', path: '/v1/admin/webhooks', roles: ADMIN, payload: {} },
  { method: 'GET', url: `/v1/admin/webhooks/${UUID}`, path: '/v1/admin/webhooks/{id}', roles: ADMIN },
  { method: 'PATCH', url: `/v1/admin/webhooks/${UUID}`, path: '/v1/admin/webhooks/{id}', roles: ADMIN, payload: { description: 'x' } },
  { method: 'DELETE', url: `/v1/admin/webhooks/${UUID}`, path: '/v1/admin/webhooks/{id}', roles: ADMIN },
  { method: 'POST', url: `/v1/admin/webhooks/${UUID}/rotate-secret`, path: '/v1/admin/webhooks/{id}/rotate-secret', roles: ADMIN },
  { method: 'POST', url: `/v1/admin/webhooks/${UUID}/test`, path: '/v1/admin/webhooks/{id}/test', roles: ADMIN },
  { method: 'GET', url: `/v1/admin/webhooks/${UUID}/deliveries`, path: '/v1/admin/webhooks/{id}/deliveries', roles: ADMIN },
  { method: 'GET', url: '/v1/admin/comments', path: '/v1/admin/comments', roles: STAFF },
  { method: 'GET', url: `/v1/admin/comments/${UUID}`, path: '/v1/admin/comments/{id}', roles: STAFF },
  { method: 'PATCH', url: `/v1/admin/comments/${UUID}`, path: '/v1/admin/comments/{id}', roles: STAFF, payload: { status: 'approved' } },
  { method: 'DELETE', url: `/v1/admin/comments/${UUID}`, path: '/v1/admin/comments/{id}', roles: STAFF },
  { method: 'POST', url: '/v1/admin/comments/bulk', path: '/v1/admin/comments/bulk', roles: STAFF, payload: {} },
  { method: 'POST', url: `/v1/admin/comments/${UUID}/replies`, path: '/v1/admin/comments/{id}/replies', roles: STAFF, payload: { body: 'x' } },
  { method: 'GET', url: '/v1/admin/comment-blocks', path: '/v1/admin/comment-blocks', roles: STAFF },
  { method: 'POST', url: '/v1/admin/comment-blocks', path: '/v1/admin/comment-blocks', roles: STAFF, payload: {} },
  { method: 'DELETE', url: `/v1/admin/comment-blocks/${UUID}`, path: '/v1/admin/comment-blocks/{id}', roles: STAFF },
  { method: 'GET', url: '/v1/admin/media', path: '/v1/admin/media', roles: ALL },
  { method: 'POST', url: '/v1/admin/media', path: '/v1/admin/media', roles: ALL, payload: {} },
  { method: 'GET', url: `/v1/admin/media/${UUID}`, path: '/v1/admin/media/{id}', roles: ALL },
  { method: 'PATCH', url: `/v1/admin/media/${UUID}`, path: '/v1/admin/media/{id}', roles: ALL, payload: { alt: 'x' } },
  { method: 'DELETE', url: `/v1/admin/media/${UUID}`, path: '/v1/admin/media/{id}', roles: ALL },
  { method: 'GET', url: `/v1/admin/media/${UUID}/usage`, path: '/v1/admin/media/{id}/usage', roles: ALL },
]

t.test('the table covers every editor operation in the OpenAPI document', async (t) => {
  const document = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../openapi/openapi.json'), 'utf8'))
  const documented = Object.entries(document.paths as Record<string, Record<string, unknown>>)
    .filter(([p]) => p.startsWith('/v1/admin'))
    .flatMap(([p, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${p}`))
    .sort()
  t.same(TABLE.map((r) => `${r.method} ${r.path}`).sort(), documented)
})

t.test('every role × every editor route: 401 without a token, 403 without the right, through otherwise', async (t) => {
  const app = await build(t, { seed: true })
  const users = await createUsers(app)
  for (const route of TABLE) {
    const anonymous = await app.inject({ method: route.method as 'GET', url: route.url, ...(route.payload ? { payload: route.payload } : {}) })
    t.equal(anonymous.statusCode, 401, `anonymous ${route.method} ${route.path}`)
    for (const role of ALL) {
      const res = await app.inject({
        method: route.method as 'GET',
        url: route.url,
        headers: { ...users[role].auth, 'if-match': '"v1"' },
        ...(route.payload ? { payload: route.payload } : {}),
      })
      const label = `${role} ${route.method} ${route.path} → ${res.statusCode}`
      if (route.roles.includes(role)) t.ok(res.statusCode !== 401 && res.statusCode !== 403 && res.statusCode < 500, label)
      else {
        t.equal(res.statusCode, 403, label)
        t.equal(res.json().code, 'FORBIDDEN', label)
      }
    }
  }
})
