import type { FastifyInstance } from 'fastify'

/**
 * HTML forms and mail clients' one-click unsubscribe POST `application/x-www-form-urlencoded`;
 * parsed into a plain object (a repeated field, such as checkboxes, becomes a list), only in the
 * plugins that register this.
 */
export function acceptFormBodies(app: FastifyInstance): void {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 4096 }, (_request, body, done) => {
    const params = new URLSearchParams(body as string)
    done(null, Object.fromEntries([...new Set(params.keys())].map((key) => {
      const values = params.getAll(key)
      return [key, values.length > 1 ? values : values[0]!]
    })))
  })
}
