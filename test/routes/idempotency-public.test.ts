import t from 'tap'
import { eq, sql } from 'drizzle-orm'
import { comments, outbox, publicIdempotencyKeys } from '../../src/db/schema/index.js'
import { assertProblem } from '../helpers/assertions.js'
import { build } from '../helpers/build.js'
import { commentableArticle, postComment } from '../helpers/comments.js'

/**
 * Public writes (a comment, a newsletter signup) take an Idempotency-Key as editor writes do: the
 * same key and request get the first answer back and nothing is written twice; keys belong to the
 * email address the request is about, as there is no user.
 */
t.test('a comment retried with its Idempotency-Key (from another network) is answered once and stored once', async (t) => {
  const app = await build(t)
  const article = await commentableArticle(app)
  const payload = { author_name: 'Reader', author_email: 'Retry@Example.com', body: 'Posted over a flaky connection.' }
  const headers = { 'idempotency-key': 'comment-7f3a' }
  const first = await postComment(app, article.slug, payload, { ip: '10.1.0.1', headers })
  t.equal(first.statusCode, 202, first.body)
  t.equal(first.headers['idempotent-replayed'], undefined)
  const again = await postComment(app, article.slug, payload, { ip: '10.2.0.2', headers })
  t.equal(again.statusCode, 202, 'not the 409 of a duplicate comment')
  t.equal(again.headers['idempotent-replayed'], 'true')
  t.equal(again.body, first.body, 'the very same answer')
  const db = app.testDb.database.db
  t.equal((await db.select().from(comments).where(eq(comments.body, payload.body))).length, 1, 'one comment')
  const [key] = await db.select().from(publicIdempotencyKeys).where(eq(publicIdempotencyKeys.key, 'comment-7f3a'))
  t.equal(key?.owner, 'email:retry@example.com', 'the key belongs to the address')
  t.equal(key?.committed, true)

  // The same key with another comment is refused; another reader's identical key is theirs.
  assertProblem(t, await postComment(app, article.slug, { ...payload, body: 'Something else entirely.' }, { headers }), 422, 'IDEMPOTENCY_KEY_REUSED')
  const theirs = await postComment(app, article.slug, { ...payload, author_email: 'someone@example.com', body: 'Their own words.' }, { headers })
  t.equal(theirs.statusCode, 202, theirs.body)
  t.equal(theirs.headers['idempotent-replayed'], undefined)

  // A comment refused without writing (closed article, unknown parent) leaves the key free for a retry.
  const orphan = { ...payload, body: 'A reply to nothing.', parent_id: '00000000-0000-4000-8000-000000000000' }
  const lost = { 'idempotency-key': 'comment-orphan' }
  assertProblem(t, await postComment(app, article.slug, orphan, { headers: lost }), 404, 'NOT_FOUND')
  const retried = await postComment(app, article.slug, orphan, { headers: lost })
  t.equal(retried.statusCode, 404, 'ran again, not replayed')
  t.equal(retried.headers['idempotent-replayed'], undefined)

  assertProblem(t, await postComment(app, article.slug, payload, { headers: { 'idempotency-key': 'has space' } }), 400, 'VALIDATION_FAILED')
})

t.test('a newsletter signup retried with its Idempotency-Key sends one confirmation', async (t) => {
  const app = await build(t)
  const db = app.testDb.database.db
  const signup = (body: Record<string, unknown>, key: string) =>
    app.inject({ method: 'POST', url: '/v1/newsletter/subscriptions', headers: { 'idempotency-key': key }, payload: body })
  const first = await signup({ email: 'keyed@example.com', name: 'Keyed' }, 'signup-1')
  t.equal(first.statusCode, 202, first.body)
  const again = await signup({ email: 'keyed@example.com', name: 'Keyed' }, 'signup-1')
  t.equal(again.statusCode, 202)
  t.equal(again.headers['idempotent-replayed'], 'true')
  t.equal(again.body, first.body)
  const confirmations = await db.select().from(outbox).where(sql`${outbox.payload}->>'kind' = 'newsletter.confirm' and ${outbox.payload}->>'to' = 'keyed@example.com'`)
  t.equal(confirmations.length, 1, 'one confirmation email')
  assertProblem(t, await signup({ email: 'keyed@example.com', name: 'Someone else' }, 'signup-1'), 422, 'IDEMPOTENCY_KEY_REUSED')
})

t.test('OpenAPI: the public writes that take the header say so, with their 409 and 422', async (t) => {
  const app = await build(t)
  const spec = (await app.inject({ url: '/openapi.json' })).json() as { paths: Record<string, Record<string, { parameters?: { in?: string; name?: string; $ref?: string }[]; responses: Record<string, { headers?: Record<string, unknown> }> }>> }
  for (const [path, method] of [['/v1/articles/{slug}/comments', 'post'], ['/v1/newsletter/subscriptions', 'post']] as const) {
    const op = spec.paths[path]![method]!
    t.ok(op.parameters?.some((p) => p.in === 'header' && p.name === 'idempotency-key'), `${method} ${path} documents Idempotency-Key`)
    t.ok(op.responses['409'] && op.responses['422'], `${method} ${path} documents 409 and 422`)
    t.ok(op.responses['202']?.headers?.['Idempotent-Replayed'], `${method} ${path} documents Idempotent-Replayed`)
  }
})
