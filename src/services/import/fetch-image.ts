import { readFile, realpath } from 'node:fs/promises'
import path from 'node:path'
import { guardedRequest } from '../../lib/net-guard.js'
import type { ImageFetcher } from './writer.js'

export interface ImageFetchOptions {
  /** MEDIA_FETCH_ALLOW_PRIVATE: loopback and private addresses allowed (tests, an intranet blog). */
  allowPrivate: boolean
  maxBytes: number
  timeoutMs?: number
  /**
   * A copy of the old site's uploads folder (wp-content/uploads): images are read from it by the
   * part of their URL after `/uploads/`, and the network is never used.
   */
  uploadsDir?: string | undefined
}

/**
 * Where an import's images come from. Remote fetches go through the same SSRF guard as webhooks
 * (every resolved address vetted, redirects vetted again): an export names URLs anyone could
 * have written, including http://169.254.169.254/ or the database's port.
 */
export function createImageFetcher(options: ImageFetchOptions): ImageFetcher {
  const timeoutMs = options.timeoutMs ?? 20_000
  if (options.uploadsDir) {
    const root = path.resolve(options.uploadsDir)
    return async (url) => {
      const pathname = decodeURIComponent(new URL(url).pathname)
      const at = pathname.indexOf('/uploads/')
      if (at === -1) throw new Error('its URL has no /uploads/ part to find it by in the uploads folder')
      const file = path.resolve(root, pathname.slice(at + '/uploads/'.length))
      const real = await realpath(file).catch(() => {
        throw new Error(`${path.relative(root, file)} is not in the uploads folder`)
      })
      const realRoot = await realpath(root)
      if (real !== realRoot && !real.startsWith(realRoot + path.sep)) throw new Error('its path leads out of the uploads folder')
      return readFile(real)
    }
  }
  return async (url) => {
    const response = await guardedRequest(url, { allowPrivate: options.allowPrivate, timeoutMs, maxResponseBytes: options.maxBytes, maxRedirects: 3, headers: { accept: 'image/*' } })
    if (response.status !== 200) throw new Error(`the server answered ${response.status}`)
    return response.body
  }
}
