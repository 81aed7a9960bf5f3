import type { FastifyInstance } from 'fastify'
import { randomBytes, randomUUID } from 'node:crypto'
import { refreshTokens } from '../../src/db/schema/index.js'
import { sha256 } from '../../src/lib/passwords.js'
import type { Role } from '../../src/services/actor.js'

export interface TestUser {
  id: string
  email: string
  password: string
  role: Role
  token: string
  /** The session (refresh-token family) the token belongs to; it ends with it. */
  sessionId: string
  /** Authorization header value. */
  auth: { authorization: string }
}

/**
 * A real account (argon2 hash, author profile for authors/contributors) and a real signed token of
 * a real session (its refresh-token row), without the cost of a password login.
 */
export async function createUser(app: FastifyInstance, role: Role, options: { author?: string; email?: string } = {}): Promise<TestUser> {
  const email = options.email ?? `${role}-${randomBytes(4).toString('hex')}@example.com`
  const password = `pw-${randomBytes(8).toString('hex')}`
  // Accounts made through the API get an author profile whatever their role; these fixtures keep
  // admins and editors without one unless asked, so public author lists hold only the bylines tests make.
  const author = options.author ?? (role === 'admin' || role === 'editor' ? null : undefined)
  const user = await app.services.users.create(null, { email, name: `${role} ${email.slice(0, 6)}`, role, password, author })
  const sessionId = randomUUID()
  await app.database.db.insert(refreshTokens).values({ userId: user.id, familyId: sessionId, tokenHash: sha256(randomBytes(32).toString('hex')), expiresAt: new Date(Date.now() + 86_400_000) })
  const token = app.tokens.signAccess({ sub: user.id, role, sev: 1, sid: sessionId })
  return { id: user.id, email, password, role, token, sessionId, auth: { authorization: `Bearer ${token}` } }
}

export async function createUsers(app: FastifyInstance): Promise<Record<Role, TestUser>> {
  return {
    admin: await createUser(app, 'admin'),
    editor: await createUser(app, 'editor'),
    author: await createUser(app, 'author'),
    contributor: await createUser(app, 'contributor'),
  }
}
