import type { FastifyRequest } from 'fastify'
import { AppError } from '../../errors.js'
import type { Precondition } from '../../services/articles/editor.js'

/** The ETag of a versioned resource: `"v<version>"`. */
export const versionEtag = (version: number) => `"v${version}"`

/**
 * The version a write expects: from If-Match (RFC 9110, strong comparison) or, for clients that
 * cannot set headers, a `version` body field. Neither → 428: a write is never blind.
 */
export function preconditionOf(request: FastifyRequest, bodyVersion?: number): Precondition {
  const header = request.headers['if-match']
  if (typeof header === 'string' && header.trim() !== '') {
    if (header.trim() === '*') return { version: '*', via: 'if-match' }
    const versions = header
      .split(',')
      // A compressed response's ETag names its coding too ("v3-br", RFC 9110 §8.8.3): the same version.
      .map((tag) => /^"v(\d{1,9})(?:-(?:br|gzip))?"$/.exec(tag.trim())?.[1])
      .filter((v): v is string => v !== undefined)
    // An entity tag we never issued cannot match: 412, as for a stale one.
    return { version: versions.length > 0 ? Number(versions[0]) : -1, via: 'if-match' }
  }
  if (bodyVersion !== undefined) return { version: bodyVersion, via: 'body' }
  throw new AppError('PRECONDITION_REQUIRED', 'Send If-Match: "v<version>" (from the ETag of your last read) or a version field')
}
