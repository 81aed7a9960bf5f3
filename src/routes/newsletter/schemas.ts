import { Type } from 'typebox'
import { FormEmail, Slug, StringEnum } from '../../schemas/common.js'

export const SubscribeBody = Type.Object(
  {
    // Surrounding whitespace is allowed (and trimmed): forms paste addresses with it.
    email: FormEmail(300),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })),
    sections: Type.Optional(Type.Array(Slug('Section slug'), { maxItems: 50, description: 'Sections of interest; none means everything' })),
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

export const SubscriberStatus = StringEnum(['pending', 'confirmed', 'unsubscribed'])
