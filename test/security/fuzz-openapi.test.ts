import t from 'tap'
import fc from 'fast-check'
import { Ajv, type ValidateFunction } from 'ajv'
import addFormatsModule from 'ajv-formats'
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify'
import { createUser } from '../helpers/auth.js'
import { build } from '../helpers/build.js'
import { hostileString, loadSpec, operationsOf, SchemaArbitraries, SQL_INJECTION, type Operation, type Schema } from './openapi-schema.js'

/**
 * Property-based fuzzing of every operation in openapi/openapi.json: random and boundary values
 * for every path, query and body field (mostly schema-valid, so requests reach the database; the
 * rest hostile), SQL-injection payloads in every parameter, malformed JSON and wrong content types.
 * Every answer must be below 500, every 4xx a problem+json, every JSON body valid against the
 * spec's schema for its status, and no public answer may carry a private field.
 */
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv
const spec = loadSpec()
const operations = operationsOf(spec)
const RUNS = Number(process.env.FUZZ_RUNS ?? 40)
const SEED = Number(process.env.FUZZ_SEED ?? 20261128)

/** Keys that must never appear in a public (unauthenticated) response. */
const PRIVATE_KEYS = new Set(['email', 'author_email', 'ip', 'ip_address', 'user_agent', 'password', 'password_hash', 'token', 'token_hash', 'refresh_token', 'access_token', 'secret', 'consent_ip', 'consent_user_agent'])
/** Public operations whose purpose is handing a token to the caller. */
const TOKEN_ISSUERS = new Set(['login', 'refreshToken'])

interface Tally {
  requests: number
  byStatus: Map<number, number>
  fiveXx: string[]
  undeclared: Map<string, number>
}

function privateKeysIn(value: unknown, found: string[] = [], trail = ''): string[] {
  if (Array.isArray(value)) value.forEach((v, i) => privateKeysIn(v, found, `${trail}[${i}]`))
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (PRIVATE_KEYS.has(k)) found.push(`${trail}.${k}`)
      privateKeysIn(v, found, `${trail}.${k}`)
    }
  }
  return found
}

t.test('every operation in the spec: no 5xx, problem+json errors, spec-valid bodies, no private fields', async (t) => {
  const app = await build(t, {
    seed: true,
    env: {
      LOGIN_IP_LIMIT: '1000000',
      LOGIN_ACCOUNT_LIMIT: '1000000',
      NEWSLETTER_RATE_IP: '1000000',
      NEWSLETTER_RATE_EMAIL: '1000000',
      NEWSLETTER_RESPONSE_FLOOR_MS: '0',
      COMMENT_RATE_IP: '1000000',
      COMMENT_RATE_EMAIL: '1000000',
      WEBHOOK_TIMEOUT_MS: '300',
    },
  })
  const admin = await createUser(app, 'admin')
  const known = await knownValues(app, admin.auth)

  const ajv = new Ajv({ strict: false, allErrors: false, validateFormats: true })
  addFormats(ajv)
  ajv.addSchema({ $id: 'spec', components: spec.components })
  const validators = new Map<Schema, ValidateFunction>()
  const validatorFor = (schema: Schema): ValidateFunction => {
    let v = validators.get(schema)
    if (!v) {
      v = ajv.compile(rebase(schema) as object)
      validators.set(schema, v)
    }
    return v
  }

  const tally: Tally = { requests: 0, byStatus: new Map(), fiveXx: [], undeclared: new Map() }
  const check = (op: Operation, request: InjectOptions, res: LightMyRequestResponse, authenticated: boolean): boolean => {
    tally.requests++
    tally.byStatus.set(res.statusCode, (tally.byStatus.get(res.statusCode) ?? 0) + 1)
    const where = `${op.method} ${op.path} → ${res.statusCode} for ${String(request.url)} ${typeof request.payload === 'string' ? request.payload.slice(0, 300) : ''}`
    if (res.statusCode >= 500) {
      tally.fiveXx.push(`${where}: ${res.body.slice(0, 300)}`)
      return false
    }
    const type = String(res.headers['content-type'] ?? '')
    if (res.statusCode >= 400) {
      if (!type.startsWith('application/problem+json')) {
        t.fail(`${where}: a ${res.statusCode} that is not problem+json (${type})`)
        return false
      }
      const problem = res.json() as { status?: number; code?: string; title?: string }
      if (problem.status !== res.statusCode || !problem.code || !problem.title) {
        t.fail(`${where}: malformed problem ${res.body.slice(0, 200)}`)
        return false
      }
    }
    const declared = op.responses[String(res.statusCode)]
    if (!declared) {
      const key = `${op.operationId} ${res.statusCode}`
      tally.undeclared.set(key, (tally.undeclared.get(key) ?? 0) + 1)
    }
    const mediaType = type.split(';')[0]!.trim()
    const schema = declared?.content?.[mediaType]?.schema
    if (schema && (mediaType === 'application/json' || mediaType === 'application/problem+json')) {
      const validate = validatorFor(schema)
      if (!validate(res.json())) {
        t.fail(`${where}: body does not match the spec: ${ajv.errorsText(validate.errors)} in ${res.body.slice(0, 300)}`)
        return false
      }
    }
    if (!op.secured && !authenticated && !TOKEN_ISSUERS.has(op.operationId) && mediaType.endsWith('json') && res.statusCode < 400) {
      const leaked = privateKeysIn(res.json())
      if (leaked.length > 0) {
        t.fail(`${where}: private fields in a public answer: ${leaked.join(', ')}`)
        return false
      }
    }
    return true
  }

  const arbitraries = new SchemaArbitraries(spec, {})
  for (const op of operations) {
    const fields = new SchemaArbitraries(spec, knownFor(op, known))
    // Half the runs are schema-valid throughout (they reach the handlers and the database); the
    // other half mix in hostile values anywhere.
    const params: Record<string, fc.Arbitrary<unknown>> = {}
    const validParams: Record<string, fc.Arbitrary<unknown>> = {}
    for (const p of op.parameters) {
      if (p.in === 'header') continue
      const key = `${p.in}:${p.name}`
      params[key] = p.in === 'path' ? fields.value(p.schema, p.name) : fc.option(fields.value(p.schema, p.name), { nil: undefined, freq: 3 })
      validParams[key] = p.in === 'path' || p.required ? fields.valid(p.schema, p.name) : fc.option(fields.valid(p.schema, p.name), { nil: undefined, freq: 2 })
    }
    const validBody = op.body ? fields.valid(op.body) : fc.constant(undefined)
    const anyBody = op.body ? fc.option(fields.value(op.body), { nil: undefined, freq: op.bodyRequired ? 20 : 4 }) : fc.constant(undefined)
    const input = fc.oneof(fc.tuple(fc.record(validParams), validBody), fc.tuple(fc.record(params), anyBody))
    const auth = fc.constantFrom('admin', 'admin', 'admin', 'admin', 'none', 'garbage')

    await fc.assert(
      fc.asyncProperty(input, auth, async ([values, payload], who) => {
        const request = requestFor(op, values, payload, who === 'admin' ? admin.auth : who === 'garbage' ? { authorization: 'Bearer not.a.token' } : {})
        const res = await app.inject(request)
        return check(op, request, res, who === 'admin')
      }),
      { numRuns: RUNS, seed: SEED },
    )

    // SQL injection in every parameter and every top-level body field, the rest valid.
    const baseline = fc.sample(fc.record(Object.fromEntries(op.parameters.filter((p) => p.in !== 'header').map((p) => [`${p.in}:${p.name}`, fields.valid(p.schema, p.name)]))), { numRuns: 1, seed: SEED })[0]!
    const baseBody = op.body ? fc.sample(arbitraries.valid(op.body), { numRuns: 1, seed: SEED })[0] : undefined
    const targets = [...Object.keys(baseline), ...(baseBody && typeof baseBody === 'object' ? Object.keys(arbitraries.resolve(op.body!).properties ?? {}).map((k) => `body:${k}`) : [])]
    for (const target of targets) {
      for (const payload of SQL_INJECTION) {
        const values = { ...baseline }
        let sent = baseBody
        if (target.startsWith('body:')) sent = { ...(baseBody as object), [target.slice(5)]: payload }
        else values[target] = payload
        const request = requestFor(op, values, sent, admin.auth)
        check(op, request, await app.inject(request), true)
      }
    }

    // Malformed JSON and wrong content types on every operation that takes a body.
    if (op.body) {
      const url = requestFor(op, baseline, undefined, {}).url as string
      const bad: [string, string][] = [
        ['application/json', '{"title": '],
        ['application/json', '{"a":1}}'],
        ['application/json', 'null'],
        ['application/json', '[]'],
        ['application/json', '"string"'],
        ['application/json', '{"__proto__": {"admin": true}}'],
        ['application/json', '{"constructor": {"prototype": {"admin": true}}}'],
        ['application/json', '\u0000'],
        ['text/plain', 'hello'],
        ['application/x-www-form-urlencoded', 'a=1&b=2'],
        ['application/xml', '<a>1</a>'],
        ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--'],
      ]
      for (const [type, raw] of bad) {
        const request: InjectOptions = { method: op.method as InjectOptions['method'], url, headers: { ...admin.auth, 'content-type': type }, payload: raw }
        const res = await app.inject(request)
        check(op, request, res, true)
        if (res.statusCode < 400 && type === 'application/json') t.fail(`${op.method} ${op.path} accepted ${raw}`)
      }
    }
  }

  // Random garbage at random paths.
  await fc.assert(
    fc.asyncProperty(fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'), fc.array(hostileString.map(encodePath), { maxLength: 4 }), async (method, segments) => {
      const request: InjectOptions = { method: method as InjectOptions['method'], url: `/v1/${segments.join('/')}` }
      const res = await app.inject(request)
      if (res.statusCode >= 500) tally.fiveXx.push(`${method} ${String(request.url)} → ${res.statusCode}`)
      return res.statusCode < 500
    }),
    { numRuns: RUNS * 5, seed: SEED },
  )

  t.same(tally.fiveXx, [], 'no operation answered 5xx')
  t.comment(`fuzzed ${tally.requests} requests over ${operations.length} operations; status counts: ${[...tally.byStatus.entries()].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}×${n}`).join(' ')}`)
  if (tally.undeclared.size > 0) t.comment(`statuses not declared in the spec: ${[...tally.undeclared.keys()].join(', ')}`)
  t.same([...tally.undeclared.keys()], [], 'every status answered is declared in the spec for its operation')
})

/** Percent-encoding that also sends lone surrogates, as the invalid UTF-8 bytes a raw client could. */
function encodePath(text: string): string {
  return text
    .split(/([\ud800-\udfff])/)
    .map((part) => (/^[\ud800-\udfff]$/.test(part) ? '%ED%A0%80' : encodeURIComponent(part)))
    .join('')
}

/** The spec's `#/components/...` references, pointed at the schema registered as `spec`. */
function rebase(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(rebase)
  if (schema && typeof schema === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(schema)) out[k] = k === '$ref' && typeof v === 'string' ? `spec${v}` : rebase(v)
    return out
  }
  return schema
}

function requestFor(op: Operation, values: Record<string, unknown>, payload: unknown, headers: Record<string, string>): InjectOptions {
  let url = op.path
  const query = new URLSearchParams()
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) continue
    const [where, name] = key.split(':') as [string, string]
    const text = typeof value === 'string' ? value : JSON.stringify(value)
    if (where === 'path') url = url.replace(`{${name}}`, encodePath(text === '' ? ' ' : text))
    else if (Array.isArray(value)) for (const v of value) query.append(name, String(v))
    else query.append(name, text)
  }
  const qs = query.toString()
  const request: InjectOptions = { method: op.method as InjectOptions['method'], url: qs ? `${url}?${qs}` : url, headers: { ...headers } }
  if (payload !== undefined) {
    request.payload = JSON.stringify(payload)
    request.headers = { ...request.headers, 'content-type': 'application/json' }
  }
  return request
}

interface Known {
  articleSlugs: string[]
  sectionSlugs: string[]
  tagSlugs: string[]
  authorSlugs: string[]
  pageSlugs: string[]
  ids: Record<string, string[]>
}

async function knownValues(app: FastifyInstance, auth: Record<string, string>): Promise<Known> {
  const get = async (url: string) => (await app.inject({ method: 'GET', url, headers: auth })).json() as { data: Record<string, unknown>[] }
  const slugs = async (url: string) => (await get(url)).data.map((d) => String(d.slug)).slice(0, 4)
  const ids = async (url: string) => (await get(url)).data.map((d) => String(d.id)).slice(0, 3)
  const article = (await get('/v1/articles?limit=1')).data[0]!
  const comment = await app.inject({ method: 'POST', url: `/v1/articles/${String(article.slug)}/comments`, payload: { author_name: 'Fuzz', author_email: 'fuzz@example.com', body: 'A first comment' } })
  await app.inject({ method: 'POST', url: '/v1/newsletter/subscriptions', payload: { email: 'fuzz-reader@example.com' } })
  const webhook = await app.inject({ method: 'POST', url: '/v1/admin/webhooks', headers: auth, payload: { url: 'https://93.184.215.14/cms', events: ['article.published'] } })
  const other = await createUser(app, 'author')
  return {
    articleSlugs: await slugs('/v1/articles?limit=4'),
    sectionSlugs: await slugs('/v1/sections'),
    tagSlugs: await slugs('/v1/tags'),
    authorSlugs: await slugs('/v1/authors'),
    pageSlugs: await slugs('/v1/pages'),
    ids: {
      articles: await ids('/v1/admin/articles?limit=3'),
      pages: await ids('/v1/admin/pages'),
      comments: [String((comment.json() as { data: { id: string } }).data.id)],
      subscribers: await ids('/v1/admin/subscribers'),
      webhooks: [String((webhook.json() as { data: { id: string } }).data.id)],
      users: [other.id],
      'comment-blocks': [],
    },
  }
}

/** Real slugs and ids for the operation's path parameters, so valid requests find something. */
function knownFor(op: Operation, known: Known): Record<string, string[]> {
  const resource = op.path.replace(/^\/v1\/(admin\/)?(feeds\/)?/, '').split('/')[0] ?? ''
  const slugs: Record<string, string[]> = {
    articles: known.articleSlugs,
    sections: known.sectionSlugs,
    tags: known.tagSlugs,
    authors: known.authorSlugs,
    pages: known.pageSlugs,
  }
  return {
    slug: slugs[resource] ?? known.articleSlugs,
    section: known.sectionSlugs,
    tag: known.tagSlugs,
    author: known.authorSlugs,
    id: known.ids[resource] ?? [],
    version: ['1', '2'],
    exclude: known.articleSlugs,
  }
}
