import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { Readable } from 'node:stream'
import type * as S3Sdk from '@aws-sdk/client-s3'
import type { S3Client } from '@aws-sdk/client-s3'
import type { S3Config } from '../config.js'

/**
 * Where media files live. Keys are content-hashed (`<hash>-<name>.<ext>`), so a stored object
 * never changes and can be cached forever. Local disk under DATA_DIR is the embedded default.
 */
export interface MediaStorage {
  readonly kind: 'local' | 's3'
  /** The absolute URL readers fetch a stored object from. */
  urlFor(key: string): string
  put(key: string, bytes: Buffer, contentType: string): Promise<void>
  /**
   * The object's bytes (or only `range`, both ends inclusive and within the object), with the
   * object's whole size; null when there is no such object.
   */
  open(key: string, range?: ByteRange): Promise<StoredObject | null>
  /** The object's size in bytes, or null when there is no such object. */
  size(key: string): Promise<number | null>
  exists(key: string): Promise<boolean>
  delete(key: string): Promise<void>
}

/** Bytes `first` to `last` of an object, both inclusive (as in an HTTP Range). */
export interface ByteRange {
  first: number
  last: number
}

export interface StoredObject {
  stream: Readable
  /** The whole object's size, also when only a range is read. */
  size: number
  contentType: string
}

export const MEDIA_KEY_PATTERN = /^[a-z0-9][a-z0-9-]{0,120}\.(webp|avif|jpg|png|gif)$/

export const CONTENT_TYPES: Record<string, string> = {
  webp: 'image/webp',
  avif: 'image/avif',
  jpg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
}

export function contentTypeOfKey(key: string): string {
  return CONTENT_TYPES[key.slice(key.lastIndexOf('.') + 1)] ?? 'application/octet-stream'
}

/** `<first 16 hex of sha256>-<name>.<ext>`: a new file whenever the content changes. */
export function contentKey(content: Buffer | string, name: string, ext: string): string {
  const hash = createHash('sha256').update(content).digest('hex').slice(0, 16)
  const safeName = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'file'
  return `${hash}-${safeName}.${ext}`
}

function assertKey(key: string): void {
  // The pattern has no slash or dot-dot, so a key can never leave the media directory.
  if (!MEDIA_KEY_PATTERN.test(key)) throw new Error(`invalid media key: ${key}`)
}

/** Files served by this API at /media/{key} (local disk; or S3 without a public URL). */
const servedUrl = (publicUrl: string) => (key: string) => `${publicUrl}/media/${key}`

export function createLocalStorage(directory: string, publicUrl = ''): MediaStorage {
  const fileOf = (key: string) => {
    assertKey(key)
    return path.join(directory, key)
  }
  const storage: MediaStorage = {
    kind: 'local',
    urlFor: servedUrl(publicUrl),
    async put(key, bytes) {
      const file = fileOf(key)
      await mkdir(directory, { recursive: true })
      const temp = `${file}.${process.pid}.${Date.now()}.tmp`
      await writeFile(temp, bytes)
      await rename(temp, file) // readers never see a half-written file
    },
    async open(key, range) {
      const size = await storage.size(key)
      if (size === null) return null
      return { stream: createReadStream(fileOf(key), range ? { start: range.first, end: range.last } : {}), size, contentType: contentTypeOfKey(key) }
    },
    async size(key) {
      if (!MEDIA_KEY_PATTERN.test(key)) return null
      try {
        const info = await stat(fileOf(key))
        return info.isFile() ? info.size : null
      } catch {
        return null
      }
    },
    async exists(key) {
      return (await storage.size(key)) !== null
    },
    async delete(key) {
      await rm(fileOf(key), { force: true })
    },
  }
  return storage
}

/**
 * The URL of an object as the bucket serves it when no S3_PUBLIC_URL (CDN) is set and the files
 * are not proxied: path style (<endpoint>/<bucket>/<key>, MinIO) or virtual-hosted
 * (<bucket>.<endpoint host>/<key>, AWS default).
 */
export function s3ObjectUrl(s3: S3Config, key: string): string {
  const endpoint = s3.endpoint ?? `https://s3.${s3.region}.amazonaws.com`
  if (s3.forcePathStyle) return `${endpoint}/${s3.bucket}/${key}`
  const url = new URL(endpoint)
  return `${url.protocol}//${s3.bucket}.${url.host}${url.pathname.replace(/\/+$/, '')}/${key}`
}

/**
 * An S3-compatible object store (AWS S3, MinIO, Cloudflare R2, DigitalOcean Spaces…). Objects are
 * written with an immutable Cache-Control, as their keys are content-hashed. Readers fetch them
 * from S3_PUBLIC_URL (a CDN or public bucket) when set, else through this API's /media/{key},
 * which streams them from the bucket.
 */
export function createS3Storage(s3: S3Config, publicUrl: string, client?: S3Client): MediaStorage {
  // The AWS SDK takes about 0.6 s to load: a process that stores media on disk never loads it, and
  // one that uses S3 loads it on its first media request, not at start.
  let loading: Promise<{ sdk: typeof S3Sdk; api: S3Client }> | undefined
  const connect = () =>
    (loading ??= import('@aws-sdk/client-s3').then((sdk) => ({
      sdk,
      api:
        client ??
        new sdk.S3Client({
          region: s3.region,
          forcePathStyle: s3.forcePathStyle,
          ...(s3.endpoint ? { endpoint: s3.endpoint } : {}),
          ...(s3.credentials ? { credentials: s3.credentials } : {}),
        }),
    })))
  const missing = (error: unknown) => {
    const e = error as { name?: string; $metadata?: { httpStatusCode?: number } }
    return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.$metadata?.httpStatusCode === 404
  }
  const storage: MediaStorage = {
    kind: 's3',
    urlFor: (key) => (s3.publicUrl ? `${s3.publicUrl}/${key}` : servedUrl(publicUrl)(key)),
    async put(key, bytes, contentType) {
      assertKey(key)
      const { sdk, api } = await connect()
      await api.send(
        new sdk.PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: bytes, ContentType: contentType, CacheControl: 'public, max-age=31536000, immutable' }),
      )
    },
    async open(key, range) {
      if (!MEDIA_KEY_PATTERN.test(key)) return null
      const { sdk, api } = await connect()
      try {
        // Always an absolute range (never a suffix `bytes=-n`, which some S3-compatible stores misread).
        const object = await api.send(new sdk.GetObjectCommand({ Bucket: s3.bucket, Key: key, ...(range ? { Range: `bytes=${range.first}-${range.last}` } : {}) }))
        if (!object.Body) return null
        // A ranged answer names the whole size in Content-Range: `bytes 0-99/1234`.
        const total = range ? Number(/\/(\d+)$/.exec(object.ContentRange ?? '')?.[1] ?? Number.NaN) : (object.ContentLength ?? 0)
        if (!Number.isSafeInteger(total)) throw new Error(`S3 answered a range read without the object's size (Content-Range: ${object.ContentRange})`)
        return { stream: object.Body as Readable, size: total, contentType: contentTypeOfKey(key) }
      } catch (error) {
        if (missing(error)) return null
        throw error
      }
    },
    async size(key) {
      if (!MEDIA_KEY_PATTERN.test(key)) return null
      const { sdk, api } = await connect()
      try {
        return (await api.send(new sdk.HeadObjectCommand({ Bucket: s3.bucket, Key: key }))).ContentLength ?? 0
      } catch (error) {
        if (missing(error)) return null
        throw error
      }
    },
    async exists(key) {
      return (await storage.size(key)) !== null
    },
    async delete(key) {
      assertKey(key)
      const { sdk, api } = await connect()
      await api.send(new sdk.DeleteObjectCommand({ Bucket: s3.bucket, Key: key }))
    },
  }
  return storage
}

/** S3 when S3_BUCKET is set, else local disk under MEDIA_DIR. */
export function createStorage(config: { mediaDir: string; publicUrl: string; media: { s3: S3Config | undefined } }): MediaStorage {
  return config.media.s3 ? createS3Storage(config.media.s3, config.publicUrl) : createLocalStorage(config.mediaDir, config.publicUrl)
}
