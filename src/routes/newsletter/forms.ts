import type { FastifyInstance } from 'fastify'

/**
 * HTML forms and mail clients' one-click unsubscribe POST `application/x-www-form-urlencoded`;
 * parsed into a plain object (last value wins), only in the plugins that register this.
 */
export function acceptFormBodies(app: FastifyInstance): void {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 4096 }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)))
  })
}
