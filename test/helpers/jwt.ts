import { createHmac, generateKeyPairSync, sign as rsaSign } from 'node:crypto'

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')

/** Hand-made JWTs for the failure cases: any header, any payload, any (or no) signature. */
export function craftJwt(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  signing: { hmac: string; algorithm?: 'sha256' | 'sha512' } | { rsa: true } | { none: true },
): string {
  const input = `${b64(header)}.${b64(payload)}`
  if ('none' in signing) return `${input}.`
  if ('rsa' in signing) {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
    return `${input}.${rsaSign('sha256', Buffer.from(input), privateKey).toString('base64url')}`
  }
  return `${input}.${createHmac(signing.algorithm ?? 'sha256', signing.hmac).update(input).digest('base64url')}`
}
