import type { FastifyBaseLogger } from 'fastify'
import type { Repositories, UnitOfWork } from '../db/repositories/index.js'
import { LOCK_KEYS } from '../db/repositories/locks.js'
import type { UserWithAuthor } from '../db/repositories/users.js'
import { AppError } from '../errors.js'
import type { Clock } from '../lib/clock.js'
import { hashPassword, randomPassword } from '../lib/passwords.js'
import { slugify, uniqueSlug } from '../lib/slugify.js'
import { type Actor, type Role } from './actor.js'
import { audit } from './audit.js'
import { presentUser } from './presenters.js'
import type { AdminUserBody } from '../schemas/admin.js'

export interface NewUser {
  email: string
  name: string
  role: Role
  password: string
  /** An author profile's slug; omitted = a new profile named after the user; null = none. */
  author?: string | null | undefined
}

export interface UserChanges {
  name?: string | undefined
  role?: Role | undefined
  author?: string | null | undefined
  disabled?: boolean | undefined
  password?: string | undefined
}

/**
 * Every account can write under a byline: a new account gets an author profile named after it when
 * none is named (editable later through /v1/admin/authors). `null` means none (unlinking on update).
 */
async function authorIdFor(repos: Repositories, name: string, authorSlug: string | null | undefined): Promise<string | null> {
  if (authorSlug) {
    const id = await repos.authors.findIdBySlug(authorSlug)
    if (!id) throw new AppError('UNPROCESSABLE', `No author profile has the slug "${authorSlug}"`, { invalidParams: [{ name: 'body.author', reason: 'unknown author' }] })
    return id
  }
  if (authorSlug === null) return null
  const slug = await uniqueSlug(slugify(name), async (s) => (await repos.authors.findIdBySlug(s)) !== undefined)
  return repos.authors.insert({ slug, name })
}

export function createUserService(deps: { uow: UnitOfWork; clock: Clock }) {
  const { uow } = deps

  async function create(repos: Repositories, actor: Actor | null, input: NewUser): Promise<UserWithAuthor> {
    if (await repos.users.findByEmail(input.email)) throw new AppError('EMAIL_TAKEN', `An account already uses ${input.email}`)
    const authorId = await authorIdFor(repos, input.name, input.author)
    const row = await repos.users.insert({
      email: input.email.trim(),
      name: input.name,
      role: input.role,
      authorId,
      passwordHash: await hashPassword(input.password),
    })
    await audit(repos, actor, { action: 'user.create', entityType: 'user', entityId: row.id, summary: `Created ${input.role} ${row.email}`, changes: { role: input.role } })
    return (await repos.users.findById(row.id))!
  }

  return {
    list: async (): Promise<AdminUserBody[]> => (await uow.repos.users.list()).map(presentUser),

    async get(id: string): Promise<AdminUserBody> {
      const user = await uow.repos.users.findById(id)
      if (!user) throw new AppError('NOT_FOUND', 'No such user')
      return presentUser(user)
    },

    create: async (actor: Actor | null, input: NewUser): Promise<AdminUserBody> =>
      presentUser(await uow.transaction((repos) => create(repos, actor, input))),

    async update(actor: Actor, id: string, expectedVersion: number | undefined, changes: UserChanges): Promise<AdminUserBody> {
      return uow.transaction(async (repos) => {
        const user = await repos.users.findById(id)
        if (!user) throw new AppError('NOT_FOUND', 'No such user')
        if (expectedVersion !== undefined && expectedVersion !== user.version) {
          throw new AppError('PRECONDITION_FAILED', `The user is at version ${user.version}, not ${expectedVersion}`)
        }
        const losesAdmin = user.role === 'admin' && ((changes.role && changes.role !== 'admin') || changes.disabled === true)
        if (losesAdmin && (await repos.users.countOtherActiveAdmins(user.id)) === 0) {
          throw new AppError('CONFLICT', 'This is the last active admin: promote another account first')
        }
        const values: Parameters<Repositories['users']['update']>[2] = {}
        if (changes.name !== undefined) values.name = changes.name
        if (changes.role !== undefined) values.role = changes.role
        if (changes.author !== undefined) values.authorId = await authorIdFor(repos, changes.name ?? user.name, changes.author)
        if (changes.password !== undefined) values.passwordHash = await hashPassword(changes.password)
        if (changes.disabled !== undefined) values.disabled = changes.disabled
        // Sessions end when the password, role or status changes: old tokens must not keep old rights.
        if (changes.password !== undefined || changes.disabled === true || (changes.role && changes.role !== user.role)) {
          values.sessionEpoch = user.sessionEpoch + 1
          await repos.refreshTokens.revokeAllForUser(user.id, deps.clock.now())
        }
        const updated = await repos.users.update(user.id, user.version, values)
        if (!updated) throw new AppError('PRECONDITION_FAILED', 'The user changed meanwhile')
        const changed = Object.keys(changes).filter((k) => changes[k as keyof UserChanges] !== undefined && k !== 'password')
        await audit(repos, actor, {
          action: 'user.update',
          entityType: 'user',
          entityId: user.id,
          summary: `Updated ${user.email}: ${[...changed, ...(changes.password ? ['password'] : [])].join(', ')}`,
          changes: Object.fromEntries(changed.map((k) => [k, changes[k as keyof UserChanges]])),
        })
        return presentUser((await repos.users.findById(user.id))!)
      })
    },

    async delete(actor: Actor, id: string): Promise<void> {
      await uow.transaction(async (repos) => {
        const user = await repos.users.findById(id)
        if (!user) throw new AppError('NOT_FOUND', 'No such user')
        if (user.id === actor.id) throw new AppError('CONFLICT', 'You cannot delete your own account')
        if (user.role === 'admin' && (await repos.users.countOtherActiveAdmins(user.id)) === 0) {
          throw new AppError('CONFLICT', 'This is the last active admin')
        }
        await repos.users.delete(user.id)
        await audit(repos, actor, { action: 'user.delete', entityType: 'user', entityId: user.id, summary: `Deleted ${user.email}` })
      })
    },

    /**
     * The first account, when none exists: from ADMIN_EMAIL/ADMIN_PASSWORD, or (demo) admin@example.com
     * with a random password printed once. Linked to the given author profile when it exists.
     */
    async ensureFirstAdmin(options: {
      admin: { email: string; password: string } | undefined
      generate: boolean
      authorSlug?: string
      log: Pick<FastifyBaseLogger, 'info' | 'warn'>
    }): Promise<{ email: string; password: string | null } | null> {
      return uow.transaction(async (repos) => {
        await repos.locks.transactionLock(LOCK_KEYS.firstAdmin)
        if ((await repos.users.count()) > 0) return null
        if (!options.admin && !options.generate) {
          options.log.warn('No user account exists. Set ADMIN_EMAIL and ADMIN_PASSWORD, or run `npm run user:create`.')
          return null
        }
        const email = options.admin?.email ?? 'admin@example.com'
        const password = options.admin?.password ?? randomPassword()
        const authorExists = options.authorSlug ? await repos.authors.findIdBySlug(options.authorSlug) : undefined
        // No byline made up for a production site's first admin: the demo one, when seeded, or none.
        await create(repos, null, { email, name: 'Administrator', role: 'admin', password, author: authorExists ? options.authorSlug : null })
        return { email, password: options.admin ? null : password }
      })
    },
  }
}

export type UserService = ReturnType<typeof createUserService>
