import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { setTimeout as sleep } from 'node:timers/promises'
import { AppError } from '../../errors.js'
import { keysPerEmail } from '../../plugins/idempotency.js'
import { rateLimited } from '../../plugins/rate-limit.js'
import { problemResponses } from '../../schemas/common.js'
import { acceptFormBodies } from './forms.js'
import { Accepted, PreferencesBody, PreferencesQuery, PreferencesResponse, StatusOf, SubscribeBody, TokenBody, TokenQuery, UnsubscribeBody } from './schemas.js'

const ACCEPTED = {
  data: { status: 'accepted' as const, message: 'Thanks. If this address can receive our emails, a confirmation link is on its way.' },
}

export const newsletterRoutes: FastifyPluginAsyncTypebox = async (app) => {
  acceptFormBodies(app)
  const tags = ['Newsletter']

  app.post(
    '/newsletter/subscriptions',
    {
      config: { idempotent: keysPerEmail('email') },
      schema: {
        operationId: 'subscribeNewsletter',
        summary: 'Sign up for the newsletter (double opt-in)',
        description:
          'Always 202 with the same body, whatever state the address is in (no enumeration). A new or pending address gets a confirmation email (at most one per resend interval); the consent (time, IP, user agent, source, privacy policy version) is recorded. Rate-limited per IP and per address. An `Idempotency-Key` (keys belong to the address) makes a retry get the first answer back.',
        tags,
        body: SubscribeBody,
        response: { 202: Accepted, ...problemResponses(400, 415, 422, 429) },
      },
    },
    async (request, reply) => {
      const started = performance.now()
      const [byIp, byEmail] = await Promise.all([app.limiters.signupByIp(request), app.limiters.signupByEmail(request)])
      if (byIp.isExceeded || byEmail.isExceeded) {
        throw rateLimited(Math.max(byIp.isExceeded ? (byIp.ttlInSeconds ?? 60) : 0, byEmail.isExceeded ? (byEmail.ttlInSeconds ?? 60) : 0), 'Too many signups: try again later.')
      }
      await app.services.newsletter.subscribe(request.body, { ip: request.ip, userAgent: request.headers['user-agent'] })
      // Answer no sooner than the floor, so a new address and a known one take the same time.
      const wait = app.config.newsletter.responseFloorMs - (performance.now() - started)
      if (wait > 0) await sleep(wait)
      return reply.code(202).send(ACCEPTED)
    },
  )

  app.post(
    '/newsletter/confirm',
    {
      schema: {
        operationId: 'confirmNewsletter',
        summary: 'Confirm a subscription with the emailed token',
        description: 'POST, so mail link scanners cannot confirm. The token works once: used, expired or unknown → 410.',
        tags,
        body: TokenBody,
        response: { 200: StatusOf('confirmed'), ...problemResponses(400, 410, 415) },
      },
    },
    async (request) => {
      await app.services.newsletter.confirm(request.body.token)
      return { data: { status: 'confirmed' as const } }
    },
  )

  app.get(
    '/newsletter/preferences',
    {
      schema: {
        operationId: 'getNewsletterPreferences',
        summary: 'A subscriber’s own preferences, through the signed link in every email',
        description: 'Sections followed (none = everything) and cadence (instant, daily or weekly digest). An erased subscriber’s link → 410.',
        tags,
        querystring: PreferencesQuery,
        response: { 200: PreferencesResponse, ...problemResponses(400, 410) },
      },
    },
    async (request, reply) => reply.header('cache-control', 'private, no-store').send({ data: await app.services.newsletter.preferences(request.query.token) }),
  )

  app.post(
    '/newsletter/preferences',
    {
      schema: {
        operationId: 'updateNewsletterPreferences',
        summary: 'Change sections, cadence or name, through the signed link in every email',
        description: 'Only the fields sent change. It never subscribes: an unsubscribed address keeps its choices for a new signup.',
        tags,
        body: PreferencesBody,
        response: { 200: PreferencesResponse, ...problemResponses(400, 410, 415, 422) },
      },
    },
    async (request, reply) => {
      const { token, ...changes } = request.body
      return reply.header('cache-control', 'private, no-store').send({ data: await app.services.newsletter.updatePreferences(token, changes) })
    },
  )

  app.post(
    '/newsletter/unsubscribe',
    {
      schema: {
        operationId: 'unsubscribeNewsletter',
        summary: 'Unsubscribe (RFC 8058 one-click)',
        description:
          'JSON `{ "token": "…" }`, or the one-click POST mail clients send to the List-Unsubscribe URL (form `List-Unsubscribe=One-Click`, token in the query). Idempotent: always 200 for a valid token.',
        tags,
        querystring: TokenQuery,
        body: UnsubscribeBody,
        response: { 200: StatusOf('unsubscribed'), ...problemResponses(400, 415) },
      },
    },
    async (request) => {
      const token = request.body?.token ?? request.query.token
      if (!token) throw new AppError('VALIDATION_FAILED', 'Send the token', { invalidParams: [{ name: 'body.token', reason: 'is required' }] })
      await app.services.newsletter.unsubscribe(token)
      return { data: { status: 'unsubscribed' as const } }
    },
  )
}
