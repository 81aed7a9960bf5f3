import { Type } from 'typebox'
import { FormEmail, Nullable, Slug, StringEnum } from '../../schemas/common.js'
import type { Cadence as CadenceValue } from '../../services/newsletter.js'

/** The database's cadences (newsletter_cadence), checked both ways at compile time so the two cannot drift. */
export const CADENCES = ['instant', 'daily', 'weekly'] as const satisfies readonly CadenceValue[]
const everyCadence: Exclude<CadenceValue, (typeof CADENCES)[number]> extends never ? true : never = true
void everyCadence

/** instant: each article as it is sent; daily or weekly: one digest of what was published since the last. */
export const Cadence = StringEnum(CADENCES, { description: 'How often: each article as it is sent (instant), or a daily or weekly digest' })

export const SubscribeBody = Type.Object(
  {
    // Surrounding whitespace is allowed (and trimmed): forms paste addresses with it.
    email: FormEmail(300),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })),
    sections: Type.Optional(Type.Array(Slug('Section slug'), { maxItems: 50, description: 'Sections of interest; none means everything' })),
    cadence: Type.Optional(Cadence),
    source: Type.Optional(Type.String({ minLength: 1, maxLength: 80, description: 'Where the form was (recorded with the consent), e.g. footer' })),
  },
  { additionalProperties: false },
)

export const Accepted = Type.Object(
  {
    data: Type.Object(
      { status: Type.Literal('accepted'), message: Type.String() },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false, description: 'The same answer whether the address is new, pending, confirmed or unsubscribed' },
)

/** Unsubscribe/confirm token format: a random (confirm) or signed (unsubscribe) base64url string. */
export const Token = Type.String({ minLength: 16, maxLength: 200, pattern: '^[A-Za-z0-9._-]+$' })

export const TokenBody = Type.Object({ token: Token }, { additionalProperties: false })

/**
 * Unsubscribe accepts JSON `{ token }`, or the RFC 8058 one-click POST a mail client sends to the
 * List-Unsubscribe URL: form body `List-Unsubscribe=One-Click`, token in the query string.
 */
export const UnsubscribeBody = Type.Object(
  { token: Type.Optional(Token), 'List-Unsubscribe': Type.Optional(Type.Literal('One-Click')) },
  { additionalProperties: false },
)
export const TokenQuery = Type.Object({ token: Type.Optional(Token) }, { additionalProperties: false })

export const StatusOf = (status: string) =>
  Type.Object({ data: Type.Object({ status: Type.Literal(status) }, { additionalProperties: false }) }, { additionalProperties: false })

/** bounced (a permanent SMTP failure or a reported bounce) and complained (a reported complaint) receive nothing. */
export const SubscriberStatus = StringEnum(['pending', 'confirmed', 'unsubscribed', 'bounced', 'complained'])

export const PreferencesQuery = Type.Object({ token: Token }, { additionalProperties: false })

export const PreferencesBody = Type.Object(
  {
    token: Token,
    name: Type.Optional(Nullable(Type.String({ maxLength: 120 }))),
    sections: Type.Optional(Type.Array(Slug('Section slug'), { maxItems: 50, description: 'Sections to follow; an empty list means everything' })),
    cadence: Type.Optional(Cadence),
  },
  { additionalProperties: false },
)

export const PreferencesResponse = Type.Object(
  {
    data: Type.Object(
      {
        email: Type.String(),
        name: Nullable(Type.String()),
        status: SubscriberStatus,
        sections: Type.Array(Type.String(), { description: 'Followed sections; empty means everything' }),
        cadence: Cadence,
        available_sections: Type.Array(Type.Object({ slug: Type.String(), name: Type.String() }, { additionalProperties: false }), { description: 'Every section one may follow, in navigation order' }),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
)
