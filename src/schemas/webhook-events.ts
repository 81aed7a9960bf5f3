import { Type, type Static, type TSchema } from 'typebox'
import { AdminArticle, AdminPage, AdminSettings, STATUS_VALUES } from './admin.js'
import { AdminCollection } from './collections.js'
import { SubmittedComment } from './comments.js'
import { DateTime, Nullable, ref, StringEnum } from './common.js'
import { Author, Section, Tag } from './content.js'

/*
 * One schema per webhook event: what `data.current` and `data.previous` hold. Every producer of an
 * event goes through the one builder in services/webhook-events.ts, so `article.published` looks
 * the same whoever publishes (an editor, the scheduler). Documented as OpenAPI 3.1 `webhooks`.
 */

/** An article's state before a change: what a receiver needs to purge or redirect its old page. */
export const ArticleEventPrevious = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    slug: Type.String(),
    title: Type.String(),
    status: StringEnum(STATUS_VALUES),
    published_at: Nullable(DateTime()),
    section: Type.String({ description: 'Section slug' }),
    authors: Type.Array(Type.String(), { description: 'Author slugs of its byline before the change, in order (their pages may need revalidating)' }),
    url: Nullable(Type.String({ description: 'Its URL on the website before the change (null when the permalink needed a date it had not)' })),
  },
  { $id: 'ArticleEventPrevious', additionalProperties: false },
)
export type ArticleEventPreviousBody = Static<typeof ArticleEventPrevious>

export const CommentEventState = Type.Object(
  {
    ...(SubmittedComment.properties as typeof SubmittedComment.properties),
    article: Type.Object(
      {
        id: Type.String({ format: 'uuid' }),
        slug: Type.String(),
        title: Type.String(),
        url: Nullable(Type.String({ description: 'The article on the website' })),
      },
      { additionalProperties: false },
    ),
  },
  { $id: 'CommentEventState', description: 'A stored comment (any moderation status) and its article; never the commenter’s email', additionalProperties: false },
)
export type CommentEventStateBody = Static<typeof CommentEventState>

export const SubscriberEventState = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    email: Type.String(),
    name: Nullable(Type.String()),
    sections: Type.Array(Type.String()),
    confirmed_at: DateTime(),
  },
  { $id: 'SubscriberEventState', additionalProperties: false },
)

const payload = <C extends TSchema, P extends TSchema>(current: C, previous: P) => Type.Object({ current, previous }, { additionalProperties: false })
const none = Type.Null()

/** `data` of every event type: the state after the change and before it. */
export const WEBHOOK_PAYLOADS = {
  'article.published': payload(ref(AdminArticle), Nullable(ref(ArticleEventPrevious))),
  'article.updated': payload(ref(AdminArticle), ref(ArticleEventPrevious)),
  'article.unpublished': payload(ref(AdminArticle), ref(ArticleEventPrevious)),
  'article.deleted': payload(none, ref(ArticleEventPrevious)),
  'article.submitted': payload(ref(AdminArticle), Nullable(ref(ArticleEventPrevious))),
  'article.changes_requested': payload(ref(AdminArticle), ref(ArticleEventPrevious)),
  'section.created': payload(ref(Section), none),
  'section.updated': payload(ref(Section), ref(Section)),
  'section.deleted': payload(none, ref(Section)),
  'section.reordered': payload(Type.Array(ref(Section)), Type.Array(ref(Section))),
  'tag.created': payload(ref(Tag), none),
  'tag.updated': payload(ref(Tag), ref(Tag)),
  'tag.deleted': payload(none, ref(Tag)),
  'author.created': payload(ref(Author), none),
  'author.updated': payload(ref(Author), ref(Author)),
  'author.deleted': payload(none, ref(Author)),
  'page.created': payload(ref(AdminPage), none),
  'page.updated': payload(ref(AdminPage), ref(AdminPage)),
  'page.deleted': payload(none, ref(AdminPage)),
  'settings.updated': payload(ref(AdminSettings), ref(AdminSettings)),
  'collection.created': payload(ref(AdminCollection), none),
  'collection.updated': payload(ref(AdminCollection), ref(AdminCollection)),
  'collection.deleted': payload(none, ref(AdminCollection)),
  'comment.created': payload(ref(CommentEventState), none),
  'subscriber.confirmed': payload(ref(SubscriberEventState), none),
  'webhook.test': payload(Type.Object({ message: Type.String() }, { additionalProperties: false }), none),
} as const

export type WebhookEventType = keyof typeof WEBHOOK_PAYLOADS
export type WebhookPayloads = { [K in WebhookEventType]: Static<(typeof WEBHOOK_PAYLOADS)[K]> }

/** The body a receiver gets for an event type. */
export function webhookEventSchema(type: WebhookEventType) {
  return Type.Object(
    {
      id: Type.String({ format: 'uuid', description: 'Event id: the same on every retry; deduplicate on it' }),
      type: Type.Literal(type),
      created_at: DateTime(),
      data: WEBHOOK_PAYLOADS[type],
      purge_keys: Type.Array(Type.String(), { description: 'Surrogate keys a CDN should purge' }),
    },
    { additionalProperties: false },
  )
}

export const webhookEventSchemas = [ArticleEventPrevious, CommentEventState, SubscriberEventState]

/** `Foo#` ($ref to a schema registered by $id) → `#/components/schemas/Foo`, as OpenAPI wants it outside routes. */
function componentRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(componentRefs)
  if (value === null || typeof value !== 'object') return value
  return Object.fromEntries(
    Object.entries(value).map(([key, v]) => [key, key === '$ref' && typeof v === 'string' && /^\w+#$/.test(v) ? `#/components/schemas/${v.slice(0, -1)}` : componentRefs(v)]),
  )
}

/** OpenAPI 3.1 `webhooks`: one POST per event type, with its body schema and the signature headers. */
export function openapiWebhooks(): Record<string, { post: object }> {
  const headers = [
    ['X-Webhook-Id', 'The event id'],
    ['X-Webhook-Event', 'The event type'],
    ['X-Webhook-Timestamp', 'Unix seconds when the delivery was signed'],
    ['X-Signature', 't=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>'],
  ].map(([name, description]) => ({ name, in: 'header', required: true, description, schema: { type: 'string' } }))
  return Object.fromEntries(
    (Object.keys(WEBHOOK_PAYLOADS) as WebhookEventType[]).map((type) => [
      type,
      {
        post: {
          operationId: `webhook_${type.replace('.', '_')}`,
          summary: `The ${type} event`,
          description: 'Sent to every webhook subscribed to the event, signed; answer 2xx within WEBHOOK_TIMEOUT_MS or it is retried with backoff.',
          tags: ['Editor: webhooks'],
          security: [],
          parameters: headers,
          requestBody: { required: true, content: { 'application/json': { schema: componentRefs(webhookEventSchema(type)) } } },
          responses: { '200': { description: 'Any 2xx acknowledges the delivery' } },
        },
      },
    ]),
  )
}
