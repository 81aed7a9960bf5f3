import pg from 'pg'
import type { Database } from './client.js'

export interface ChangeChannel {
  /** Tell every process (this one included) that something changed. */
  publish(message: string): Promise<void>
  /**
   * Listen until the returned function is called (it resolves once the first attempt to listen
   * is over, listening or not). The handler is also called with `null` after a lost connection, and
   * when listening starts on a later attempt: notifications may have been missed meanwhile, so
   * listeners must assume a change.
   */
  subscribe(handler: (message: string | null) => void): Promise<() => Promise<void>>
}

const CHANNEL = 'newsroom_changes'

/**
 * Cross-process change notification through PostgreSQL LISTEN/NOTIFY. PGlite is single-process:
 * there is nobody else to tell, so its channel does nothing.
 */
export function createChangeChannel(database: Database, log: { warn(obj: object, msg: string): void }): ChangeChannel {
  const pool = database.pool
  if (database.kind !== 'postgres' || !pool) {
    return { publish: async () => {}, subscribe: async () => async () => {} }
  }
  const connection = (pool as pg.Pool & { options: pg.PoolConfig }).options
  return {
    async publish(message) {
      await pool.query('select pg_notify($1, $2)', [CHANNEL, message.slice(0, 7900)])
    },

    async subscribe(handler) {
      let client: pg.Client | undefined
      let stopped = false
      let delay = 500
      let timer: NodeJS.Timeout | undefined

      let attempts = 0
      const connect = async (): Promise<void> => {
        if (stopped) return
        const later = attempts++ > 0
        const next = new pg.Client({ ...connection, application_name: 'newsroom-cms-listener' })
        next.on('notification', (n) => handler(n.payload ?? ''))
        next.on('error', () => {})
        next.on('end', () => {
          if (stopped || client !== next) return
          client = undefined
          handler(null)
          schedule()
        })
        try {
          await next.connect()
          await next.query(`LISTEN ${CHANNEL}`)
          client = next
          delay = 500
          if (later) handler(null)
        } catch (error) {
          log.warn({ err: error }, 'change listener could not connect; retrying')
          await next.end().catch(() => {})
          schedule()
        }
      }
      const schedule = () => {
        if (stopped) return
        timer = setTimeout(() => void connect(), delay)
        timer.unref()
        delay = Math.min(delay * 2, 30_000)
      }

      await connect()
      return async () => {
        stopped = true
        clearTimeout(timer)
        await client?.end().catch(() => {})
      }
    },
  }
}
