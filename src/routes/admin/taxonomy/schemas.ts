import { Type } from 'typebox'
import { DisplayName, HttpUrl, Nullable, Slug } from '../../../schemas/common.js'

const Name = DisplayName(120, 'Shown to readers; the slug is made from it when none is sent (send one when the name has no Latin letters or digits)')
const TagName = DisplayName(60, 'Shown to readers; the slug is made from it when none is sent (send one when the name has no Latin letters or digits)')
const Description = Type.String({ maxLength: 2000 })

export const SectionCreateBody = Type.Object(
  { name: Name, slug: Type.Optional(Slug()), description: Type.Optional(Description) },
  { additionalProperties: false },
)
export const SectionUpdateBody = Type.Object(
  { name: Type.Optional(Name), slug: Type.Optional(Slug()), description: Type.Optional(Description), version: Type.Optional(Type.Integer({ minimum: 1, description: 'Alternative to If-Match for clients that cannot set headers' })) },
  { additionalProperties: false, minProperties: 1 },
)
export const SectionOrderBody = Type.Object(
  { sections: Type.Array(Slug(), { minItems: 1, maxItems: 500, description: 'Every section slug, in the new order' }) },
  { additionalProperties: false },
)
export const SectionDeleteQuery = Type.Object(
  { move_to: Type.Optional(Slug('Move the section’s articles here first')) },
  { additionalProperties: false },
)

export const TagCreateBody = Type.Object(
  { name: TagName, slug: Type.Optional(Slug()), description: Type.Optional(Description) },
  { additionalProperties: false },
)
export const TagUpdateBody = Type.Object(
  { name: Type.Optional(TagName), slug: Type.Optional(Slug()), description: Type.Optional(Description), version: Type.Optional(Type.Integer({ minimum: 1, description: 'Alternative to If-Match for clients that cannot set headers' })) },
  { additionalProperties: false, minProperties: 1 },
)

const SocialLinks = Type.Array(
  Type.Object({ network: Type.String({ minLength: 1, maxLength: 40 }), url: HttpUrl() }, { additionalProperties: false }),
  { maxItems: 20 },
)
const authorFields = {
  slug: Type.Optional(Slug()),
  bio: Type.Optional(Type.String({ maxLength: 5000 })),
  website: Type.Optional(Nullable(HttpUrl())),
  avatar_url: Type.Optional(Nullable(HttpUrl())),
  social_links: Type.Optional(SocialLinks),
}
export const AuthorCreateBody = Type.Object({ name: Name, ...authorFields }, { additionalProperties: false })
export const AuthorUpdateBody = Type.Object({ name: Type.Optional(Name), ...authorFields, version: Type.Optional(Type.Integer({ minimum: 1, description: 'Alternative to If-Match for clients that cannot set headers' })) }, { additionalProperties: false, minProperties: 1 })
export const AuthorDeleteQuery = Type.Object(
  { reassign_to: Type.Optional(Slug('Give the author’s articles to this author first')) },
  { additionalProperties: false },
)

export const SlugParam = Type.Object({ slug: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false })
