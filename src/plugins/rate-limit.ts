import rateLimit from '@fastify/rate-limit'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { isIP } from 'node:net'
import fp from 'fastify-plugin'
import type { Config } from '../config.js'
import { AppError } from '../errors.js'
import { closeRedis, connectRedis, createRedisHealth, createSharedStore } from './rate-limit-store.js'

type Check = (request: FastifyRequest, options?: { increment?: boolean }) => Promise<{ isExceeded?: boolean; ttlInSeconds?: number; isAllowed: boolean }>

export interface Limiters {
  /** Failed logins per client IP and per account (email), counted on failure only. */
  loginByIp: Check
  loginByAccount: Check
  /** Newsletter signups per client IP and per address. */
  signupByIp: Check
  signupByEmail: Check
  /** Comments per client IP (an IPv6 client per /64) and per commenter email, every attempt counted. */
  commentByIp: Check
  commentByEmail: Check
  /** Image uploads per account, every attempt counted (processing an image is the costliest request there is). */
  mediaUploadByUser: Check
}

declare module 'fastify' {
  interface FastifyInstance {
    limiters: Limiters
  }
}

const FIFTEEN_MINUTES = 15 * 60 * 1000
const TEN_MINUTES = 10 * 60 * 1000
const ONE_MINUTE = 60 * 1000

/**
 * The rate-limit key of a client address: IPv6 clients usually hold a whole /64, so they are
 * counted per /64 (rotating addresses inside it gains nothing); IPv4 per address.
 */
export function ipRateKey(ip: string): string {
  if (isIP(ip) !== 6) return ip
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)
  if (mapped) return mapped[1]!
  const [head = '', tail = ''] = ip.toLowerCase().split('%')[0]!.split('::')
  const left = head ? head.split(':') : []
  const right = ip.includes('::') && tail ? tail.split(':') : []
  const groups = ip.includes('::') ? [...left, ...Array<string>(Math.max(8 - left.length - right.length, 0)).fill('0'), ...right] : left
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`
}

export function rateLimited(retryAfterSeconds: number, detail: string): AppError {
  const seconds = Math.max(1, Math.ceil(retryAfterSeconds))
  return new AppError('RATE_LIMITED', detail, { headers: { 'retry-after': String(seconds) } })
}

/**
 * The one rate-limit mechanism (@fastify/rate-limit): routes opt in with `config.rateLimit`; the
 * login throttle uses its manual limiters so that only failures count. Counters live in this
 * process's memory, or in Redis when REDIS_URL is set so that every API process shares them.
 */
export const rateLimitPlugin = fp(
  async (app: FastifyInstance, options: { config: Config }) => {
    const { redisUrl, redisKeyPrefix } = options.config.rateLimit
    let store
    if (redisUrl) {
      const health = createRedisHealth(app.log)
      const redis = await connectRedis(redisUrl, health)
      app.addHook('onClose', async () => closeRedis(redis))
      store = createSharedStore({ redis, prefix: redisKeyPrefix, health })
    }
    await app.register(rateLimit, {
      global: false,
      ...(store ? { store } : {}),
      // The shared store already falls back to local counting; this is the last guard: a store
      // error never turns a request into a 500.
      skipOnError: true,
      // Rate-limit answers go through the error handler, as problem+json with Retry-After.
      errorResponseBuilder: (_request, context) =>
        rateLimited(context.ttl / 1000, `Too many requests: at most ${context.max} per ${context.after}. Retry after ${Math.ceil(context.ttl / 1000)} s.`),
    })
    const emailOf = (request: FastifyRequest) => {
      const email = (request.body as { email?: unknown } | undefined)?.email
      return typeof email === 'string' ? email.trim().toLowerCase() : ''
    }
    const commenterOf = (request: FastifyRequest) => {
      const email = (request.body as { author_email?: unknown } | undefined)?.author_email
      return typeof email === 'string' ? email.trim().toLowerCase() : ''
    }
    // A peek counts as exceeded only past max, so max = limit - 1 lets exactly `limit` failures through.
    app.decorate('limiters', {
      loginByIp: app.createRateLimit({
        max: Math.max(options.config.auth.loginIpLimit - 1, 0),
        timeWindow: FIFTEEN_MINUTES,
        keyGenerator: (request) => `login-ip:${request.ip}`,
      }) as Check,
      loginByAccount: app.createRateLimit({
        max: Math.max(options.config.auth.loginAccountLimit - 1, 0),
        timeWindow: FIFTEEN_MINUTES,
        keyGenerator: (request) => `login-account:${emailOf(request)}`,
      }) as Check,
      signupByIp: app.createRateLimit({
        max: options.config.newsletter.rateIp,
        timeWindow: TEN_MINUTES,
        keyGenerator: (request) => `signup-ip:${request.ip}`,
      }) as Check,
      signupByEmail: app.createRateLimit({
        max: options.config.newsletter.rateEmail,
        timeWindow: TEN_MINUTES,
        keyGenerator: (request) => `signup-email:${emailOf(request)}`,
      }) as Check,
      commentByIp: app.createRateLimit({
        max: options.config.comments.ratePerIp,
        timeWindow: ONE_MINUTE,
        keyGenerator: (request) => `comment-ip:${ipRateKey(request.ip)}`,
      }) as Check,
      commentByEmail: app.createRateLimit({
        max: options.config.comments.ratePerEmail,
        timeWindow: ONE_MINUTE,
        keyGenerator: (request) => `comment-email:${commenterOf(request)}`,
      }) as Check,
      mediaUploadByUser: app.createRateLimit({
        max: options.config.media.uploadRatePerUser,
        timeWindow: ONE_MINUTE,
        keyGenerator: (request) => `media-upload:${request.actor?.id ?? request.ip}`,
      }) as Check,
    })
  },
  { name: 'rate-limit' },
)
