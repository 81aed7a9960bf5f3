import swagger from '@fastify/swagger'
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { errorTable, problemType } from '../errors.js'
import { openapiWebhooks } from '../schemas/webhook-events.js'
import { applyExamples, loadExamples } from './openapi-examples.js'
import { declareHttp, type RouteFacts } from './openapi-http.js'

const API_DESCRIPTION = `
A headless CMS for news publishers: everything a news site shows, as typed JSON.

* Public endpoints need no authentication and are cacheable: they send \`ETag\` and \`Cache-Control\` and
  answer \`304 Not Modified\` to \`If-None-Match\`.
* Lists answer \`{ "data": [...], "meta": {...} }\` and paginate with \`limit\` plus either \`page\`
  (with \`meta.total\` and \`meta.pages\`) or \`cursor\` (keyset, \`meta.next_cursor\`); \`Link\` headers carry
  first/prev/next/last.
* Every error is RFC 9457 \`application/problem+json\` with a stable \`code\`:
${Object.entries(errorTable)
  .map(([code, e]) => `  \`${code}\` (${e.status}, type \`${problemType(code as keyof typeof errorTable)}\`)`)
  .join(',\n')}.
`.trim()

export const OPENAPI_TAGS = [
  { name: 'Site', description: 'Site identity, navigation and footer' },
  { name: 'Sections', description: 'Ordered sections (navigation categories)' },
  { name: 'Articles', description: 'Published articles' },
  { name: 'Comments', description: 'Reader comments: the thread, and leaving a comment' },
  { name: 'Search', description: 'Full-text search' },
  { name: 'Feeds', description: 'RSS, JSON Feed and sitemaps' },
  { name: 'Newsletter', description: 'Double opt-in signups, confirmation, one-click unsubscribe' },
  { name: 'Authors', description: 'Author profiles' },
  { name: 'Tags', description: 'Tags' },
  { name: 'Pages', description: 'Static pages (About Us, Privacy Policy, …)' },
  { name: 'Collections', description: 'Curated front-page blocks (Top Stories, Editor’s Picks, the hero)' },
  { name: 'Media', description: 'Stored images' },
  { name: 'Auth', description: 'Log in, refresh, log out; the current account' },
  { name: 'Editor: articles', description: 'Write, schedule, publish; revisions and previews' },
  { name: 'Editor: sections', description: 'Sections and their order' },
  { name: 'Editor: tags', description: 'Tags' },
  { name: 'Editor: authors', description: 'Author profiles' },
  { name: 'Editor: pages', description: 'Static pages' },
  { name: 'Editor: collections', description: 'Front-page collections: pins, expiries and fill rules' },
  { name: 'Editor: settings', description: 'Site settings (admin)' },
  { name: 'Editor: users', description: 'Accounts and roles (admin)' },
  { name: 'Editor: audit', description: 'Audit trail (admin)' },
  { name: 'Editor: export', description: 'The whole publication as one JSON document: backup and the way out (admin)' },
  { name: 'Editor: newsletter', description: 'Subscribers: search, counts, CSV export, GDPR erasure' },
  { name: 'Editor: outbox', description: 'Queued and delivered emails and webhooks (admin)' },
  { name: 'Editor: webhooks', description: 'Signed event deliveries to frontends and CDNs (admin)' },
  { name: 'Editor: comments', description: 'Moderation: queue, status, edits, staff replies, blocks' },
  { name: 'Editor: media', description: 'Image uploads, renditions, captions and usage' },
  { name: 'Editor: imports', description: 'WordPress imports as background jobs (admin)' },
  { name: 'Health', description: 'Liveness and readiness probes' },
]

type Operation = { security?: unknown[]; requestBody?: unknown; responses?: Record<string, { description?: string; content?: unknown }> }

const BODY_PROBLEMS: Record<string, string> = { '413': 'The request body is too large', '415': 'Unsupported content type' }

/**
 * House rules applied to every operation: an explicit `security: []` on public operations (so
 * generators and linters know they need no token) and a real description on success responses.
 */
function finishDocument(document: Record<string, unknown>): Record<string, unknown> {
  const paths = (document.paths ?? {}) as Record<string, Record<string, Operation>>
  for (const pathItem of Object.values(paths)) {
    for (const operation of Object.values(pathItem)) {
      operation.security ??= []
      // Every operation with a body can answer 413 (over BODY_LIMIT) and 415 (not JSON).
      if (operation.requestBody && operation.responses) {
        for (const [status, description] of Object.entries(BODY_PROBLEMS)) {
          operation.responses[status] ??= { description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } }
        }
        operation.responses = Object.fromEntries(Object.entries(operation.responses).sort(([a], [b]) => a.localeCompare(b)))
      }
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        if (!response.description || response.description === 'Default Response') {
          response.description = status === '204' ? 'No content' : status.startsWith('2') ? 'OK' : 'See the problem details'
        }
      }
    }
  }
  return document
}

const routeFactsByApp = new WeakMap<FastifyInstance, Map<string, RouteFacts>>()

/** The configuration of each documented route, by operationId (the examples recorder reads roles from it). */
export function routeFactsOf(app: FastifyInstance): ReadonlyMap<string, RouteFacts> {
  return routeFactsByApp.get(app) ?? new Map()
}

/** Headers of the docs app's answer that belong to its own connection, not to the one it is passed on to. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'date'])

/** The document as served: `servers` names this deployment's public address. */
function servedDocument(document: unknown, publicUrl: string): Record<string, unknown> {
  return { ...(document as Record<string, unknown>), servers: [{ url: publicUrl, description: 'This API' }] }
}

/**
 * OpenAPI 3.1 generated from the route schemas. Shared schemas keep their $id as component name
 * (TOOLCHAIN pitfall 6), so generated clients get ArticleSummary rather than def-3. Headers,
 * conditional requests and 304s are derived from each route's configuration (openapi-http.ts);
 * examples come from recordings of the running API (openapi-examples.ts). The committed document
 * names a neutral server (`/`); the served one names PUBLIC_URL.
 */
export const openapiPlugin = fp(
  async (app: FastifyInstance, options: { docs: boolean }) => {
    const facts = new Map<string, RouteFacts>()
    routeFactsByApp.set(app, facts)
    app.addHook('onRoute', (route) => {
      const operationId = (route.schema as { operationId?: unknown } | undefined)?.operationId
      if (typeof operationId === 'string') facts.set(operationId, { cache: route.config?.cache, roles: route.config?.roles })
    })
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'Newsroom CMS API',
          version: '1.0.0',
          description: API_DESCRIPTION,
          license: { name: 'MIT', identifier: 'MIT' },
          contact: { name: 'Newsroom CMS' },
        },
        servers: [{ url: '/', description: 'This server' }],
        tags: OPENAPI_TAGS,
        // Plain JSON from the TypeBox event schemas; swagger's typings want its own object types.
        webhooks: openapiWebhooks() as unknown as Record<string, never>,
        components: {
          securitySchemes: {
            bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Access token from POST /v1/auth/login' },
          },
        },
      },
      transformObject: (documents) => {
        const document = finishDocument((documents as { openapiObject: Record<string, unknown> }).openapiObject)
        declareHttp(document, facts)
        const examples = loadExamples()
        if (examples) applyExamples(document, examples)
        return document
      },
      refResolver: {
        buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `Schema${i}`),
      },
    })

    if (options.docs) {
      // @fastify/swagger-ui globs its static files and registers a route for each at start, and
      // loads @fastify/static, send, glob and yaml: ~50 ms of every start, for a page most processes
      // never serve. So /docs is an app of its own, built on its first request; its answers (CSP,
      // ETags, 304s, redirects included) pass through this one's hooks like any other.
      let docsApp: Promise<FastifyInstance> | undefined
      const buildDocs = async (): Promise<FastifyInstance> => {
        const { default: swaggerUi } = await import('@fastify/swagger-ui')
        const docs = Fastify({ logger: false, routerOptions: { ignoreTrailingSlash: true } })
        // The document is this app's: swagger-ui asks for it through the decorator @fastify/swagger provides.
        await docs.register(
          fp(async (instance) => void instance.decorate('swagger', () => app.swagger()), { name: '@fastify/swagger' }),
        )
        await docs.register(swaggerUi, {
          routePrefix: '/docs',
          staticCSP: true,
          uiConfig: { deepLinking: true, displayRequestDuration: true, tryItOutEnabled: true },
          transformSpecification: (document) => servedDocument(document, app.config.publicUrl),
        })
        await docs.ready()
        return docs
      }
      app.addHook('onClose', async () => (await docsApp?.catch(() => undefined))?.close())
      const forward = async (request: FastifyRequest, reply: FastifyReply) => {
        docsApp ??= buildDocs().catch((error: unknown) => {
          docsApp = undefined
          throw error
        })
        // Always a GET: for a HEAD, Fastify drops the body of this route's answer itself.
        const answer = await (await docsApp).inject({ method: 'GET', url: request.url, headers: request.headers })
        // No such file (or one it will not serve): this app's 404, problem+json like every other.
        if (answer.statusCode === 404 || answer.statusCode === 403) return reply.callNotFound()
        if (answer.statusCode >= 500) throw new Error(`the /docs app answered ${answer.statusCode}: ${answer.body.slice(0, 200)}`)
        for (const [name, value] of Object.entries(answer.headers)) {
          if (value !== undefined && !HOP_BY_HOP.has(name)) reply.header(name, value)
        }
        return reply.code(answer.statusCode).send(answer.rawPayload)
      }
      app.get('/docs', { schema: { hide: true } }, forward)
      app.get('/docs/*', { schema: { hide: true } }, forward)
    }

    app.get('/openapi.json', { schema: { hide: true } }, async (_request, reply) => {
      return reply.header('cache-control', 'public, max-age=300').send(servedDocument(app.swagger(), app.config.publicUrl))
    })
  },
  { name: 'openapi', dependencies: ['schemas'] },
)
