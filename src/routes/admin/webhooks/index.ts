import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { DataOf, DateTime, HttpUrl, IdParams, NoQuery, Nullable, problemResponses, StringEnum } from '../../../schemas/common.js'
import { WEBHOOK_EVENTS } from '../../../services/webhook-events.js'

const admin = { roles: ['admin'] as const }
const tags = ['Editor: webhooks']
const EventName = StringEnum([...WEBHOOK_EVENTS, '*'])

const Webhook = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    url: Type.String(),
    events: Type.Array(Type.String()),
    description: Type.String(),
    active: Type.Boolean(),
    consecutive_failures: Type.Integer(),
    disabled_at: Nullable(DateTime()),
    disabled_reason: Nullable(Type.String()),
    secret_hint: Type.String({ description: 'The last characters of the signing secret' }),
    secret: Type.Optional(Type.String({ description: 'Only when created or rotated: keep it, it is not shown again' })),
    created_at: DateTime(),
    updated_at: DateTime(),
  },
  { additionalProperties: false },
)

const fields = {
  url: HttpUrl('Receiver; private and loopback addresses are refused unless WEBHOOK_ALLOW_PRIVATE=true'),
  events: Type.Array(EventName, { minItems: 1, maxItems: 30, description: 'Events to receive; * for all' }),
  description: Type.Optional(Type.String({ maxLength: 500 })),
  active: Type.Optional(Type.Boolean()),
}
const CreateBody = Type.Object(fields, { additionalProperties: false })
const UpdateBody = Type.Object(
  { url: Type.Optional(fields.url), events: Type.Optional(fields.events), description: fields.description, active: Type.Optional(Type.Boolean({ description: 'true re-enables a disabled webhook' })) },
  { additionalProperties: false, minProperties: 1 },
)

const Attempt = Type.Object(
  { attempt: Type.Integer(), at: DateTime(), ok: Type.Boolean(), response_status: Nullable(Type.Integer()), duration_ms: Type.Integer(), error: Nullable(Type.String()) },
  { additionalProperties: false },
)
const Delivery = Type.Object(
  {
    id: Type.Integer(),
    event_id: Type.String(),
    type: Type.String(),
    status: StringEnum(['pending', 'processing', 'done', 'failed']),
    attempts: Type.Array(Attempt),
    next_attempt_at: Nullable(DateTime()),
    created_at: DateTime(),
  },
  { additionalProperties: false },
)
const TestResult = Type.Object(
  { ok: Type.Boolean(), status: Nullable(Type.Integer()), duration_ms: Type.Integer({ description: 'How long the receiver took to answer (ms)' }), error: Nullable(Type.String()), event_id: Type.String() },
  { additionalProperties: false },
)

export const adminWebhookRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const webhooks = app.services.webhooks
  app.get('/webhooks', { config: admin, schema: { tags, operationId: 'adminListWebhooks', summary: 'List webhooks', querystring: NoQuery, response: { 200: Type.Object({ data: Type.Array(Webhook) }, { additionalProperties: false }), ...problemResponses(400) } } }, async () => ({
    data: await webhooks.list(),
  }))
  app.post(
    '/webhooks',
    {
      config: { ...admin, idempotent: true },
      schema: {
        tags,
        operationId: 'adminCreateWebhook',
        summary: 'Register a webhook',
        description: 'The answer holds the signing secret, shown this once. Deliveries: POST JSON `{ id, type, created_at, data: { current, previous }, purge_keys }` with `X-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.',
        body: CreateBody,
        response: { 201: DataOf(Webhook), ...problemResponses(400, 422) },
      },
    },
    async (request, reply) => reply.code(201).send({ data: await webhooks.create(request.actor!, request.body) }),
  )
  app.get('/webhooks/:id', { config: admin, schema: { tags, operationId: 'adminGetWebhook', summary: 'Get a webhook', params: IdParams, querystring: NoQuery, response: { 200: DataOf(Webhook), ...problemResponses(400, 404) } } }, async (request) => ({
    data: await webhooks.get(request.params.id),
  }))
  app.patch(
    '/webhooks/:id',
    { config: { ...admin, idempotent: true }, schema: { tags, operationId: 'adminUpdateWebhook', summary: 'Change a webhook (or re-enable it)', params: IdParams, body: UpdateBody, response: { 200: DataOf(Webhook), ...problemResponses(400, 404, 422) } } },
    async (request) => ({ data: await webhooks.update(request.actor!, request.params.id, request.body) }),
  )
  app.delete(
    '/webhooks/:id',
    { config: { ...admin, idempotent: true }, schema: { tags, operationId: 'adminDeleteWebhook', summary: 'Delete a webhook (queued deliveries are cancelled)', params: IdParams, response: { 204: { description: 'Deleted', ...Type.Null() }, ...problemResponses(400, 404) } } },
    async (request, reply) => {
      await webhooks.delete(request.actor!, request.params.id)
      return reply.code(204).send(null)
    },
  )
  app.post(
    '/webhooks/:id/rotate-secret',
    { config: { ...admin, idempotent: true }, schema: { tags, operationId: 'adminRotateWebhookSecret', summary: 'Replace the signing secret (shown once)', params: IdParams, response: { 200: DataOf(Webhook), ...problemResponses(400, 404) } } },
    async (request) => ({ data: await webhooks.rotateSecret(request.actor!, request.params.id) }),
  )
  app.post(
    '/webhooks/:id/test',
    { config: { ...admin, idempotent: true }, schema: { tags, operationId: 'adminTestWebhook', summary: 'Send a signed webhook.test event now and report the answer', params: IdParams, response: { 200: DataOf(TestResult), ...problemResponses(400, 404) } } },
    async (request) => ({ data: await webhooks.test(request.params.id) }),
  )
  app.get(
    '/webhooks/:id/deliveries',
    {
      config: admin,
      schema: {
        tags,
        operationId: 'adminListWebhookDeliveries',
        summary: 'The delivery log: each event, its attempts (status, response time, error) and next retry',
        params: IdParams,
        querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })) }, { additionalProperties: false }),
        response: { 200: Type.Object({ data: Type.Array(Delivery) }, { additionalProperties: false }), ...problemResponses(400, 404) },
      },
    },
    async (request) => ({ data: await webhooks.deliveries(request.params.id, request.query.limit ?? 50) }),
  )
}
