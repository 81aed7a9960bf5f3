import { createHmac, timingSafeEqual } from 'node:crypto'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/**
 * Tokens that name an id and prove the server issued them: `<id hex>.<HMAC-SHA256 truncated>`.
 * Used for unsubscribe links: they never expire, need no storage, cannot be guessed or forged.
 */
export function createSignedIds(secret: string, purpose: string) {
  const key = createHmac('sha256', secret).update(`purpose:${purpose}`).digest()
  const mac = (id: string) => createHmac('sha256', key).update(id).digest().subarray(0, 18).toString('base64url')
  return {
    sign(id: string): string {
      return `${id.replaceAll('-', '')}.${mac(id)}`
    },
    /** The id, or null for anything this server did not sign. */
    verify(token: string): string | null {
      const match = /^([0-9a-f]{32})\.([A-Za-z0-9_-]{24})$/.exec(token)
      if (!match) return null
      const hex = match[1]!
      const id = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
      if (!UUID.test(id)) return null
      const expected = Buffer.from(mac(id))
      const given = Buffer.from(match[2]!)
      return expected.length === given.length && timingSafeEqual(expected, given) ? id : null
    },
  }
}

export type SignedIds = ReturnType<typeof createSignedIds>
