import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { pageLinks } from '../../../lib/pagination.js'
import { DateTime, FormEmail, IdParams, Nullable, PaginationQuery, problemResponses, StringEnum } from '../../../schemas/common.js'
import { sendList } from '../../shared.js'

const staff = { roles: ['admin', 'editor'] as const }
const tags = ['Editor: newsletter']

const SendStatus = StringEnum(['queued', 'sending', 'sent', 'cancelled'], {
  description: 'queued: recipients being listed; sending: delivering; sent: every recipient handled; cancelled: stopped',
})

export const NewsletterSend = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    article_id: Nullable(Type.String({ format: 'uuid' })),
    section: Type.String({ description: "The article's section: its followers (and those who follow everything) receive it" }),
    subject: Type.String(),
    status: SendStatus,
    recipients: Type.Integer({ description: 'Recipients listed so far (all of them once status is sending)' }),
    queued: Type.Integer({ description: 'Not yet delivered (waiting, in flight or retrying after a transient failure)' }),
    delivered: Type.Integer(),
    failed: Type.Integer({ description: 'Gave up after retries' }),
    bounced: Type.Integer({ description: 'Permanent (5xx) SMTP failures: those addresses are now bounced' }),
    skipped: Type.Integer({ description: 'Unsubscribed, bounced or erased before their turn, or the send was cancelled' }),
    created_at: DateTime(),
    started_at: Nullable(DateTime()),
    finished_at: Nullable(DateTime()),
  },
  { additionalProperties: false },
)

const SendResponse = Type.Object({ data: NewsletterSend }, { additionalProperties: false })

export const adminNewsletterSendRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const sends = app.services.newsletterSends

  app.post(
    '/articles/:id/newsletter',
    {
      config: { ...staff, idempotent: true },
      schema: {
        tags,
        operationId: 'adminSendArticleNewsletter',
        summary: 'Send a published article to its newsletter followers',
        description:
          'Queues the article email for every confirmed subscriber with cadence `instant` who follows its section (or everything). Once per article: a second send answers 409 unless `resend` is true. Delivery happens in the background; follow it with `GET /v1/admin/newsletter/sends/{id}`.',
        params: IdParams,
        body: Type.Object({ resend: Type.Optional(Type.Boolean({ description: 'Send again although it was sent before' })) }, { additionalProperties: false, description: 'Optional: no body is the same as {}' }),
        response: { 202: SendResponse, ...problemResponses(400, 404, 409) },
      },
      // No body at all is an empty one.
      preValidation: async (request) => {
        request.body ??= {}
      },
    },
    async (request, reply) => reply.code(202).send({ data: await sends.queue(request.actor!, request.params.id, { resend: request.body.resend }) }),
  )

  app.get(
    '/articles/:id/newsletter/preview',
    {
      config: staff,
      schema: {
        tags,
        operationId: 'adminPreviewArticleNewsletter',
        summary: "Preview the article's newsletter email (HTML)",
        description: 'The HTML every recipient gets, with `{{unsubscribe_url}}` and `{{preferences_url}}` where their own links go.',
        params: IdParams,
        response: { 200: { description: 'The email, HTML', content: { 'text/html': { schema: Type.Unsafe<unknown>({ type: 'string' }) } } }, ...problemResponses(400, 404, 409) },
      },
    },
    async (request, reply) => reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(await sends.preview(request.params.id)),
  )

  app.post(
    '/articles/:id/newsletter/test',
    {
      config: { ...staff, idempotent: true },
      schema: {
        tags,
        operationId: 'adminTestArticleNewsletter',
        summary: "Send the article's newsletter email to one address (a test)",
        description: 'Through the outbox like every email; the subject starts with [Test] and its unsubscribe and preferences links are not any subscriber\'s.',
        params: IdParams,
        body: Type.Object({ email: FormEmail(300) }, { additionalProperties: false }),
        response: {
          202: Type.Object({ data: Type.Object({ to: Type.String(), subject: Type.String() }, { additionalProperties: false }) }, { additionalProperties: false }),
          ...problemResponses(400, 404, 409),
        },
      },
    },
    async (request, reply) => reply.code(202).send({ data: await sends.testSend(request.actor!, request.params.id, request.body.email) }),
  )

  app.get(
    '/newsletter/sends',
    {
      config: staff,
      schema: {
        tags,
        operationId: 'adminListNewsletterSends',
        summary: 'Newsletter sends, newest first, with their delivery counts',
        querystring: Type.Object(
          { status: Type.Optional(Type.Array(SendStatus, { maxItems: 4, description: 'Repeat for several' })), limit: PaginationQuery.limit, page: PaginationQuery.page },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object(
            {
              data: Type.Array(NewsletterSend),
              meta: Type.Object({ limit: Type.Integer(), page: Type.Integer(), pages: Type.Integer(), total: Type.Integer() }, { additionalProperties: false }),
            },
            { additionalProperties: false },
          ),
          ...problemResponses(400),
        },
      },
    },
    async (request, reply) => {
      const limit = request.query.limit ?? 20
      const page = request.query.page ?? 1
      const { rows, total } = await sends.list({ limit, offset: (page - 1) * limit }, request.query.status)
      const pages = Math.max(1, Math.ceil(total / limit))
      return sendList(request, reply, { items: rows, meta: { limit, page, pages, total }, links: pageLinks(page, pages) })
    },
  )

  app.get(
    '/newsletter/sends/:id',
    {
      config: staff,
      schema: { tags, operationId: 'adminGetNewsletterSend', summary: 'One newsletter send and its delivery counts', params: IdParams, response: { 200: SendResponse, ...problemResponses(400, 404) } },
    },
    async (request) => ({ data: await sends.get(request.params.id) }),
  )

  app.post(
    '/newsletter/sends/:id/cancel',
    {
      config: { ...staff, idempotent: true },
      schema: {
        tags,
        operationId: 'adminCancelNewsletterSend',
        summary: 'Cancel a queued or sending newsletter send',
        description: 'Recipients not yet sent to receive nothing (a message already in flight may still arrive). A sent or cancelled send answers 409.',
        params: IdParams,
        response: { 200: SendResponse, ...problemResponses(400, 404, 409) },
      },
    },
    async (request) => ({ data: await sends.cancel(request.actor!, request.params.id) }),
  )

  app.post(
    '/newsletter/suppressions',
    {
      config: { ...staff, idempotent: true },
      schema: {
        tags,
        operationId: 'adminSuppressNewsletterAddresses',
        summary: 'Report bounced or complaining addresses (from the mail provider)',
        description: 'The subscribers with these addresses become `bounced` or `complained` and receive nothing more, queued sends included. Unknown addresses are counted, not stored.',
        body: Type.Object(
          {
            emails: Type.Array(FormEmail(300), { minItems: 1, maxItems: 1000 }),
            reason: StringEnum(['bounced', 'complained']),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object(
            { data: Type.Object({ suppressed: Type.Integer({ description: 'Subscribers marked' }), unknown: Type.Integer({ description: 'Addresses of no subscriber' }) }, { additionalProperties: false }) },
            { additionalProperties: false },
          ),
          ...problemResponses(400),
        },
      },
    },
    async (request) => ({ data: await sends.suppress(request.actor!, request.body.emails, request.body.reason) }),
  )
}
