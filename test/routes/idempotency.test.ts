import t from 'tap'
import { eq, sql } from 'drizzle-orm'
import { articles, idempotencyKeys } from '../../src/db/schema/index.js'
import { assertProblem } from '../helpers/assertions.js'
import { createUser } from '../helpers/auth.js'
import { build } from '../helpers/build.js'

const draft = (title: string) => ({ title, section: 'india', author: 'the-defence-times', body: 'Text' })

t.test('a retried create with the same Idempotency-Key returns the first response and writes once', async (t) => {
  const app = await build(t, { seed: true })
  const editor = await createUser(app, 'editor')
  const headers = { ...editor.auth, 'idempotency-key': 'create-1-0b6f3f4e' }
  const first = await app.inject({ method: 'POST', url: '/v1/admin/articles', headers, payload: draft('Once only') })
  t.equal(first.statusCode, 201, first.body)
  t.equal(first.headers['idempotent-replayed'], undefined)
  const again = await app.inject({ method: 'POST', url: '/v1/admin/articles', headers, payload: draft('Once only') })
  t.equal(again.statusCode, 201)
  t.equal(again.headers['idempotent-replayed'], 'true')
  t.equal(again.body, first.body, 'the very same body')
  t.equal(again.headers.location, first.headers.location)
  t.equal(again.headers.etag, first.headers.etag)
  const rows = await app.testDb.database.db.select().from(articles).where(eq(articles.title, 'Once only'))
  t.equal(rows.length, 1, 'one article')

  // The same key with another request is refused; another user's identical key is theirs.
  assertProblem(t, await app.inject({ method: 'POST', url: '/v1/admin/articles', headers, payload: draft('Something else') }), 422, 'IDEMPOTENCY_KEY_REUSED')
  const other = await createUser(app, 'editor')
  const theirs = await app.inject({ method: 'POST', url: '/v1/admin/articles', headers: { ...other.auth, 'idempotency-key': 'create-1-0b6f3f4e' }, payload: draft('Once only') })
  t.equal(theirs.statusCode, 201)
  t.equal(theirs.headers['idempotent-replayed'], undefined)
  t.equal((await app.testDb.database.db.select().from(articles).where(eq(articles.title, 'Once only'))).length, 2)
})

t.test('updates and deletes replay too; a failed attempt leaves the key free', async (t) => {
  const app = await build(t, { seed: true })
  const editor = await createUser(app, 'editor')
  const created = await app.inject({ method: 'POST', url: '/v1/admin/articles', headers: editor.auth, payload: draft('Patched') })
  const { id } = created.json().data as { id: string }
  const etag = String(created.headers.etag)

  // A stale precondition fails without writing: the retry runs again (and fails again), not replayed.
  const stale = { ...editor.auth, 'idempotency-key': 'patch-stale', 'if-match': '"stale"' }
  assertProblem(t, await app.inject({ method: 'PATCH', url: `/v1/admin/articles/${id}`, headers: stale, payload: { title: 'Nope' } }), 412, 'PRECONDITION_FAILED')
  const retried = await app.inject({ method: 'PATCH', url: `/v1/admin/articles/${id}`, headers: stale, payload: { title: 'Nope' } })
  t.equal(retried.statusCode, 412)
  t.equal(retried.headers['idempotent-replayed'], undefined)

  const patch = { ...editor.auth, 'idempotency-key': 'patch-1', 'if-match': etag }
  const first = await app.inject({ method: 'PATCH', url: `/v1/admin/articles/${id}`, headers: patch, payload: { title: 'Patched once' } })
  t.equal(first.statusCode, 200, first.body)
  const second = await app.inject({ method: 'PATCH', url: `/v1/admin/articles/${id}`, headers: patch, payload: { title: 'Patched once' } })
  t.equal(second.statusCode, 200, 'not a 412: the retry is answered from the record, not re-run against the new version')
  t.equal(second.headers['idempotent-replayed'], 'true')
  t.equal((second.json().data as { version: number }).version, (first.json().data as { version: number }).version)

  const del = { ...editor.auth, 'idempotency-key': 'delete-1', 'if-match': String(first.headers.etag) }
  t.equal((await app.inject({ method: 'DELETE', url: `/v1/admin/articles/${id}`, headers: del })).statusCode, 204)
  const delAgain = await app.inject({ method: 'DELETE', url: `/v1/admin/articles/${id}`, headers: del })
  t.equal(delAgain.statusCode, 204, 'not a 404')
  t.equal(delAgain.headers['idempotent-replayed'], 'true')
})

t.test('concurrent duplicates: one write, the other waits (409 Retry-After) or gets the replay', async (t) => {
  const app = await build(t, { seed: true })
  const editor = await createUser(app, 'editor')
  const headers = { ...editor.auth, 'idempotency-key': 'race-1' }
  const answers = await Promise.all(Array.from({ length: 6 }, () => app.inject({ method: 'POST', url: '/v1/admin/articles', headers, payload: draft('Raced') })))
  const originals = answers.filter((r) => r.statusCode === 201 && r.headers['idempotent-replayed'] === undefined)
  t.equal(originals.length, 1, 'exactly one request ran')
  for (const r of answers) {
    if (r.statusCode === 409) {
      t.equal(r.json().code, 'IDEMPOTENCY_CONFLICT')
      t.ok(Number(r.headers['retry-after']) >= 1)
    } else t.equal(r.statusCode, 201, r.body)
  }
  t.equal((await app.testDb.database.db.select().from(articles).where(eq(articles.title, 'Raced'))).length, 1)
})

t.test('after a crash: an applied write is never run again; an abandoned claim is taken over', async (t) => {
  const app = await build(t, { seed: true })
  const editor = await createUser(app, 'editor')
  const db = app.testDb.database.db
  const headers = { ...editor.auth, 'idempotency-key': 'crash-after-commit' }
  t.equal((await app.inject({ method: 'POST', url: '/v1/admin/articles', headers, payload: draft('Crashed') })).statusCode, 201)
  const [row] = await db.select().from(idempotencyKeys).where(eq(idempotencyKeys.key, 'crash-after-commit'))
  t.equal(row?.committed, true, 'marked in the write transaction')
  // As if the process died after the commit and before recording the response.
  await db.update(idempotencyKeys).set({ responseStatus: null, responseBody: null, responseHeaders: null, lockedUntil: sql`now() - interval '1 hour'` }).where(eq(idempotencyKeys.key, 'crash-after-commit'))
  const retry = await app.inject({ method: 'POST', url: '/v1/admin/articles', headers, payload: draft('Crashed') })
  assertProblem(t, retry, 409, 'IDEMPOTENCY_CONFLICT')
  t.match(retry.json().detail, /was applied/)
  t.equal((await db.select().from(articles).where(eq(articles.title, 'Crashed'))).length, 1, 'still one article')
  // Between the first request's commit and its recorded response (the lease still runs), a duplicate
  // waits for it: 409 with Retry-After, not "applied but not recorded".
  await db.update(idempotencyKeys).set({ lockedUntil: sql`now() + interval '1 minute'` }).where(eq(idempotencyKeys.key, 'crash-after-commit'))
  const inFlight = await app.inject({ method: 'POST', url: '/v1/admin/articles', headers, payload: draft('Crashed') })
  assertProblem(t, inFlight, 409, 'IDEMPOTENCY_CONFLICT')
  t.match(inFlight.json().detail, /still being processed/)
  t.ok(Number(inFlight.headers['retry-after']) >= 1, 'with Retry-After')

  // A claim whose process died before writing anything: a retry after the lease runs the write.
  await db.insert(idempotencyKeys).values({ userId: editor.id, key: 'crash-before-write', fingerprint: 'x', lockedUntil: new Date(Date.now() - 1000) })
  const mismatch = await app.inject({ method: 'POST', url: '/v1/admin/articles', headers: { ...editor.auth, 'idempotency-key': 'crash-before-write' }, payload: draft('Taken over') })
  assertProblem(t, mismatch, 422, 'IDEMPOTENCY_KEY_REUSED')
  await db.delete(idempotencyKeys).where(eq(idempotencyKeys.key, 'crash-before-write'))
  const live = { ...editor.auth, 'idempotency-key': 'in-flight' }
  const first = await app.inject({ method: 'POST', url: '/v1/admin/articles', headers: live, payload: draft('Taken over') })
  await db.update(idempotencyKeys).set({ committed: false, responseStatus: null, lockedUntil: sql`now() + interval '1 minute'` }).where(eq(idempotencyKeys.key, 'in-flight'))
  assertProblem(t, await app.inject({ method: 'POST', url: '/v1/admin/articles', headers: live, payload: draft('Taken over') }), 409, 'IDEMPOTENCY_CONFLICT')
  await db.update(idempotencyKeys).set({ lockedUntil: sql`now() - interval '1 second'` }).where(eq(idempotencyKeys.key, 'in-flight'))
  await db.delete(articles).where(eq(articles.id, (first.json().data as { id: string }).id))
  const takenOver = await app.inject({ method: 'POST', url: '/v1/admin/articles', headers: live, payload: draft('Taken over') })
  t.equal(takenOver.statusCode, 201, takenOver.body)
  t.equal(takenOver.headers['idempotent-replayed'], undefined, 'ran afresh')
  t.equal((await db.select().from(articles).where(eq(articles.title, 'Taken over'))).length, 1)
})

t.test('a malformed key is a 400 naming the header; the header is documented on every editor write', async (t) => {
  const app = await build(t)
  const editor = await createUser(app, 'editor')
  const bad = await app.inject({ method: 'POST', url: '/v1/admin/tags', headers: { ...editor.auth, 'idempotency-key': 'has space' }, payload: { name: 'X' } })
  const body = assertProblem(t, bad, 400, 'VALIDATION_FAILED')
  t.match(JSON.stringify(body.invalid_params), /idempotency-key/)
  const spec = (await app.inject({ url: '/openapi.json' })).json() as { paths: Record<string, Record<string, { parameters?: { in: string; name: string }[]; responses: Record<string, unknown> }>> }
  let writes = 0
  for (const [path, item] of Object.entries(spec.paths)) {
    if (!path.startsWith('/v1/admin/')) continue
    for (const [method, op] of Object.entries(item)) {
      if (method === 'get') continue
      writes++
      t.ok(op.parameters?.some((p) => p.in === 'header' && p.name === 'idempotency-key'), `${method} ${path} documents Idempotency-Key`)
      t.ok(op.responses['409'] && op.responses['422'], `${method} ${path} documents 409 and 422`)
    }
  }
  t.ok(writes > 30)
})
