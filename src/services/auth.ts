import { randomUUID } from 'node:crypto'
import type { UnitOfWork } from '../db/repositories/index.js'
import type { UserWithAuthor } from '../db/repositories/users.js'
import { AppError } from '../errors.js'
import type { Clock } from '../lib/clock.js'
import { hashPassword, randomToken, sha256, verifyPassword } from '../lib/passwords.js'
import type { Actor, Role } from './actor.js'
import { audit } from './audit.js'
import { presentUser } from './presenters.js'
import type { AdminUserBody } from '../schemas/admin.js'

/**
 * Claims of an access token: subject, role (informational), session epoch (bumped by a password
 * change or disabling), and session id — the login's refresh-token family, so the token ends with
 * its session (logout, refresh-token reuse) rather than at its expiry.
 */
export interface AccessClaims {
  sub: string
  role: Role
  sev: number
  sid: string
}

/** Signs and checks tokens; provided by the HTTP layer (@fastify/jwt), so services stay framework-free. */
export interface TokenSigner {
  signAccess(claims: AccessClaims): string
}

export interface TokenResponse {
  access_token: string
  token_type: 'Bearer'
  expires_in: number
  refresh_token: string
}

export interface AuthSettings {
  accessTokenTtl: number
  refreshTokenTtl: number
}

export const MIN_PASSWORD_LENGTH = 10

export function toActor(user: UserWithAuthor, requestId?: string): Actor {
  return { id: user.id, email: user.email, name: user.name, role: user.role, authorId: user.authorId, requestId }
}

export function createAuthService(deps: { uow: UnitOfWork; clock: Clock; tokens: TokenSigner; settings: AuthSettings }) {
  const { uow, clock, tokens, settings } = deps

  async function issue(repos: UnitOfWork['repos'], user: UserWithAuthor, familyId: string): Promise<TokenResponse> {
    const refresh = randomToken(32)
    await repos.refreshTokens.insert({
      userId: user.id,
      familyId,
      tokenHash: sha256(refresh),
      expiresAt: new Date(clock.now().getTime() + settings.refreshTokenTtl * 1000),
    })
    return {
      access_token: tokens.signAccess({ sub: user.id, role: user.role, sev: user.sessionEpoch, sid: familyId }),
      token_type: 'Bearer',
      expires_in: settings.accessTokenTtl,
      refresh_token: refresh,
    }
  }

  return {
    /**
     * Email + password → tokens. Unknown email, wrong password and disabled account all answer the
     * same INVALID_CREDENTIALS after the same amount of work (no account enumeration).
     */
    async login(email: string, password: string, requestId?: string): Promise<TokenResponse> {
      const user = await uow.repos.users.findByEmail(email)
      const valid = await verifyPassword(user?.passwordHash, password)
      if (!user || !valid || user.disabled) throw new AppError('INVALID_CREDENTIALS', 'The email or password is not correct')
      return uow.transaction(async (repos) => {
        await repos.users.recordLogin(user.id, clock.now())
        await audit(repos, toActor(user, requestId), { action: 'auth.login', entityType: 'user', entityId: user.id, summary: 'Logged in' })
        return issue(repos, user, randomUUID())
      })
    },

    /** Rotates a refresh token. A token presented twice revokes its whole family (theft detection). */
    async refresh(refreshToken: string): Promise<TokenResponse> {
      const outcome = await uow.transaction(async (repos) => {
        const row = await repos.refreshTokens.findByHashForUpdate(sha256(refreshToken))
        const now = clock.now()
        if (!row || row.revokedAt || row.expiresAt <= now) return { kind: 'invalid' as const }
        if (row.usedAt) {
          await repos.refreshTokens.revokeFamily(row.familyId, now)
          return { kind: 'reused' as const }
        }
        const user = await repos.users.findById(row.userId)
        if (!user || user.disabled) {
          await repos.refreshTokens.revokeFamily(row.familyId, now)
          return { kind: 'invalid' as const }
        }
        await repos.refreshTokens.markUsed(row.id, now)
        return { kind: 'ok' as const, tokens: await issue(repos, user, row.familyId) }
      })
      if (outcome.kind === 'ok') return outcome.tokens
      throw new AppError(
        'INVALID_REFRESH_TOKEN',
        outcome.kind === 'reused'
          ? 'This refresh token was already used; every session of its login has been revoked. Log in again.'
          : 'The refresh token is unknown, expired or revoked. Log in again.',
      )
    },

    /** Ends the session the refresh token belongs to. Idempotent: unknown tokens are ignored. */
    async logout(refreshToken: string): Promise<void> {
      await uow.transaction(async (repos) => {
        const row = await repos.refreshTokens.findByHashForUpdate(sha256(refreshToken))
        if (row) await repos.refreshTokens.revokeFamily(row.familyId, clock.now())
      })
    },

    /** The actor behind verified access-token claims, or null when the account changed or the session ended since. */
    async resolveActor(claims: AccessClaims, requestId?: string): Promise<Actor | null> {
      const user = await uow.repos.users.findForSession(claims.sub, claims.sid)
      if (!user || !user.sessionOpen || user.disabled || user.sessionEpoch !== claims.sev) return null
      return toActor(user, requestId)
    },

    async me(actor: Actor): Promise<AdminUserBody> {
      const user = await uow.repos.users.findById(actor.id)
      if (!user) throw new AppError('INVALID_TOKEN', 'The account no longer exists')
      return presentUser(user)
    },

    /** Changes the password and ends every session, this one included (new tokens are returned). */
    async changePassword(actor: Actor, currentPassword: string, newPassword: string): Promise<TokenResponse> {
      const user = await uow.repos.users.findById(actor.id)
      if (!user || !(await verifyPassword(user.passwordHash, currentPassword))) {
        throw new AppError('INVALID_CREDENTIALS', 'The current password is not correct')
      }
      if (newPassword === currentPassword) {
        throw new AppError('VALIDATION_FAILED', 'The new password must differ from the current one', {
          invalidParams: [{ name: 'body.new_password', reason: 'must differ from current_password' }],
        })
      }
      const passwordHash = await hashPassword(newPassword)
      return uow.transaction(async (repos) => {
        const updated = await repos.users.update(user.id, user.version, { passwordHash, sessionEpoch: user.sessionEpoch + 1 })
        if (!updated) throw new AppError('CONFLICT', 'The account changed meanwhile; try again')
        await repos.refreshTokens.revokeAllForUser(user.id, clock.now())
        await audit(repos, actor, { action: 'user.password', entityType: 'user', entityId: user.id, summary: 'Changed own password' })
        return issue(repos, { ...user, sessionEpoch: updated.sessionEpoch }, randomUUID())
      })
    },
  }
}

export type AuthService = ReturnType<typeof createAuthService>
