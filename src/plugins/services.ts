import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Config } from '../config.js'
import type { Database } from '../db/client.js'
import type { Clock } from '../lib/clock.js'
import { randomUUID } from 'node:crypto'
import { finished } from 'node:stream'
import { createChangeChannel } from '../db/notifications.js'
import { allowReplicaReads } from '../db/read-routing.js'
import { createServices, type Services } from '../services/container.js'
import { changesPublicContent } from '../services/events.js'
import type { Metrics } from '../services/metrics.js'

declare module 'fastify' {
  interface FastifyInstance {
    config: Config
    database: Database
    clock: Clock
    services: Services
  }
}

export const servicesPlugin = fp(
  async (app: FastifyInstance, options: { config: Config; database: Database; clock: Clock; workers: boolean; metrics: Metrics | undefined }) => {
    app.decorate('config', options.config)
    app.decorate('database', options.database)
    app.decorate('clock', options.clock)
    const services = createServices({ ...options, log: app.log, tokens: app.tokens, previews: app.previews })
    app.decorate('services', services)
    if (options.database.readDb !== options.database.db) {
      // Anonymous GETs of public content may read the replica; anything carrying credentials, a
      // preview token, or under /v1/admin and /v1/auth reads the primary (read-your-own-writes).
      app.addHook('onRequest', (request, _reply, done) => {
        const eligible =
          (request.method === 'GET' || request.method === 'HEAD') &&
          request.headers.authorization === undefined &&
          !request.url.startsWith('/v1/admin') &&
          !request.url.startsWith('/v1/auth') &&
          !/[?&]preview=/.test(request.url)
        if (eligible) allowReplicaReads(done)
        else done()
      })
    }
    // On the embedded database, background passes wait for the requests in flight (see Foreground):
    // counted once the body is read and valid (a client slow to send one holds nothing up) until the
    // response ends, or its client goes away; finished() also answers for a response already closed.
    const foreground = services.foreground
    if (foreground) {
      app.addHook('preHandler', (_request, reply, done) => {
        finished(reply.raw, foreground.enter())
        done()
      })
    }
    // Background work (the outbox) runs in servers, not in tests unless they ask for it.
    if (options.workers) {
      app.addHook('onReady', async () => {
        services.outbox.start()
        services.newsletterSends.start()
        services.scheduler.start()
        services.relatedLists.start()
        services.embeddedMaintenance?.start()
        services.housekeeping.start()
      })
      app.addHook('onClose', async () => {
        await services.housekeeping.stop()
        await services.embeddedMaintenance?.stop()
        await services.relatedLists.stop()
        await services.scheduler.stop()
        await services.outbox.stop()
        await services.newsletterSends.stop()
      })
    }
    app.addHook('onClose', async () => {
      services.mailer.close()
      services.newsletterMailer.close()
    })

    // Other API processes on the same PostgreSQL learn of changes through LISTEN/NOTIFY.
    const channel = createChangeChannel(options.database, app.log)
    const origin = randomUUID()
    services.events.on((change) => {
      if (!changesPublicContent(change)) return
      channel.publish(JSON.stringify({ origin, ...change })).catch((error: unknown) => app.log.warn({ err: error }, 'could not notify other processes of a change'))
    })
    // The listener connects (a connection of its own, ~60 ms) while the rest of the app is built
    // and the migrations are checked, and the server is ready once it listens: a change another
    // process makes from then on reaches this one's caches. When the connection is lost, and when
    // a later attempt listens again, the channel calls the handler with null: every cache is cleared.
    const listening = channel
      .subscribe((message) => {
        if (message === null) return services.invalidateCaches()
        try {
          if ((JSON.parse(message) as { origin?: string }).origin !== origin) services.invalidateCaches()
        } catch {
          services.invalidateCaches()
        }
        services.relatedLists.kick()
      })
      .catch((error: unknown) => {
        app.log.warn({ err: error }, 'could not listen for changes made by other processes')
        return undefined
      })
    app.addHook('onReady', async () => {
      await listening
    })
    app.addHook('onClose', async () => (await listening)?.())
  },
  { name: 'services', dependencies: ['auth'] },
)
