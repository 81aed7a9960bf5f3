import { AppError } from '../errors.js'
import { slugify } from '../lib/slugify.js'

/**
 * The slug sent, or one made from the name. A name with no Latin letters or digits ("!!!", "Москва")
 * makes no slug: refused, because a resource with the empty slug could never be addressed (edited,
 * deleted or read) again, and a made-up one would not be what anyone expects in its URL.
 */
export function slugFromName(explicit: string | undefined, name: string, what: 'name' | 'title' = 'name'): string {
  if (explicit !== undefined) return explicit
  const slug = slugify(name)
  if (slug) return slug
  throw new AppError('UNPROCESSABLE', `The ${what} "${name}" has no Latin letters or digits to make a slug from: send a slug`, {
    invalidParams: [{ name: 'body.slug', reason: `is required when the ${what} makes no slug` }],
  })
}
