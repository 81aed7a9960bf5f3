import type { FastifyRequest } from 'fastify'
import { AppError } from '../../errors.js'
import type { Precondition } from '../../services/preconditions.js'

const ENTITY_TAG = /^(?:W\/)?"[\x21\x23-\x7e\x80-\xff]*"$/

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
    const tags = header.split(',').map((tag) => tag.trim())
    // RFC 9110 §8.8.3: entity-tag = [ W/ ] DQUOTE *etagc DQUOTE. Anything else (`v2`, unquoted) is
    // a malformed header, not a stale copy: say how to write it.
    if (tags.some((tag) => !ENTITY_TAG.test(tag))) {
      throw new AppError('VALIDATION_FAILED', `If-Match must be the ETag of your last read, quoted as sent: "v<version>" (e.g. If-Match: "v2"), or *`, {
        invalidParams: [{ name: 'header.if-match', reason: 'must be a comma-separated list of quoted entity tags such as "v2", or *' }],
      })
    }
    const versions = tags
      // A compressed response's ETag names its coding too ("v3-br", RFC 9110 §8.8.3): the same version.
      .map((tag) => /^"v(\d{1,9})(?:-(?:br|gzip))?"$/.exec(tag.trim())?.[1])
      .filter((v): v is string => v !== undefined)
    // An entity tag we never issued cannot match: 412, as for a stale one.
    return { version: versions.length > 0 ? Number(versions[0]) : -1, via: 'if-match' }
  }
  if (bodyVersion !== undefined) return { version: bodyVersion, via: 'body' }
  throw new AppError('PRECONDITION_REQUIRED', 'Send If-Match: "v<version>" (from the ETag of your last read) or a version field')
}
