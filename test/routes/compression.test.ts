import t from 'tap'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { createUser } from '../helpers/auth.js'
import { build } from '../helpers/build.js'

const LIST = '/v1/articles?limit=20'
const br = { 'accept-encoding': 'gzip, deflate, br' }
const gzip = { 'accept-encoding': 'gzip' }
const decode = (res: { headers: Record<string, unknown>; rawPayload: Buffer }) =>
  res.headers['content-encoding'] === 'br' ? brotliDecompressSync(res.rawPayload) : res.headers['content-encoding'] === 'gzip' ? gunzipSync(res.rawPayload) : res.rawPayload

t.test('public reads: negotiated br/gzip, one ETag per coding, encoded once per cache entry', async (t) => {
  const app = await build(t, { seed: true })
  const stats = app.services.responseCache!.stats
  const plain = await app.inject({ url: LIST })
  t.equal(plain.headers['content-encoding'], undefined, 'no Accept-Encoding: identity')
  t.equal(plain.headers.vary, 'Accept-Encoding', 'but the response says it varies')
  t.ok(plain.rawPayload.length > 10_000)
  const identityEtag = String(plain.headers.etag)

  const encodes = stats.encodes
  const first = await app.inject({ url: LIST, headers: br })
  t.equal(first.headers['x-cache'], 'HIT')
  t.equal(first.headers['content-encoding'], 'br')
  t.equal(first.headers.vary, 'Accept-Encoding')
  t.equal(first.headers.etag, identityEtag.replace(/"$/, '-br"'), 'a strong ETag per coding (RFC 9110 §8.8.3)')
  t.equal(Number(first.headers['content-length']), first.rawPayload.length)
  t.ok(first.rawPayload.length < plain.rawPayload.length / 4)
  t.same(decode(first), plain.rawPayload, 'the same representation, encoded')
  t.equal(stats.encodes, encodes + 1)
  const bytesWithBr = app.services.responseCache!.size().bytes

  const again = await app.inject({ url: LIST, headers: br })
  t.same(again.rawPayload, first.rawPayload)
  t.equal(stats.encodes, encodes + 1, 'a cached compressed read compresses nothing')
  const gz = await app.inject({ url: LIST, headers: gzip })
  t.equal(gz.headers['content-encoding'], 'gzip')
  t.equal(gz.headers.etag, identityEtag.replace(/"$/, '-gzip"'))
  t.same(decode(gz), plain.rawPayload)
  await app.inject({ url: LIST, headers: gzip })
  t.equal(stats.encodes, encodes + 2, 'once per entry and coding')
  t.equal(app.services.responseCache!.size().bytes, bytesWithBr + gz.rawPayload.length, 'encoded bodies count against the bound')

  const notModified = await app.inject({ url: LIST, headers: { ...br, 'if-none-match': String(first.headers.etag) } })
  t.equal(notModified.statusCode, 304)
  t.equal(notModified.headers.etag, first.headers.etag)
  t.equal(notModified.headers.vary, 'Accept-Encoding')
  t.equal(notModified.headers['content-encoding'], undefined)
  t.equal(notModified.rawPayload.length, 0)
  const otherCoding = await app.inject({ url: LIST, headers: { ...gzip, 'if-none-match': String(first.headers.etag) } })
  t.equal(otherCoding.statusCode, 200, 'the br tag does not validate the gzip representation')
  t.equal(otherCoding.headers['content-encoding'], 'gzip')
  const plainAfterBr = await app.inject({ url: LIST, headers: { 'if-none-match': String(first.headers.etag) } })
  t.equal(plainAfterBr.statusCode, 200)

  const head = await app.inject({ method: 'HEAD', url: LIST, headers: br })
  t.equal(head.statusCode, 200)
  t.equal(head.rawPayload.length, 0)
  for (const name of ['content-encoding', 'content-length', 'etag', 'vary', 'cache-control', 'content-type', 'surrogate-key']) {
    t.equal(head.headers[name], first.headers[name], `HEAD ${name} as GET`)
  }

  // A miss that asks for br: the leader stores the identity body and its br encoding.
  const url = '/v1/sections?include=latest'
  const miss = await app.inject({ url, headers: br })
  t.equal(miss.headers['x-cache'], 'MISS')
  t.equal(miss.headers['content-encoding'], 'br')
  const count = stats.encodes
  const hit = await app.inject({ url, headers: br })
  t.equal(hit.headers['x-cache'], 'HIT')
  t.same(hit.rawPayload, miss.rawPayload)
  t.equal(stats.encodes, count)

  const small = await app.inject({ url: '/v1/tags/taiwan', headers: br })
  t.ok(small.rawPayload.length < 1024)
  t.equal(small.headers['content-encoding'], undefined, 'below COMPRESSION_MIN_BYTES: sent as is')
  t.equal(small.headers.vary, undefined)
  t.match(small.headers.etag, /^"[A-Za-z0-9_-]+"$/)

  const docs = await app.inject({ url: '/openapi.json', headers: br })
  t.equal(docs.statusCode, 200)
  t.equal(docs.headers['content-encoding'], 'br', 'the OpenAPI document too')
  t.equal(JSON.parse(decode(docs).toString()).openapi, '3.1.0')
})

t.test('editor responses and replays: compressed, version ETags keep working in If-Match', async (t) => {
  const app = await build(t, { seed: true })
  const editor = await createUser(app, 'editor', { author: 'the-defence-times' })
  const list = await app.inject({ url: '/v1/admin/articles', headers: { ...editor.auth, ...gzip } })
  t.equal(list.statusCode, 200)
  t.equal(list.headers['content-encoding'], 'gzip')
  t.equal(list.headers['cache-control'], 'private, no-store')
  t.equal(JSON.parse(decode(list).toString()).data.length, 18)

  const key = { 'idempotency-key': 'compressed-create-1' }
  const payload = { title: 'A Compressed Story', section: 'india', body: 'Words. '.repeat(400) }
  const created = await app.inject({ method: 'POST', url: '/v1/admin/articles', headers: { ...editor.auth, ...br, ...key }, payload })
  t.equal(created.statusCode, 201)
  t.equal(created.headers['content-encoding'], 'br')
  t.equal(created.headers.etag, '"v1-br"', 'the version ETag names its coding')
  const article = JSON.parse(decode(created).toString()).data
  const replay = await app.inject({ method: 'POST', url: '/v1/admin/articles', headers: { ...editor.auth, ...gzip, ...key }, payload })
  t.equal(replay.statusCode, 201)
  t.equal(replay.headers['idempotent-replayed'], 'true')
  t.equal(replay.headers['content-encoding'], 'gzip', 'a replay is encoded for the retry that asked')
  t.equal(replay.headers.etag, '"v1-gzip"')
  t.same(JSON.parse(decode(replay).toString()).data, article, 'the recorded response, not its encoding')
  const plainReplay = await app.inject({ method: 'POST', url: '/v1/admin/articles', headers: { ...editor.auth, ...key }, payload })
  t.equal(plainReplay.headers['content-encoding'], undefined)
  t.equal(plainReplay.headers.etag, '"v1"')
  t.same(plainReplay.json().data, article)

  const patched = await app.inject({ method: 'PATCH', url: `/v1/admin/articles/${article.id}`, headers: { ...editor.auth, 'if-match': String(created.headers.etag) }, payload: { title: 'Still Compressed' } })
  t.equal(patched.statusCode, 200, 'If-Match with the coded ETag names the same version')
  t.equal(patched.headers.etag, '"v2"')
  const stale = await app.inject({ method: 'PATCH', url: `/v1/admin/articles/${article.id}`, headers: { ...editor.auth, 'if-match': '"v1-gzip"' }, payload: { title: 'Too Late' } })
  t.equal(stale.statusCode, 412)
  const stored = await app.inject({ url: `/v1/admin/articles/${article.id}`, headers: editor.auth })
  t.equal(stored.json().data.title, 'Still Compressed', 'the stale write changed nothing')
})

t.test('RESPONSE_CACHE=false: compressed per request; errors past the threshold too; COMPRESSION=false sends identity', async (t) => {
  const app = await build(t, { seed: true, env: { RESPONSE_CACHE: 'false', COMPRESSION_MIN_BYTES: '200', COMPRESSION_BROTLI_QUALITY: '11' } })
  const plain = await app.inject({ url: LIST })
  const first = await app.inject({ url: LIST, headers: br })
  t.equal(first.headers['x-cache'], 'MISS', 'computed for this request')
  t.equal(first.headers['content-encoding'], 'br')
  t.same(decode(first), plain.rawPayload)
  const notModified = await app.inject({ url: LIST, headers: { ...br, 'if-none-match': String(first.headers.etag) } })
  t.equal(notModified.statusCode, 304)
  t.equal(notModified.headers.vary, 'Accept-Encoding')
  const head = await app.inject({ method: 'HEAD', url: LIST, headers: gzip })
  t.equal(head.headers['content-encoding'], 'gzip')
  t.equal(Number(head.headers['content-length']), (await app.inject({ url: LIST, headers: gzip })).rawPayload.length)

  const invalid = await app.inject({ url: `/v1/articles?limit=500&page=0&sort=sideways&published_after=never`, headers: br })
  t.equal(invalid.statusCode, 400)
  t.equal(invalid.headers['content-encoding'], 'br', 'an error past COMPRESSION_MIN_BYTES is compressed too')
  t.equal(invalid.headers['cache-control'], 'private, no-store')
  t.equal(JSON.parse(decode(invalid).toString()).code, 'VALIDATION_FAILED')

  const off = await build(t, { seed: true, env: { COMPRESSION: 'false' } })
  const raw = await off.inject({ url: LIST, headers: br })
  t.equal(raw.headers['content-encoding'], undefined)
  t.equal(raw.headers.vary, undefined)
  t.equal(raw.headers.etag, (await off.inject({ url: LIST })).headers.etag, 'one representation, one tag')
})
