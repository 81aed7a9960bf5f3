import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { Readable } from 'node:stream'

/**
 * Where media files live. Keys are content-hashed (`<hash>-<name>.<ext>`), so a stored object
 * never changes and can be cached forever. Local disk under DATA_DIR is the embedded default.
 */
export interface MediaStorage {
  readonly kind: string
  put(key: string, bytes: Buffer, contentType: string): Promise<void>
  open(key: string): Promise<{ stream: Readable; size: number; contentType: string } | null>
  exists(key: string): Promise<boolean>
  delete(key: string): Promise<void>
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

export function createLocalStorage(directory: string): MediaStorage {
  const fileOf = (key: string) => {
    assertKey(key)
    return path.join(directory, key)
  }
  return {
    kind: 'local',
    async put(key, bytes) {
      const file = fileOf(key)
      await mkdir(directory, { recursive: true })
      const temp = `${file}.${process.pid}.${Date.now()}.tmp`
      await writeFile(temp, bytes)
      await rename(temp, file) // readers never see a half-written file
    },
    async open(key) {
      if (!MEDIA_KEY_PATTERN.test(key)) return null
      try {
        const info = await stat(fileOf(key))
        if (!info.isFile()) return null
        return { stream: createReadStream(fileOf(key)), size: info.size, contentType: contentTypeOfKey(key) }
      } catch {
        return null
      }
    },
    async exists(key) {
      try {
        return (await stat(fileOf(key))).isFile()
      } catch {
        return false
      }
    },
    async delete(key) {
      await rm(fileOf(key), { force: true })
    },
  }
}

export function createStorage(config: { mediaDir: string }): MediaStorage {
  return createLocalStorage(config.mediaDir)
}
