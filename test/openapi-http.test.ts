import t from 'tap'
import { readFileSync } from 'node:fs'
import { OPENAPI_FILE } from '../src/cli/export-openapi.js'
import { routeFactsOf } from '../src/plugins/openapi.js'
import { build } from './helpers/build.js'

type Parameter = { $ref?: string; name?: string; in?: string; example?: unknown }
type Media = { example?: unknown; examples?: Record<string, unknown> }
type Operation = {
  operationId: string
  description?: string
  parameters?: Parameter[]
  requestBody?: { content: Record<string, Media> }
  responses: Record<string, { headers?: Record<string, { $ref: string }>; content?: Record<string, Media> }>
}

const document = JSON.parse(readFileSync(OPENAPI_FILE, 'utf8')) as { servers: { url: string }[]; paths: Record<string, Record<string, Operation>> }
const operations = Object.entries(document.paths).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ name: `${method.toUpperCase()} ${path}`, method, op })))
const refs = (op: Operation) => new Set((op.parameters ?? []).map((p) => p.$ref?.split('/').pop()).filter(Boolean))
const headersOf = (op: Operation, status: string) => Object.keys(op.responses[status]?.headers ?? {})

t.test('every operation has a description', async (t) => {
  t.same(operations.filter(({ op }) => !op.description?.trim()).map(({ name }) => name), [])
})

t.test('304 is declared exactly where a GET is cacheable, with the conditional request headers', async (t) => {
  const app = await build(t)
  const facts = routeFactsOf(app)
  const cacheable = operations.filter(({ method, op }) => method === 'get' && facts.get(op.operationId)?.cache === 'public').map(({ op }) => op.operationId)
  const with304 = operations.filter(({ op }) => '304' in op.responses).map(({ op }) => op.operationId)
  // Media files validate themselves (their content-hashed name is the ETag) and cache for a year.
  t.same(with304, ['getMediaFile', ...cacheable])
  const media = operations.find(({ op }) => op.operationId === 'getMediaFile')!.op
  t.ok(refs(media).has('IfNoneMatch'), 'getMediaFile takes If-None-Match')
  t.same(headersOf(media, '304'), ['X-Request-Id', 'Cache-Control', 'ETag', 'Vary'], 'getMediaFile 304 headers')
  t.notOk(media.responses['304']!.content, 'a 304 has no body')
  t.ok(cacheable.length >= 20, 'the public reads')
  t.ok(cacheable.includes('getRssFeed') && cacheable.includes('getSitemapXml'), 'feeds and sitemaps too')
  for (const { op } of operations.filter(({ op }) => '304' in op.responses && op.operationId !== 'getMediaFile')) {
    t.ok(refs(op).has('IfNoneMatch') && !refs(op).has('IfModifiedSince'), `${op.operationId} takes If-None-Match (no Last-Modified is sent, so no If-Modified-Since)`)
    t.same(headersOf(op, '304'), ['X-Request-Id', 'Cache-Control', 'ETag', 'Surrogate-Control', 'CDN-Cache-Control', 'Vary', 'Surrogate-Key', 'Cache-Tag', ...(headersOf(op, '200').includes('Link') ? ['Link'] : [])], `${op.operationId} 304 headers`)
    t.notOk(op.responses['304']!.content, 'a 304 has no body')
  }
})

t.test('If-Match is a parameter of every write that compares it; the twenty that answer 428 among them', async (t) => {
  const answering428 = operations.filter(({ op }) => '428' in op.responses).map(({ op }) => op.operationId)
  t.same(answering428.sort(), [
    'adminCreateCorrection', 'adminDeleteArticle', 'adminDeleteAuthor', 'adminDeleteCollection', 'adminDeleteComment', 'adminDeletePage', 'adminDeleteSection', 'adminDeleteTag', 'adminPutCollectionItems', 'adminRestoreRevision', 'adminUpdateArticle',
    'adminUpdateAuthor', 'adminUpdateCollection', 'adminUpdateComment', 'adminUpdateCorrection', 'adminUpdateMedia', 'adminUpdatePage', 'adminUpdateSection', 'adminUpdateSettings', 'adminUpdateTag',
  ])
  const withIfMatch = operations.filter(({ op }) => refs(op).has('IfMatch')).map(({ op }) => op.operationId)
  t.same(withIfMatch.sort(), [...answering428, 'adminDeleteMedia', 'adminUpdateUser'].sort(), 'the 428 ones and those that honour it when sent (412)')
})

t.test('the response headers clients need are declared', async (t) => {
  const byId = new Map(operations.map(({ op }) => [op.operationId, op]))
  const op = (id: string) => byId.get(id)!
  for (const { op } of operations) {
    for (const status of Object.keys(op.responses)) t.ok(headersOf(op, status).includes('X-Request-Id'), `${op.operationId} ${status} X-Request-Id`)
    if ('429' in op.responses) t.ok(headersOf(op, '429').includes('Retry-After'), `${op.operationId} 429 Retry-After`)
    if ('301' in op.responses) t.ok(headersOf(op, '301').includes('Location'), `${op.operationId} 301 Location`)
  }
  t.ok(headersOf(op('getArticle'), '200').includes('ETag') && !headersOf(op('getArticle'), '200').includes('Last-Modified'))
  t.ok(headersOf(op('listArticles'), '200').includes('Link'), 'lists link their pages')
  t.ok(headersOf(op('adminListOutbox'), '200').includes('Link'))
  t.same(headersOf(op('adminCreateArticle'), '201'), ['X-Request-Id', 'Cache-Control', 'ETag', 'Vary', 'Location', 'Idempotent-Replayed'])
  t.ok(headersOf(op('adminGetPage'), '200').includes('ETag'), 'versioned resources carry their version')
  t.ok(headersOf(op('adminCreateSection'), '409').includes('Retry-After'), 'an Idempotency-Key in use asks to wait')
  t.ok(headersOf(op('healthReady'), '503').includes('Retry-After'))
  t.notOk(headersOf(op('login'), '200').includes('Idempotent-Replayed'), 'only editor writes replay')
})

t.test('every parameter, request body and response body has an example', async (t) => {
  const missing: string[] = []
  for (const { name, op } of operations) {
    for (const p of op.parameters ?? []) if (p.in === 'path' && p.example === undefined) missing.push(`${name} path ${p.name}`)
    for (const [type, media] of Object.entries(op.requestBody?.content ?? {})) if (media.example === undefined) missing.push(`${name} request ${type}`)
    for (const [status, response] of Object.entries(op.responses)) {
      for (const [type, media] of Object.entries(response.content ?? {})) {
        // An image is bytes: its example would be noise.
        if (!type.startsWith('image/') && media.example === undefined && media.examples === undefined) missing.push(`${name} ${status} ${type}`)
      }
    }
  }
  t.same(missing, [])
})

t.test('the committed document names a neutral server; the served one names PUBLIC_URL', async (t) => {
  t.same(document.servers, [{ url: '/', description: 'This server' }])
  const app = await build(t)
  for (const url of ['/openapi.json', '/docs/json']) {
    const response = await app.inject(url)
    t.equal(response.statusCode, 200, url)
    const served = response.json<{ servers: unknown; paths: unknown }>()
    t.same(served.servers, [{ url: 'http://api.test', description: 'This API' }], `${url} names PUBLIC_URL`)
    t.same(served.paths, document.paths, `${url} is the committed document otherwise`)
  }
})
