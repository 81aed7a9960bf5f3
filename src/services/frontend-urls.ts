/**
 * Where readers find things on the public website (for feeds and sitemaps): the site URL from the
 * settings, or PUBLIC_URL when none is set. Paths follow the navigation the API serves:
 * /section/<slug> for sections, /<slug> for articles and static pages.
 */
export function frontendUrls(siteUrl: string | null, publicUrl: string) {
  const base = (siteUrl ?? publicUrl).replace(/\/+$/, '')
  return {
    home: `${base}/`,
    article: (slug: string) => `${base}/${slug}`,
    section: (slug: string) => `${base}/section/${slug}`,
    page: (slug: string) => `${base}/${slug}`,
  }
}
