import type { FastifyRateLimitOptions, FastifyRateLimitStoreCtor } from '@fastify/rate-limit'
import type { FastifyBaseLogger } from 'fastify'
import type { Redis } from 'ioredis'
import { createRequire } from 'node:module'

interface Counted {
  current: number
  ttl: number
}
type Callback = (error: Error | null, result?: Counted) => void

/** The store contract @fastify/rate-limit calls (incr counts, read peeks, child scopes a route). */
interface Store {
  incr(key: string, callback: Callback, timeWindow: number, max: number): void
  read(key: string, callback: Callback, timeWindow: number, max: number): void
  child(routeOptions: { routeInfo?: { method?: string; url?: string } }): Store
}

// The plugin's own stores (its Redis one runs an atomic Lua INCR+PEXPIRE); they are CommonJS and untyped.
const require = createRequire(import.meta.url)
const RedisStore = require('@fastify/rate-limit/store/RedisStore.js') as new (continueExceeding: boolean, exponentialBackoff: boolean, redis: Redis, key: string) => Store
const LocalStore = require('@fastify/rate-limit/store/LocalStore.js') as new (continueExceeding: boolean, exponentialBackoff: boolean, cache?: number) => Store

/** How long one Redis command may take before the limit is counted locally instead. */
export const REDIS_COMMAND_TIMEOUT_MS = 500
/**
 * The longest a request waits on a connected Redis while this process is too busy to watch the clock
 * (see FallbackStore.run), and ioredis's own command timeout behind it.
 */
export const REDIS_COMMAND_MAX_WAIT_MS = 2000
/** A timer this late means the event loop was blocked, not that Redis was slow. */
const LOOP_LAG_TOLERANCE_MS = 50
const REPEAT_WARNING_MS = 60_000

/**
 * Remembers whether Redis answers, and says so in the log once per change (and once a minute while
 * it stays down), so an outage is visible without a line per request.
 */
export interface RedisHealth {
  ok(): void
  failed(error: unknown): void
  readonly healthy: boolean
}

export function createRedisHealth(log: FastifyBaseLogger): RedisHealth {
  let healthy = true
  let warnedAt = 0
  return {
    get healthy() {
      return healthy
    },
    ok() {
      if (healthy) return
      healthy = true
      log.info('Redis answers again: rate limits are shared across processes again')
    },
    failed(error) {
      const now = Date.now()
      if (!healthy && now - warnedAt < REPEAT_WARNING_MS) return
      healthy = false
      warnedAt = now
      log.warn({ err: error }, 'Redis unreachable: rate limits are counted in this process until it answers again')
    },
  }
}

/**
 * A rate-limit store that counts in Redis, shared by every API process, and falls back to this
 * process's memory when Redis fails or is slow. A news API keeps serving through a Redis outage
 * (never a 500, never a hang), and the limits still hold per process rather than vanishing: a
 * brute-force login is slowed either way.
 */
class FallbackStore implements Store {
  private readonly shared: Store
  private readonly local: Store
  private readonly health: RedisHealth
  private readonly makeChild: (routeOptions: { routeInfo?: { method?: string; url?: string } }) => { shared: Store; local: Store }
  constructor(shared: Store, local: Store, health: RedisHealth, makeChild: FallbackStore['makeChild']) {
    this.shared = shared
    this.local = local
    this.health = health
    this.makeChild = makeChild
  }

  incr(key: string, callback: Callback, timeWindow: number, max: number): void {
    this.run('incr', key, callback, timeWindow, max)
  }

  read(key: string, callback: Callback, timeWindow: number, max: number): void {
    this.run('read', key, callback, timeWindow, max)
  }

  child(routeOptions: { routeInfo?: { method?: string; url?: string } }): Store {
    const { shared, local } = this.makeChild(routeOptions)
    return new FallbackStore(shared, local, this.health, this.makeChild)
  }

  /**
   * Redis's answer, or after REDIS_COMMAND_TIMEOUT_MS without one, this process's count. "Without
   * one" is judged on Redis's time, not ours: when the CPU is starved, the timer and Redis's reply
   * both wait for the event loop, and timers run before sockets are read, so a plain timeout would
   * fire although the answer had arrived — the request would be counted in Redis *and* locally
   * (from zero), and the limit would leak exactly when a server is busiest. So the deadline is checked
   * after pending I/O has been read (setImmediate), and a timer that fired late (the loop was
   * blocked) gives Redis the time back, up to REDIS_COMMAND_MAX_WAIT_MS.
   */
  private run(method: 'incr' | 'read', key: string, callback: Callback, timeWindow: number, max: number): void {
    const sentAt = performance.now()
    let deadline = sentAt + REDIS_COMMAND_TIMEOUT_MS
    let settled = false
    const useLocal = (error: unknown) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      this.health.failed(error)
      this.local[method](key, callback, timeWindow, max)
    }
    const check = () =>
      setImmediate(() => {
        if (settled) return
        const now = performance.now()
        if (now - deadline > LOOP_LAG_TOLERANCE_MS && now - sentAt < REDIS_COMMAND_MAX_WAIT_MS) {
          deadline = now + REDIS_COMMAND_TIMEOUT_MS
          timer = setTimeout(check, REDIS_COMMAND_TIMEOUT_MS)
          return
        }
        useLocal(new Error(`Redis did not answer within ${REDIS_COMMAND_TIMEOUT_MS} ms`))
      })
    let timer = setTimeout(check, REDIS_COMMAND_TIMEOUT_MS)
    const answered: Callback = (error, result) => {
      if (settled) return
      if (!error && result) {
        settled = true
        clearTimeout(timer)
        this.health.ok()
        callback(null, { current: Number(result.current), ttl: Number(result.ttl) })
        return
      }
      useLocal(error)
    }
    try {
      this.shared[method](key, answered, timeWindow, max)
    } catch (error) {
      useLocal(error)
    }
  }
}

/** The store class to hand @fastify/rate-limit as `store`. Keys are `<prefix>[<METHOD><url>-]<key>`. */
export function createSharedStore(deps: { redis: Redis; prefix: string; health: RedisHealth }): FastifyRateLimitStoreCtor {
  return class extends FallbackStore {
    constructor(params: FastifyRateLimitOptions & { continueExceeding?: boolean; exponentialBackoff?: boolean }) {
      const continueExceeding = params.continueExceeding === true
      const exponentialBackoff = params.exponentialBackoff === true
      const makeChild = (routeOptions: { routeInfo?: { method?: string; url?: string } }) => {
        const route = routeOptions.routeInfo?.method ? `${routeOptions.routeInfo.method}${routeOptions.routeInfo.url ?? ''}-` : ''
        return {
          shared: new RedisStore(continueExceeding, exponentialBackoff, deps.redis, `${deps.prefix}${route}`),
          local: new LocalStore(continueExceeding, exponentialBackoff),
        }
      }
      super(new RedisStore(continueExceeding, exponentialBackoff, deps.redis, deps.prefix), new LocalStore(continueExceeding, exponentialBackoff), deps.health, makeChild)
    }
  } as unknown as FastifyRateLimitStoreCtor
}

/**
 * A Redis client that fails fast instead of queueing: with no connection a command errors at once
 * (no offline queue), and it reconnects in the background.
 */
export async function connectRedis(url: string, health: RedisHealth): Promise<Redis> {
  // Loaded only when REDIS_URL is set: a single-process API never carries the client.
  const { Redis } = await import('ioredis')
  const redis = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    // The store applies REDIS_COMMAND_TIMEOUT_MS itself, on Redis's time (see FallbackStore.run).
    commandTimeout: REDIS_COMMAND_MAX_WAIT_MS,
    connectTimeout: 2000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  })
  redis.on('error', (error: unknown) => health.failed(error))
  redis.on('ready', () => health.ok())
  // Down at boot is not fatal: the API serves with local limits and picks Redis up when it comes.
  await redis.connect().catch((error: unknown) => health.failed(error))
  return redis
}

export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'ready') await redis.quit().catch(() => redis.disconnect())
  else redis.disconnect()
}
