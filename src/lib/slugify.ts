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

/** `base`, or `base-2`, `base-3`… : the first that `taken` says is free. */
export async function uniqueSlug(base: string, taken: (slug: string) => Promise<boolean>): Promise<string> {
  const root = base || 'untitled'
  if (!(await taken(root))) return root
  for (let n = 2; n < 1000; n++) {
    const candidate = `${root.slice(0, 90)}-${n}`
    if (!(await taken(candidate))) return candidate
  }
  return `${root.slice(0, 80)}-${Date.now().toString(36)}`
}
