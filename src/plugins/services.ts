import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Config } from '../config.js'
import type { Database } from '../db/client.js'
import type { Clock } from '../lib/clock.js'
import { createServices, type Services } from '../services/container.js'

declare module 'fastify' {
  interface FastifyInstance {
    config: Config
    database: Database
    clock: Clock
    services: Services
  }
}

export const servicesPlugin = fp(
  async (app: FastifyInstance, options: { config: Config; database: Database; clock: Clock; workers: boolean }) => {
    app.decorate('config', options.config)
    app.decorate('database', options.database)
    app.decorate('clock', options.clock)
    const services = createServices({ ...options, log: app.log, tokens: app.tokens, previews: app.previews })
    app.decorate('services', services)
    // Background work (the outbox) runs in servers, not in tests unless they ask for it.
    if (options.workers) {
      app.addHook('onReady', async () => services.outbox.start())
      app.addHook('onClose', async () => services.outbox.stop())
    }
    app.addHook('onClose', async () => services.mailer.close())
  },
  { name: 'services', dependencies: ['auth'] },
)
