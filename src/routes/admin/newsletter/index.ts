import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Readable } from 'node:stream'
import { Type } from 'typebox'
import { DateTime, IdParams, Nullable, PaginationQuery, problemResponses, StringEnum } from '../../../schemas/common.js'
import { Cadence, SubscriberStatus } from '../../newsletter/schemas.js'
import { pageLinks } from '../../../lib/pagination.js'
import { sendList } from '../../shared.js'
import { withHeaders } from '../../../schemas/headers.js'
import { adminNewsletterSendRoutes } from './sends.js'

const staff = { roles: ['admin', 'editor'] as const }
const tags = ['Editor: newsletter']

const Subscriber = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    email: Type.String(),
    name: Nullable(Type.String()),
    status: SubscriberStatus,
    sections: Type.Array(Type.String()),
    cadence: Cadence,
    consent: Type.Object(
      { at: DateTime(), ip: Nullable(Type.String()), user_agent: Nullable(Type.String()), source: Type.String(), privacy_policy_version: Type.String() },
      { additionalProperties: false },
    ),
    confirmed_at: Nullable(DateTime()),
    unsubscribed_at: Nullable(DateTime()),
    created_at: DateTime(),
  },
  { additionalProperties: false },
)

const Filter = {
  status: Type.Optional(Type.Array(SubscriberStatus, { maxItems: 5, description: 'Repeat for several' })),
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Email or name contains' })),
}

const OutboxItem = Type.Object(
  {
    id: Type.Integer(),
    topic: Type.String({ description: 'email.send for emails' }),
    status: StringEnum(['pending', 'processing', 'done', 'failed']),
    attempts: Type.Integer(),
    to: Nullable(Type.String()),
    subject: Nullable(Type.String()),
    text: Nullable(Type.String()),
    last_error: Nullable(Type.String()),
    run_at: DateTime(),
    created_at: DateTime(),
    completed_at: Nullable(DateTime()),
  },
  { additionalProperties: false },
)

export const adminNewsletterRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const newsletter = app.services.newsletter
  await app.register(adminNewsletterSendRoutes)

  app.get(
    '/subscribers',
    {
      config: staff,
      schema: {
        tags,
        operationId: 'adminListSubscribers',
        summary: 'List and search subscribers, with counts by status',
        querystring: Type.Object({ ...Filter, limit: PaginationQuery.limit, page: PaginationQuery.page }, { additionalProperties: false }),
        response: {
          200: Type.Object(
            {
              data: Type.Array(Subscriber),
              meta: Type.Object(
                {
                  limit: Type.Integer(),
                  page: Type.Integer(),
                  pages: Type.Integer(),
                  total: Type.Integer(),
                  counts: Type.Object({ pending: Type.Integer(), confirmed: Type.Integer(), unsubscribed: Type.Integer(), bounced: Type.Integer(), complained: Type.Integer() }, { additionalProperties: false }),
                },
                { additionalProperties: false },
              ),
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
      const { rows, total, counts } = await newsletter.list({ status: request.query.status, q: request.query.q }, { limit, offset: (page - 1) * limit })
      const pages = Math.max(1, Math.ceil(total / limit))
      return sendList(request, reply, { items: rows, meta: { limit, page, pages, total, counts }, links: pageLinks(page, pages) })
    },
  )

  app.get(
    '/subscribers/export.csv',
    {
      config: staff,
      schema: {
        tags,
        operationId: 'adminExportSubscribers',
        summary: 'Export subscribers as CSV (streamed)',
        querystring: Type.Object(Filter, { additionalProperties: false }),
        response: { 200: withHeaders({ description: 'CSV, one subscriber a line', content: { 'text/csv': { schema: Type.Unsafe<unknown>({ type: 'string' }) } } }, 'Content-Disposition'), ...problemResponses(400) },
      },
    },
    async (request, reply) => {
      const stamp = app.clock.now().toISOString().slice(0, 10)
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="subscribers-${stamp}.csv"`)
        .send(Readable.from(newsletter.exportCsv({ status: request.query.status, q: request.query.q })))
    },
  )

  app.post(
    '/subscribers/:id/resend',
    {
      config: { ...staff, idempotent: true },
      schema: {
        tags,
        operationId: 'adminResendConfirmation',
        summary: 'Resend the confirmation email to a pending subscriber',
        description: 'The resend interval still applies: `sent: false` when the last email is too recent.',
        params: IdParams,
        response: { 200: Type.Object({ data: Type.Object({ sent: Type.Boolean() }, { additionalProperties: false }) }, { additionalProperties: false }), ...problemResponses(400, 404, 409) },
      },
    },
    async (request) => ({ data: await newsletter.resend(request.actor!, request.params.id) }),
  )

  app.delete(
    '/subscribers/:id',
    {
      config: { ...staff, idempotent: true },
      schema: {
        tags,
        operationId: 'adminEraseSubscriber',
        summary: 'Erase a subscriber completely (GDPR)',
        description: 'Deletes the subscriber and every queued email to them; the erasure is recorded without the address.',
        params: IdParams,
        querystring: Type.Object({ reason: Type.Optional(Type.String({ maxLength: 200 })) }, { additionalProperties: false }),
        response: { 204: { description: 'Erased', ...Type.Null() }, ...problemResponses(400, 404) },
      },
    },
    async (request, reply) => {
      await newsletter.erase(request.actor!, request.params.id, request.query.reason ?? '')
      return reply.code(204).send(null)
    },
  )

  app.get(
    '/outbox',
    {
      config: { roles: ['admin'] },
      schema: {
        tags: ['Editor: outbox'],
        operationId: 'adminListOutbox',
        summary: 'The outbox: queued and sent emails and other deliveries',
        description:
          'Without SMTP_URL (the embedded default) emails are not sent but logged and kept here: read the confirmation links in `text`. Finished jobs (done, or failed for good) are kept OUTBOX_RETENTION_DAYS (default 30) after they were queued; a newsletter send’s recipients’ jobs that long after the send is over (its counts stay on the send).',
        querystring: Type.Object(
          { topic: Type.Optional(Type.String({ minLength: 1, maxLength: 80 })), limit: PaginationQuery.limit, page: PaginationQuery.page },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object(
            { data: Type.Array(OutboxItem), meta: Type.Object({ limit: Type.Integer(), page: Type.Integer(), total: Type.Integer() }, { additionalProperties: false }) },
            { additionalProperties: false },
          ),
          ...problemResponses(400),
        },
      },
    },
    async (request, reply) => {
      const limit = request.query.limit ?? 20
      const page = request.query.page ?? 1
      const filter = { topic: request.query.topic }
      const [rows, total] = await Promise.all([app.services.outboxLog.list(filter, { limit, offset: (page - 1) * limit }), app.services.outboxLog.count(filter)])
      const pages = Math.max(1, Math.ceil(total / limit))
      return sendList(request, reply, {
        items: rows.map((r) => {
          const p = r.payload as { to?: unknown; subject?: unknown; text?: unknown }
          return {
            id: r.id,
            topic: r.topic,
            status: r.status,
            attempts: r.attempts,
            to: typeof p.to === 'string' ? p.to : null,
            subject: typeof p.subject === 'string' ? p.subject : null,
            text: typeof p.text === 'string' ? p.text : null,
            last_error: r.lastError,
            run_at: r.runAt.toISOString(),
            created_at: r.createdAt.toISOString(),
            completed_at: r.completedAt?.toISOString() ?? null,
          }
        }),
        meta: { limit, page, total },
        links: pageLinks(page, pages),
      })
    },
  )
}

