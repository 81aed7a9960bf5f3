import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { AppError } from '../../errors.js'
import { rateLimited } from '../../plugins/rate-limit.js'
import { AdminUser, TokenResponse } from '../../schemas/admin.js'
import { DataOf, NoQuery, problemResponses, ref } from '../../schemas/common.js'
import { LoginBody, NotificationSettings, NotificationSettingsBody, PasswordBody, RefreshBody } from './schemas.js'

const bearer = [{ bearerAuth: [] }]

export const authRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/auth/login',
    {
      schema: {
        operationId: 'login',
        summary: 'Log in with email and password',
        description:
          'Returns an OAuth 2-shaped token response: a short-lived access JWT and a single-use refresh token. Failed attempts are throttled per IP and per account (429 with Retry-After); the answer never reveals whether an email has an account.',
        tags: ['Auth'],
        body: LoginBody,
        response: { 200: ref(TokenResponse), ...problemResponses(400, 401, 429) },
      },
    },
    async (request) => {
      const [byIp, byAccount] = await Promise.all([
        app.limiters.loginByIp(request, { increment: false }),
        app.limiters.loginByAccount(request, { increment: false }),
      ])
      if (byIp.isExceeded || byAccount.isExceeded) {
        const wait = Math.max(byIp.isExceeded ? (byIp.ttlInSeconds ?? 60) : 0, byAccount.isExceeded ? (byAccount.ttlInSeconds ?? 60) : 0)
        throw rateLimited(wait, 'Too many failed logins. Wait before trying again.')
      }
      try {
        return await app.services.auth.login(request.body.email, request.body.password, String(request.id))
      } catch (error) {
        if (error instanceof AppError && error.code === 'INVALID_CREDENTIALS') {
          await Promise.all([app.limiters.loginByIp(request), app.limiters.loginByAccount(request)])
        }
        throw error
      }
    },
  )

  app.post(
    '/auth/refresh',
    {
      schema: {
        operationId: 'refreshToken',
        summary: 'Exchange a refresh token for a new token pair',
        description: 'Refresh tokens rotate: each works once. Presenting a used one revokes every token of that login.',
        tags: ['Auth'],
        body: RefreshBody,
        response: { 200: ref(TokenResponse), ...problemResponses(400, 401) },
      },
    },
    async (request) => app.services.auth.refresh(request.body.refresh_token),
  )

  app.post(
    '/auth/logout',
    {
      schema: {
        operationId: 'logout',
        summary: 'End the session a refresh token belongs to',
        description: 'Idempotent: an unknown or already revoked token also answers 204.',
        tags: ['Auth'],
        body: RefreshBody,
        response: { 204: { description: 'Logged out', ...Type.Null() }, ...problemResponses(400) },
      },
    },
    async (request, reply) => {
      await app.services.auth.logout(request.body.refresh_token)
      return reply.code(204).send(null)
    },
  )

  app.get(
    '/auth/me',
    {
      onRequest: async (request) => {
        await app.authenticate(request)
      },
      schema: {
        operationId: 'getMe',
        summary: 'The account behind the access token',
        description: 'Who the token belongs to, as the database has it now (role, author profile, disabled): a token of a deleted or disabled account is 401.',
        tags: ['Auth'],
        security: bearer,
        querystring: NoQuery,
        response: { 200: DataOf(ref(AdminUser)), ...problemResponses(400, 401) },
      },
    },
    async (request) => ({ data: await app.services.auth.me(request.actor!) }),
  )

  app.post(
    '/auth/password',
    {
      onRequest: async (request) => {
        await app.authenticate(request)
      },
      schema: {
        operationId: 'changePassword',
        summary: 'Change your password',
        description: 'Ends every session of the account, then returns a fresh token pair for this client.',
        tags: ['Auth'],
        security: bearer,
        body: PasswordBody,
        response: { 200: ref(TokenResponse), ...problemResponses(400, 401) },
      },
    },
    async (request) => app.services.auth.changePassword(request.actor!, request.body.current_password, request.body.new_password),
  )

  const authenticated = async (request: Parameters<typeof app.authenticate>[0]) => {
    await app.authenticate(request)
  }

  app.get(
    '/auth/me/notifications',
    {
      onRequest: authenticated,
      schema: {
        operationId: 'getMyNotifications',
        summary: 'Your notification settings',
        description: 'Whether the review workflow emails you (submissions, changes requested, approvals, new notes).',
        tags: ['Auth'],
        security: bearer,
        querystring: NoQuery,
        response: { 200: DataOf(NotificationSettings), ...problemResponses(400, 401) },
      },
    },
    async (request) => ({ data: await app.services.notificationSettings.get(request.actor!) }),
  )

  app.patch(
    '/auth/me/notifications',
    {
      onRequest: authenticated,
      schema: {
        operationId: 'updateMyNotifications',
        summary: 'Change your notification settings',
        description: 'Each account decides for itself; `notify_email: false` stops the review workflow’s emails to it.',
        tags: ['Auth'],
        security: bearer,
        body: NotificationSettingsBody,
        response: { 200: DataOf(NotificationSettings), ...problemResponses(400, 401) },
      },
    },
    async (request) => ({ data: await app.services.notificationSettings.update(request.actor!, request.body) }),
  )
}
