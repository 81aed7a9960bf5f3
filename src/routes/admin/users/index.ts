import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { AdminUser, ROLE_VALUES } from '../../../schemas/admin.js'
import { DataOf, IdParams, NoQuery, Nullable, problemResponses, ref, Slug, StringEnum } from '../../../schemas/common.js'
import { withHeaders } from '../../../schemas/headers.js'
import { MIN_PASSWORD_LENGTH } from '../../../services/auth.js'
import { versionEtag } from '../preconditions.js'

const admin = { roles: ['admin'] as const }
const tags = ['Editor: users']
const Password = Type.String({ minLength: MIN_PASSWORD_LENGTH, maxLength: 1024, description: `At least ${MIN_PASSWORD_LENGTH} characters` })
const Name = Type.String({ minLength: 1, maxLength: 120, pattern: '\\S' })

const UserCreateBody = Type.Object(
  {
    email: Type.String({ format: 'email', maxLength: 254 }),
    name: Name,
    role: StringEnum(ROLE_VALUES),
    password: Password,
    author: Type.Optional(Slug('Author profile to write as; when omitted, a new one named after the user is created with the account (edit it under /v1/admin/authors)')),
  },
  { additionalProperties: false },
)
const UserUpdateBody = Type.Object(
  {
    name: Type.Optional(Name),
    role: Type.Optional(StringEnum(ROLE_VALUES)),
    author: Type.Optional(Nullable(Slug())),
    disabled: Type.Optional(Type.Boolean({ description: 'A disabled account cannot log in; its sessions end' })),
    password: Type.Optional(Password),
  },
  { additionalProperties: false, minProperties: 1 },
)
/** Answers carry the version as their ETag (send it back as If-Match); a created one its Location too. */
const Single = withHeaders(DataOf(ref(AdminUser)), 'ETag')
const Created = withHeaders(DataOf(ref(AdminUser)), 'Location', 'ETag')

export const adminUserRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const users = app.services.users
  app.get(
    '/users',
    { config: admin, schema: { tags, operationId: 'adminListUsers', summary: 'List accounts', querystring: NoQuery, response: { 200: Type.Object({ data: Type.Array(ref(AdminUser)) }, { additionalProperties: false }), ...problemResponses(400) } } },
    async () => ({ data: await users.list() }),
  )
  app.post(
    '/users',
    { config: { ...admin, idempotent: true }, schema: { tags, operationId: 'adminCreateUser', summary: 'Create an account', body: UserCreateBody, response: { 201: Created, ...problemResponses(400, 409, 422) } } },
    async (request, reply) => {
      const user = await users.create(request.actor!, request.body)
      return reply.code(201).header('location', `${app.config.publicUrl}/v1/admin/users/${user.id}`).header('etag', versionEtag(user.version)).send({ data: user })
    },
  )
  app.get(
    '/users/:id',
    { config: admin, schema: { tags, operationId: 'adminGetUser', summary: 'Get an account', params: IdParams, querystring: NoQuery, response: { 200: Single, ...problemResponses(400, 404) } } },
    async (request, reply) => {
      const user = await users.get(request.params.id)
      reply.header('etag', versionEtag(user.version))
      return { data: user }
    },
  )
  app.patch(
    '/users/:id',
    {
      config: { ...admin, idempotent: true },
      schema: {
        tags,
        operationId: 'adminUpdateUser',
        summary: 'Change an account (role, name, author, password, disabled)',
        description: 'Changing the role, the password or disabling ends the account’s sessions. The last active admin cannot be demoted or disabled (409). If-Match is honoured when sent.',
        params: IdParams,
        body: UserUpdateBody,
        response: { 200: Single, ...problemResponses(400, 404, 409, 412, 422) },
      },
    },
    async (request, reply) => {
      const header = request.headers['if-match']
      const expected = typeof header === 'string' ? Number(/^"v(\d+)"$/.exec(header.trim())?.[1] ?? -1) : undefined
      const user = await users.update(request.actor!, request.params.id, expected, request.body)
      reply.header('etag', versionEtag(user.version))
      return { data: user }
    },
  )
  app.delete(
    '/users/:id',
    { config: { ...admin, idempotent: true }, schema: { tags, operationId: 'adminDeleteUser', summary: 'Delete an account', description: 'Not your own, not the last admin. Their articles stay.', params: IdParams, response: { 204: { description: 'Deleted', ...Type.Null() }, ...problemResponses(400, 404, 409) } } },
    async (request, reply) => {
      await users.delete(request.actor!, request.params.id)
      return reply.code(204).send(null)
    },
  )
}
