import { promisify } from 'node:util'
import zlib from 'node:zlib'

/** The content codings this API sends, best first (brotli is smaller at the same cost). */
export type Coding = 'br' | 'gzip'
const CODINGS: readonly Coding[] = ['br', 'gzip']

/** Text formats worth compressing: JSON (problem+json, feed+json), XML (RSS, sitemaps), HTML, CSS, JS. */
const COMPRESSIBLE = /^(?:text\/|application\/(?:[\w.+-]*\+)?(?:json|xml)\b|application\/javascript\b|image\/svg\+xml\b)/i

export function isCompressible(contentType: unknown): boolean {
  return typeof contentType === 'string' && COMPRESSIBLE.test(contentType)
}

const negotiated = new Map<string, Coding | null>()

/**
 * The coding to send for an Accept-Encoding header (RFC 9110 §12.5.3), or null for none
 * (identity). The highest non-zero q-value wins; on a tie, br before gzip before identity, which
 * competes only when the header weighs it. `*` stands for every coding the header does not name;
 * `x-gzip` is gzip. No header means identity: a client that did not ask may not decode. When
 * nothing is acceptable, identity included (`identity;q=0`), the header is disregarded and
 * identity sent, as §12.5.3 allows.
 */
export function negotiateCoding(header: string | string[] | undefined): Coding | null {
  if (header === undefined) return null
  const value = Array.isArray(header) ? header.join(',') : header
  const known = negotiated.get(value)
  if (known !== undefined) return known
  const result = parseAndPick(value)
  // Clients send a handful of distinct headers; a bound keeps a hostile variety from growing it.
  if (negotiated.size >= 256) negotiated.clear()
  negotiated.set(value, result)
  return result
}

function parseAndPick(value: string): Coding | null {
  const q = new Map<string, number>()
  for (const part of value.split(',')) {
    const [rawName = '', ...params] = part.split(';')
    const name = rawName.trim().toLowerCase()
    if (!name) continue
    let weight = 1
    for (const param of params) {
      // A weight that is not a number refuses the coding rather than granting it full weight.
      const match = /^\s*q\s*=\s*(\S*)\s*$/i.exec(param)
      if (match) weight = Math.min(1, Math.max(0, Number(match[1]) || 0))
    }
    const coding = name === 'x-gzip' ? 'gzip' : name
    q.set(coding, Math.max(weight, q.get(coding) ?? 0))
  }
  const star = q.get('*')
  let best: Coding | null = null
  let bestWeight = 0
  for (const coding of CODINGS) {
    const weight = q.get(coding) ?? star ?? 0
    if (weight > bestWeight) {
      best = coding
      bestWeight = weight
    }
  }
  // Identity competes only with a weight of its own; otherwise it is the fallback.
  const identity = q.get('identity')
  return best !== null && (identity === undefined || bestWeight >= identity) ? best : null
}

/**
 * The entity tag of an encoded representation: a strong ETag must differ per content coding
 * (RFC 9110 §8.8.3), so the coding is appended inside the quotes (`"abc"` → `"abc-br"`).
 */
export function codedEtag(etag: string, coding: Coding | null): string {
  return coding === null || !etag.endsWith('"') ? etag : `${etag.slice(0, -1)}-${coding}"`
}

export interface CompressionOptions {
  brotliQuality: number
  gzipLevel: number
}

const brotli = promisify(zlib.brotliCompress)
const gzip = promisify(zlib.gzip)

/**
 * Bodies up to this size are encoded on the event loop: for them the trip to libuv's thread pool
 * and the stream machinery of zlib's async calls cost more CPU than the encoding itself. Larger
 * ones go to the thread pool, so a long encoding never holds up other requests.
 */
const SYNC_MAX_BYTES = 32 * 1024

/** The smallest window that holds the whole body: same output, far less memory to set up per call. */
const windowBits = (length: number, min: number, max: number) => Math.max(min, Math.min(max, Math.ceil(Math.log2(length + 1))))

export function createEncoder(options: CompressionOptions) {
  const brotliOptions = (length: number): zlib.BrotliOptions => ({
    params: {
      [zlib.constants.BROTLI_PARAM_QUALITY]: options.brotliQuality,
      [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT,
      [zlib.constants.BROTLI_PARAM_SIZE_HINT]: length,
      [zlib.constants.BROTLI_PARAM_LGWIN]: windowBits(length, zlib.constants.BROTLI_MIN_WINDOW_BITS, zlib.constants.BROTLI_DEFAULT_WINDOW),
    },
  })
  const gzipOptions = (length: number): zlib.ZlibOptions => ({ level: options.gzipLevel, windowBits: windowBits(length, 9, 15) })
  return (body: Buffer, coding: Coding): Promise<Buffer> => {
    if (body.length <= SYNC_MAX_BYTES) {
      try {
        return Promise.resolve(coding === 'br' ? zlib.brotliCompressSync(body, brotliOptions(body.length)) : zlib.gzipSync(body, gzipOptions(body.length)))
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)))
      }
    }
    return coding === 'br' ? brotli(body, brotliOptions(body.length)) : gzip(body, gzipOptions(body.length))
  }
}

export type Encoder = ReturnType<typeof createEncoder>
