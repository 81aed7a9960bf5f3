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
  async (app: FastifyInstance, options: { config: Config; database: Database; clock: Clock }) => {
    app.decorate('config', options.config)
    app.decorate('database', options.database)
    app.decorate('clock', options.clock)
    app.decorate('services', createServices({ ...options, tokens: app.tokens, previews: app.previews }))
  },
  { name: 'services', dependencies: ['auth'] },
)
