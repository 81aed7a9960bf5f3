import type { FastifyInstance } from 'fastify'
import { randomBytes } from 'node:crypto'
import type { Role } from '../../src/services/actor.js'

export interface TestUser {
  id: string
  email: string
  password: string
  role: Role
  token: string
  /** Authorization header value. */
  auth: { authorization: string }
}

/** A real account (argon2 hash, author profile for authors/contributors) and a real signed token. */
export async function createUser(app: FastifyInstance, role: Role, options: { author?: string; email?: string } = {}): Promise<TestUser> {
  const email = options.email ?? `${role}-${randomBytes(4).toString('hex')}@example.com`
  const password = `pw-${randomBytes(8).toString('hex')}`
  const user = await app.services.users.create(null, { email, name: `${role} ${email.slice(0, 6)}`, role, password, author: options.author })
  const token = app.tokens.signAccess({ sub: user.id, role, sev: 1 })
  return { id: user.id, email, password, role, token, auth: { authorization: `Bearer ${token}` } }
}

export async function createUsers(app: FastifyInstance): Promise<Record<Role, TestUser>> {
  return {
    admin: await createUser(app, 'admin'),
    editor: await createUser(app, 'editor'),
    author: await createUser(app, 'author'),
    contributor: await createUser(app, 'contributor'),
  }
}
