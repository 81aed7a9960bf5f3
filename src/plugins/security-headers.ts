import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import helmet from 'helmet'
import type { IncomingMessage, ServerResponse } from 'node:http'

/**
 * Helmet's policy for a JSON API (the OWASP REST Security set): it embeds nothing and is never
 * framed. Headers that only matter to HTML documents a browser renders (DNS prefetch, IE download
 * options, Flash cross-domain policies, the retired XSS auditor, origin-keyed agent clusters,
 * opener isolation) are left out: every response carried them for nothing. Routes that serve HTML
 * (/docs, newsletter pages) set their own CSP.
 */
const POLICY: Parameters<typeof helmet>[0] = {
  contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
  crossOriginResourcePolicy: { policy: 'cross-origin' },
  crossOriginOpenerPolicy: false,
  originAgentCluster: false,
  xDnsPrefetchControl: false,
  xDownloadOptions: false,
  xPermittedCrossDomainPolicies: false,
  xXssProtection: false,
  xFrameOptions: { action: 'deny' },
}

/**
 * The headers helmet sets under POLICY. They depend on nothing in the request, so helmet runs
 * once, at startup, against a recording response, and every response gets the result in one call
 * (helmet's middleware chain per request cost a tenth of a cached article read).
 */
export function securityHeaders(): Record<string, string> {
  const headers: Record<string, string> = {}
  const recorder = {
    setHeader: (name: string, value: string | number | readonly string[]) => {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value)
    },
    removeHeader: (name: string) => {
      delete headers[name.toLowerCase()]
    },
  }
  let called = false
  helmet(POLICY)({} as IncomingMessage, recorder as unknown as ServerResponse, (error?: unknown) => {
    if (error) throw error instanceof Error ? error : new Error(String(error))
    called = true
  })
  if (!called) throw new Error('helmet did not complete synchronously')
  return headers
}

/** Security headers and the request id on every response (set first, so routes and errors may override). */
export const securityHeadersPlugin = fp(
  async (app: FastifyInstance) => {
    const headers = securityHeaders()
    app.addHook('onRequest', (request, reply, done) => {
      reply.headers(headers)
      reply.header('x-request-id', request.id)
      done()
    })
  },
  { name: 'security-headers' },
)
