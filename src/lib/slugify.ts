const MAX_SLUG_LENGTH = 96

/** URL slug from a title: ASCII, lower-case, dash-separated ("China's 6th Gen" → "chinas-6th-gen"). */
export function slugify(input: string): string {
  const slug = input
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/['’`]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
  if (slug.length <= MAX_SLUG_LENGTH) return slug
  const cut = slug.slice(0, MAX_SLUG_LENGTH)
  const lastDash = cut.lastIndexOf('-')
  return (lastDash > MAX_SLUG_LENGTH / 2 ? cut.slice(0, lastDash) : cut).replace(/-+$/g, '')
}

/** The pattern every slug the API accepts must match (documented in the OpenAPI schemas). */
export const SLUG_PATTERN = '^[a-z0-9]+(?:-[a-z0-9]+)*$'
