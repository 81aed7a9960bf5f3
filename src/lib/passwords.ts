import type * as Argon2Module from '@node-rs/argon2'
import { createHash, randomBytes } from 'node:crypto'

type Argon2 = typeof Argon2Module
let argon2: Promise<Argon2> | undefined
/** The native argon2 module (about 10 MB resident) loads on the first login, not at start. */
const loadArgon2 = () => (argon2 ??= import('@node-rs/argon2'))

/** argon2id with the library's defaults (OWASP's m=19 MiB, t=2, p=1). */
export async function hashPassword(password: string): Promise<string> {
  return (await loadArgon2()).hash(password)
}

async function verify(passwordHash: string, password: string): Promise<boolean> {
  return (await loadArgon2()).verify(passwordHash, password)
}

// Verified against when the account does not exist, so a wrong email costs the same time as a
// wrong password and the response time does not reveal which addresses have accounts.
let dummyHash: Promise<string> | undefined

export async function verifyPassword(passwordHash: string | undefined, password: string): Promise<boolean> {
  if (passwordHash === undefined) {
    dummyHash ??= hashPassword(randomBytes(16).toString('hex'))
    await verify(await dummyHash, password).catch(() => false)
    return false
  }
  try {
    return await verify(passwordHash, password)
  } catch {
    return false
  }
}

/** A random secret for URLs and headers (base64url). */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url')
}

/** A readable random password for generated accounts. */
export function randomPassword(): string {
  return randomBytes(15).toString('base64url')
}

/** Opaque tokens are stored as SHA-256: a leaked table gives nothing usable. */
export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex')
}
