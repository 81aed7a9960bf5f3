import { Type, type Static } from 'typebox'
import { ref } from './common.js'

/*
 * schema.org JSON-LD as the API serves it. Each property is listed: the serializer drops what a
 * response schema does not name, and what is listed here is exactly what the builders
 * (src/services/structured-data.ts, typed with schema.org's vocabulary) write.
 */
const Context = Type.Literal('https://schema.org')
const Url = (description?: string) => Type.String(description ? { description } : {})

export const JsonLdImage = Type.Object(
  { '@type': Type.Literal('ImageObject'), url: Url() },
  { $id: 'JsonLdImage', additionalProperties: false },
)

export const JsonLdPerson = Type.Object(
  { '@type': Type.Literal('Person'), name: Type.String(), url: Url('The author page on the website') },
  { $id: 'JsonLdPerson', additionalProperties: false },
)

export const JsonLdOrganization = Type.Object(
  {
    '@type': Type.Literal('Organization'),
    '@id': Type.Optional(Url()),
    name: Type.String(),
    url: Url(),
    logo: Type.Optional(ref(JsonLdImage)),
    sameAs: Type.Optional(Type.Array(Url(), { description: 'The publication’s social profiles' })),
  },
  { $id: 'JsonLdOrganization', additionalProperties: false },
)

export const NewsArticleJsonLd = Type.Object(
  {
    '@context': Context,
    '@type': Type.Literal('NewsArticle'),
    '@id': Url(),
    url: Url(),
    mainEntityOfPage: Type.Object({ '@type': Type.Literal('WebPage'), '@id': Url() }, { additionalProperties: false }),
    headline: Type.String({ description: 'The title, cut at 110 characters' }),
    description: Type.String(),
    image: Type.Array(Url(), { description: 'The featured image and its renditions (URLs), largest first; empty without one' }),
    datePublished: Type.String(),
    dateModified: Type.String(),
    author: Type.Array(ref(JsonLdPerson), { description: 'The byline, in order' }),
    publisher: ref(JsonLdOrganization),
    articleSection: Type.String(),
    keywords: Type.Array(Type.String()),
    wordCount: Type.Integer(),
    commentCount: Type.Integer(),
    isAccessibleForFree: Type.Boolean(),
  },
  { $id: 'NewsArticleJsonLd', description: 'schema.org NewsArticle as JSON-LD: embed it in the article page as a script element of type `application/ld+json`', additionalProperties: false },
)
export type NewsArticleJsonLdBody = Static<typeof NewsArticleJsonLd>

export const SiteJsonLd = Type.Object(
  {
    '@context': Context,
    '@graph': Type.Array(Type.Union([
      ref(JsonLdOrganization),
      Type.Object(
        {
          '@type': Type.Literal('WebSite'),
          '@id': Url(),
          url: Url(),
          name: Type.String(),
          description: Type.String(),
          publisher: Type.Object({ '@id': Url() }, { additionalProperties: false }),
          potentialAction: Type.Object(
            {
              '@type': Type.Literal('SearchAction'),
              target: Type.Object({ '@type': Type.Literal('EntryPoint'), urlTemplate: Url('The frontend’s search page: {site.url}/search?q={search_term_string}') }, { additionalProperties: false }),
              'query-input': Type.Literal('required name=search_term_string'),
            },
            { additionalProperties: false },
          ),
        },
        { additionalProperties: false },
      ),
    ]), { minItems: 2, maxItems: 2, description: 'The Organization, then the WebSite' }),
  },
  { $id: 'SiteJsonLd', description: 'schema.org Organization and WebSite (with its SearchAction) as one JSON-LD graph: embed it in the home page as a script element of type `application/ld+json`', additionalProperties: false },
)
export type SiteJsonLdBody = Static<typeof SiteJsonLd>

export const structuredDataSchemas = [JsonLdImage, JsonLdPerson, JsonLdOrganization, NewsArticleJsonLd, SiteJsonLd]
