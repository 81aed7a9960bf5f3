import jwt from '@fastify/jwt'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { Config } from '../config.js'
import { AppError } from '../errors.js'
import type { Clock } from '../lib/clock.js'
import type { Actor, Role } from '../services/actor.js'
import type { PreviewSigner } from '../services/articles/input.js'
import type { AccessClaims, TokenSigner } from '../services/auth.js'

declare module 'fastify' {
  interface FastifyInstance {
    tokens: TokenSigner
    previews: PreviewSigner & { verify(token: string): string }
    /** Verifies the bearer token and loads the account behind it; throws 401 problems. */
    authenticate(request: FastifyRequest): Promise<Actor>
  }
  interface FastifyRequest {
    actor: Actor | null
  }
  interface FastifyContextConfig {
    /** Roles allowed on an editor route (every /v1/admin route must declare them). */
    roles?: readonly Role[]
  }
}

/** Access and preview tokens carry different audiences, so neither can stand in for the other. */
const ACCESS_AUDIENCE = 'newsroom:access'
const PREVIEW_AUDIENCE = 'newsroom:preview'
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * @fastify/jwt with its unsafe defaults overridden: tokens always expire, the algorithm is pinned
 * to HS256 (no `none`, no RS/HS confusion), and `exp`, `sub` and `aud` are required.
 */
export const authPlugin = fp(
  async (app: FastifyInstance, options: { config: Config; clock: Clock }) => {
    const { auth } = options.config
    if (!auth.jwtSecret) throw new Error('JWT secret missing: call withEmbeddedSecrets(config) before buildApp')
    await app.register(jwt, {
      secret: auth.jwtSecret,
      sign: { algorithm: 'HS256', expiresIn: auth.accessTokenTtl, aud: ACCESS_AUDIENCE },
      verify: { algorithms: ['HS256'], requiredClaims: ['exp', 'sub', 'aud'], allowedAud: ACCESS_AUDIENCE },
    })

    app.decorate('tokens', {
      signAccess: (claims: AccessClaims) => app.jwt.sign({ ...claims }),
    })
    app.decorate('previews', {
      sign(articleId: string) {
        const expiresAt = new Date(options.clock.now().getTime() + auth.previewTokenTtl * 1000)
        const token = app.jwt.sign({ sub: articleId }, { aud: PREVIEW_AUDIENCE, expiresIn: auth.previewTokenTtl })
        return { token, expiresAt }
      },
      verify(token: string): string {
        try {
          const claims = app.jwt.verify<{ sub: string }>(token, { allowedAud: PREVIEW_AUDIENCE })
          return claims.sub
        } catch {
          throw new AppError('INVALID_TOKEN', 'The preview link is invalid or has expired')
        }
      },
    })
    app.decorateRequest('actor', null)

    app.decorate('authenticate', async (request: FastifyRequest): Promise<Actor> => {
      const header = request.headers.authorization
      if (!header) throw new AppError('UNAUTHORIZED', 'Send an access token: Authorization: Bearer <token>')
      const match = /^Bearer\s+(\S+)$/i.exec(header)
      if (!match) throw new AppError('INVALID_TOKEN', 'The Authorization header must be "Bearer <token>"')
      let claims: AccessClaims
      try {
        claims = app.jwt.verify<AccessClaims>(match[1]!)
      } catch {
        // Expired, unsigned, wrong key, wrong algorithm, malformed: all the same 401, never a 500.
        throw new AppError('INVALID_TOKEN', 'The access token is invalid or has expired')
      }
      if (typeof claims.sub !== 'string' || typeof claims.sev !== 'number' || typeof claims.sid !== 'string' || !UUID.test(claims.sub) || !UUID.test(claims.sid)) {
        throw new AppError('INVALID_TOKEN', 'The access token is not one this server issued')
      }
      const actor = await app.services.auth.resolveActor(claims, String(request.id))
      if (!actor) throw new AppError('INVALID_TOKEN', 'The session of this token has ended (logout, a reused refresh token, a password change) or the account was disabled; log in again')
      request.actor = actor
      return actor
    })
  },
  { name: 'auth' },
)
