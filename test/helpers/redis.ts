import { Redis } from 'ioredis'
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import net from 'node:net'
import type { AddressInfo } from 'node:net'

/** The Redis CI provides (and this machine runs); tests skip, saying why, when it does not answer. */
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'

export async function redisUnavailable(url = REDIS_URL): Promise<string | false> {
  const redis = new Redis(url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, connectTimeout: 1000, retryStrategy: () => null })
  redis.on('error', () => {})
  try {
    await redis.connect()
    return (await redis.ping()) === 'PONG' ? false : `Redis at ${url} did not answer PING`
  } catch (error) {
    return `needs Redis at ${url} (${error instanceof Error ? error.message : String(error)})`
  } finally {
    redis.disconnect()
  }
}

/** A key prefix of this test run alone, so concurrent runs never share counters. */
export function uniquePrefix(label: string): string {
  return `newsroom-test:${label}:${process.pid}-${randomBytes(4).toString('hex')}:`
}

/** The keys under a prefix (and a way to delete them when the test ends). */
export async function keysUnder(prefix: string, url = REDIS_URL): Promise<{ keys: string[]; remove(): Promise<void> }> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 })
  try {
    const keys = await redis.keys(`${prefix}*`)
    return {
      keys,
      async remove() {
        const again = new Redis(url, { maxRetriesPerRequest: 1 })
        try {
          const all = await again.keys(`${prefix}*`)
          if (all.length > 0) await again.del(...all)
        } finally {
          again.disconnect()
        }
      },
    }
  } finally {
    redis.disconnect()
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo
      server.close(() => resolve(port))
    })
  })
}

export interface PrivateRedis {
  url: string
  port: number
  /** Freezes (SIGSTOP) or thaws (SIGCONT) the server: connected, but silent. */
  pause(paused: boolean): void
  stop(): Promise<void>
  start(): Promise<void>
}

/** A throwaway redis-server on its own port (no persistence), which a test may stop and restart. */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort()
  let child: ChildProcess | undefined
  const start = async () => {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' })
    const deadline = Date.now() + 5000
    while ((await redisUnavailable(`redis://127.0.0.1:${port}`)) !== false) {
      if (Date.now() > deadline) throw new Error(`private redis-server on ${port} did not start`)
      await new Promise((r) => setTimeout(r, 50))
    }
  }
  const stop = async () => {
    const running = child
    if (!running || running.exitCode !== null) return
    running.kill('SIGCONT')
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve())
      running.kill('SIGKILL')
    })
  }
  const pause = (paused: boolean) => {
    if (child && child.exitCode === null) child.kill(paused ? 'SIGSTOP' : 'SIGCONT')
  }
  await start()
  return { url: `redis://127.0.0.1:${port}`, port, start, stop, pause }
}

export async function redisServerMissing(): Promise<string | false> {
  return new Promise((resolve) => {
    const probe = spawn('redis-server', ['--version'], { stdio: 'ignore' })
    probe.on('error', () => resolve('needs the redis-server binary to start a private Redis'))
    probe.on('exit', (code) => resolve(code === 0 ? false : 'redis-server --version failed'))
  })
}
