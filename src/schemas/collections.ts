import { Type, type Static } from 'typebox'
import { DateTime, Nullable, ref, StringEnum } from './common.js'
import { ArticleSummary } from './content.js'

export const COLLECTION_RULES = ['latest', 'section', 'tag', 'featured'] as const

export const Collection = Type.Object(
  {
    slug: Type.String(),
    name: Type.String(),
    description: Type.String(),
    size: Type.Integer({ description: 'How many articles it shows: always this many while the site has that many published articles' }),
    articles: Type.Array(ref(ArticleSummary), {
      description: "In slot order: an editor's pins where they are (while published and not expired), the other slots filled by the collection's rule, newest first, then by the newest articles",
    }),
  },
  { $id: 'Collection', description: 'A curated front-page block (Top Stories, Editor’s Picks, the hero)', additionalProperties: false },
)
export type CollectionBody = Static<typeof Collection>

export const CollectionRule = Type.Object(
  {
    kind: StringEnum(COLLECTION_RULES, { description: 'What fills the slots no pin holds, newest first: every section (latest), one section, one tag, or the featured articles' }),
    section: Nullable(Type.String({ description: 'The section (kind section); null once the section is deleted, then the latest articles fill in' })),
    tag: Nullable(Type.String({ description: 'The tag (kind tag); null once the tag is deleted, then the latest articles fill in' })),
  },
  { $id: 'CollectionRule', additionalProperties: false },
)

export const CollectionPin = Type.Object(
  {
    slot: Type.Integer({ minimum: 1, description: '1-based position in the collection' }),
    article: Type.Object(
      { id: Type.String({ format: 'uuid' }), slug: Type.String(), title: Type.String(), status: Type.String({ description: 'Only a published article is shown; a pinned draft or scheduled one waits' }) },
      { additionalProperties: false },
    ),
    expires_at: Nullable(DateTime('When the pin ends and the slot is filled by the rule again; null: never')),
  },
  { $id: 'CollectionPin', additionalProperties: false },
)

export const AdminCollection = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    slug: Type.String(),
    name: Type.String(),
    description: Type.String(),
    size: Type.Integer(),
    rule: ref(CollectionRule),
    position: Type.Integer({ description: 'Order in GET /v1/collections (ascending)' }),
    items: Type.Array(ref(CollectionPin), { description: 'The pins, by slot (expired ones too, until replaced)' }),
    version: Type.Integer({ description: 'Send it back as If-Match: "v<version>"' }),
    created_at: DateTime(),
    updated_at: DateTime(),
  },
  { $id: 'AdminCollection', additionalProperties: false },
)
export type AdminCollectionBody = Static<typeof AdminCollection>

export const collectionSchemas = [Collection, CollectionRule, CollectionPin, AdminCollection]
