import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { RouteOptions } from 'fastify'
import { AppError } from '../../errors.js'
import { WRITE_METHODS } from '../../plugins/idempotency.js'
import { problemResponses } from '../../schemas/common.js'
import { IDEMPOTENCY_KEY_HEADER } from '../../schemas/headers.js'
import { adminArticleRoutes } from './articles/index.js'
import { adminCorrectionRoutes } from './articles/corrections.js'
import { adminAuditRoutes } from './audit/index.js'
import { adminCollectionRoutes } from './collections/index.js'
import { adminExportRoutes } from './export/index.js'
import { adminNewsletterRoutes } from './newsletter/index.js'
import { adminCommentRoutes } from './comments/index.js'
import { adminMediaRoutes } from './media/index.js'
import { adminImportRoutes } from './imports/index.js'
import { adminPageRoutes } from './pages/index.js'
import { adminSettingsRoutes } from './settings/index.js'
import { adminTaxonomyRoutes } from './taxonomy/index.js'
import { adminUserRoutes } from './users/index.js'
import { adminWebhookRoutes } from './webhooks/index.js'

/**
 * What every editor route must declare, and its OpenAPI consequences: `config.roles`, and on a
 * write `config.idempotent` (true: it takes an Idempotency-Key). Throws at startup otherwise.
 */
export function declareEditorRoute(route: Pick<RouteOptions, 'method' | 'url' | 'config' | 'schema'>): void {
  const roles = route.config?.roles
  if (!roles || roles.length === 0) throw new Error(`${String(route.method)} ${route.url} must declare config.roles`)
  const methods = Array.isArray(route.method) ? route.method : [route.method]
  const idempotent = route.config?.idempotent
  if (methods.some((m) => WRITE_METHODS.has(m)) && typeof idempotent !== 'boolean') {
    throw new Error(`${String(route.method)} ${route.url} is an editor write and must declare config.idempotent`)
  }
  const schema = (route.schema ??= {}) as Record<string, unknown>
  schema.security = [{ bearerAuth: [] }]
  schema.response = { ...(schema.response as object), ...problemResponses(401, 403) }
  if (idempotent === true) {
    const headers = (schema.headers ?? { type: 'object', properties: {} }) as { properties?: Record<string, unknown> }
    schema.headers = { ...headers, properties: { ...headers.properties, 'idempotency-key': IDEMPOTENCY_KEY_HEADER } }
    schema.response = { ...(schema.response as object), ...problemResponses(409, 422) }
  }
  const note = `Roles: ${roles.join(', ')}.`
  schema.description = schema.description ? `${String(schema.description)}\n\n${note}` : note
}

/**
 * Every editor route lives here, under /v1/admin. Each declares `config.roles` (and writes
 * `config.idempotent`); this plugin authenticates the bearer token (401), checks the role (403)
 * and documents both in OpenAPI, so no route can forget either.
 */
export const adminRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRoute', declareEditorRoute)

  app.addHook('onRequest', async (request) => {
    const actor = await app.authenticate(request)
    const roles = request.routeOptions.config.roles ?? []
    if (!roles.includes(actor.role)) {
      throw new AppError('FORBIDDEN', `This needs one of the roles ${roles.join(', ')}; you are ${actor.role}`)
    }
  })

  await app.register(adminArticleRoutes)
  await app.register(adminCorrectionRoutes)
  await app.register(adminTaxonomyRoutes)
  await app.register(adminPageRoutes)
  await app.register(adminCollectionRoutes)
  await app.register(adminSettingsRoutes)
  await app.register(adminUserRoutes)
  await app.register(adminAuditRoutes)
  await app.register(adminNewsletterRoutes)
  await app.register(adminWebhookRoutes)
  await app.register(adminCommentRoutes)
  await app.register(adminMediaRoutes)
  await app.register(adminExportRoutes)
  await app.register(adminImportRoutes)
}
