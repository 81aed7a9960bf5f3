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
 *
 * /docs keeps the CSP of @fastify/swagger-ui, whose `frame-ancestors 'self'` lets pages of this
 * API's own origin frame it. That is kept on purpose: the page needs its own script and style
 * sources (its CSP replaces ours), the API's origin serves no page that frames anything, and
 * clickjacking needs a framer on another origin, which `'self'` refuses. X-Frame-Options: DENY is
 * still sent for browsers that predate `frame-ancestors`.
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
 * Permissions-Policy: no document this API serves (JSON, /docs, newsletter pages) uses a powerful
 * browser feature, so every one is switched off — also for anything such a document might embed.
 * Helmet does not set this header.
 */
const PERMISSIONS_POLICY = [
  'accelerometer',
  'autoplay',
  'browsing-topics',
  'camera',
  'display-capture',
  'encrypted-media',
  'fullscreen',
  'geolocation',
  'gyroscope',
  'hid',
  'idle-detection',
  'magnetometer',
  'microphone',
  'midi',
  'payment',
  'picture-in-picture',
  'publickey-credentials-get',
  'screen-wake-lock',
  'serial',
  'sync-xhr',
  'usb',
  'web-share',
  'xr-spatial-tracking',
]
  .map((feature) => `${feature}=()`)
  .join(', ')

/**
 * The headers helmet sets under POLICY, and Permissions-Policy. They depend on nothing in the request, so helmet runs
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
  headers['permissions-policy'] = PERMISSIONS_POLICY
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
