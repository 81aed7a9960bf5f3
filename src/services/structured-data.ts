import type { NewsArticle, Organization, SearchAction, WebSite, WithContext } from 'schema-dts'
import type { NewsArticleJsonLdBody, SiteJsonLdBody } from '../schemas/structured-data.js'
import type { SiteLinks } from './permalinks.js'

/*
 * schema.org structured data, built once here. Typed twice on purpose: as the API's schema (what
 * is served) and as schema.org's vocabulary (schema-dts, generated from it), so a property or type
 * that schema.org does not define fails to compile; test/services/structured-data.test.ts checks
 * the served documents against the same vocabulary.
 */

/** Google shows at most 110 characters of a headline. */
const HEADLINE_MAX = 110

const headline = (title: string) => (title.length <= HEADLINE_MAX ? title : `${title.slice(0, HEADLINE_MAX - 1).trimEnd()}…`)

/** An absolute URL: the site's logo and images may be stored as paths on the website. */
const absolute = (links: SiteLinks, url: string) => (/^https?:\/\//i.test(url) ? url : `${links.origin}${url.startsWith('/') ? '' : '/'}${url}`)

export interface NewsArticleFacts {
  url: string
  title: string
  excerpt: string
  publishedAt: string
  updatedAt: string
  sectionName: string
  tagNames: string[]
  authors: { name: string; url: string }[]
  image: { url: string; renditions: { url: string; width: number }[] } | null
  wordCount: number
  commentCount: number
}

function publisher(links: SiteLinks, extra: { id?: string; sameAs?: string[] } = {}) {
  const org = {
    '@type': 'Organization' as const,
    ...(extra.id ? { '@id': extra.id } : {}),
    name: links.publisher.name,
    url: links.home,
    ...(links.publisher.logo ? { logo: { '@type': 'ImageObject' as const, url: absolute(links, links.publisher.logo) } } : {}),
    ...(extra.sameAs && extra.sameAs.length > 0 ? { sameAs: extra.sameAs } : {}),
  }
  return org satisfies Organization
}

export function newsArticleJsonLd(facts: NewsArticleFacts, links: SiteLinks): NewsArticleJsonLdBody {
  // The image and its renditions as URLs (schema.org's ImageObject width is a Distance, not pixels).
  // Always present (empty without an image): one shape for every article.
  const images = facts.image
    ? [...new Set([facts.image.url, ...[...facts.image.renditions].sort((a, b) => b.width - a.width).map((r) => r.url)].map((url) => absolute(links, url)))]
    : []
  const doc = {
    '@context': 'https://schema.org' as const,
    '@type': 'NewsArticle' as const,
    '@id': facts.url,
    url: facts.url,
    mainEntityOfPage: { '@type': 'WebPage' as const, '@id': facts.url },
    headline: headline(facts.title),
    description: facts.excerpt,
    image: images,
    datePublished: facts.publishedAt,
    dateModified: facts.updatedAt,
    author: facts.authors.map((a) => ({ '@type': 'Person' as const, name: a.name, url: a.url })),
    publisher: publisher(links),
    articleSection: facts.sectionName,
    keywords: facts.tagNames,
    wordCount: facts.wordCount,
    commentCount: facts.commentCount,
    isAccessibleForFree: true,
  }
  return doc satisfies WithContext<NewsArticle>
}

/** Google's convention for the search box: not a schema.org property, so typed here beside SearchAction. */
type SearchActionWithInput = SearchAction & { 'query-input': string }

export function siteJsonLd(site: { title: string; description: string; socialUrls: string[] }, links: SiteLinks): SiteJsonLdBody {
  const orgId = `${links.home}#organization`
  const organization = publisher({ ...links, publisher: { ...links.publisher, name: site.title } }, { id: orgId, sameAs: site.socialUrls })
  const action = {
    '@type': 'SearchAction' as const,
    target: { '@type': 'EntryPoint' as const, urlTemplate: `${links.base}/search?q={search_term_string}` },
    'query-input': 'required name=search_term_string' as const,
  } satisfies SearchActionWithInput
  const website = {
    '@type': 'WebSite' as const,
    '@id': `${links.home}#website`,
    url: links.home,
    name: site.title,
    description: site.description,
    publisher: { '@id': orgId },
    potentialAction: action,
  } satisfies WebSite
  return { '@context': 'https://schema.org', '@graph': [organization, website] }
}
