import { randomUUID } from 'node:crypto'
import type { MediaRendition } from '../../db/schema/index.js'
import type { MediaRow, MediaUsageRow } from '../../db/repositories/media.js'
import type { Repositories, UnitOfWork } from '../../db/repositories/index.js'
import { AppError } from '../../errors.js'
import type { Clock } from '../../lib/clock.js'
import { QueueFull, type WorkQueue } from '../../lib/work-queue.js'
import type { BodyImage } from '../../lib/markdown.js'
import { pageModeResult, resolvePaging, type PageResult, type PagingQuery } from '../../lib/pagination.js'
import type { Precondition } from '../preconditions.js'
import type { MediaBody, MediaUsageBody } from '../../schemas/media.js'
import { isPublicState } from '../articles/workflow.js'
import { forbid, isStaff, owns, type Actor } from '../actor.js'
import { audit } from '../audit.js'
import type { ContentEvents } from '../events.js'
import { contentKey, type MediaStorage } from '../storage.js'
import type { Permalinks } from '../permalinks.js'
import { articleEvent, queueWebhookEvent } from '../webhook-events.js'
import { IMAGE_CONTENT_TYPES, IMAGE_EXTENSIONS, processImage, type EncodedImage, type ImageLimits, type ProcessedImage, type RenditionOptions } from './images.js'

export interface MediaMetadataInput {
  alt?: string | undefined
  caption?: string | null | undefined
  credit?: string | null | undefined
  focal_point?: { x: number; y: number } | null | undefined
}

export interface MediaListQuery extends PagingQuery {
  q?: string | undefined
  format?: string | undefined
  mine?: boolean | undefined
}

export interface UploadInput extends MediaMetadataInput {
  bytes: Buffer
  filename: string
}

export function presentMedia(row: MediaRow): MediaBody {
  return {
    id: row.id,
    url: row.url,
    filename: row.filename,
    format: row.format as MediaBody['format'],
    content_type: IMAGE_CONTENT_TYPES[row.format as keyof typeof IMAGE_CONTENT_TYPES] ?? 'application/octet-stream',
    width: row.width,
    height: row.height,
    bytes: row.bytes,
    alt: row.alt,
    caption: row.caption,
    credit: row.credit,
    focal_point: row.focalX !== null && row.focalY !== null ? { x: row.focalX, y: row.focalY } : null,
    renditions: row.renditions.map((r) => ({ url: r.url, width: r.width, height: r.height, format: r.format })),
    created_by: row.createdBy,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
    version: row.version,
  }
}

/** How a body shows an item: the full-width fallback as `src`, the WebP renditions as `srcset`. */
export function bodyImageOf(row: Pick<MediaRow, 'url' | 'width' | 'height' | 'renditions'>): BodyImage {
  const webp = row.renditions.filter((r) => r.format === 'webp')
  const fallback = row.renditions.filter((r) => r.format !== 'webp').at(-1)
  return {
    src: fallback?.url ?? row.url,
    srcset: webp.map((r) => `${r.url} ${r.width}w`).join(', '),
    width: row.width,
    height: row.height,
  }
}

/** A file-name stem safe for keys: what the editor called it, for humans reading URLs. */
export function fileStem(filename: string): string {
  const base = filename.replace(/\.[A-Za-z0-9]{1,5}$/, '')
  return base.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'image'
}

export interface StoredImage {
  originalKey: string
  url: string
  bytes: number
  renditions: MediaRendition[]
}

/** The storage key of one encoded file of an image (`suffix`: `original`, `320w`, …). */
export type KeyOf = (encoded: EncodedImage, suffix: string) => string

/**
 * Content-hashed keys named after the item: `name` makes them unique to it (two uploads of one
 * photo would otherwise share files that deleting one of them would remove).
 */
export const uploadKeys = (name: string): KeyOf => (encoded, suffix) => contentKey(encoded.bytes, `${name}-${suffix}`, IMAGE_EXTENSIONS[encoded.format])

/** Writes a processed image's files; on a failure, what was written is removed again. */
export async function storeProcessed(storage: MediaStorage, image: ProcessedImage, keyOf: KeyOf): Promise<StoredImage> {
  const written: string[] = []
  const put = async (encoded: EncodedImage, suffix: string) => {
    const key = keyOf(encoded, suffix)
    await storage.put(key, encoded.bytes, IMAGE_CONTENT_TYPES[encoded.format])
    written.push(key)
    return key
  }
  try {
    const originalKey = await put(image.original, 'original')
    const renditions: MediaRendition[] = []
    for (const r of image.renditions) {
      const key = await put(r, `${r.width}w`)
      renditions.push({ key, url: storage.urlFor(key), width: r.width, height: r.height, format: r.format as MediaRendition['format'] })
    }
    return { originalKey, url: storage.urlFor(originalKey), bytes: image.original.bytes.length, renditions }
  } catch (error) {
    await removeFiles(storage, written)
    throw error
  }
}

export async function removeFiles(storage: MediaStorage, keys: string[]): Promise<void> {
  await Promise.allSettled(keys.map((key) => storage.delete(key)))
}

export const filesOf = (row: Pick<MediaRow, 'originalKey' | 'renditions'>) => [row.originalKey, ...row.renditions.map((r) => r.key)]

/** 503 with Retry-After: every processing slot is taken and the queue for them is full. */
export function processingBusy(retryAfterSeconds: number): AppError {
  return new AppError('SERVICE_UNAVAILABLE', `Too many images are being processed right now; retry in ${retryAfterSeconds} s`, {
    headers: { 'retry-after': String(retryAfterSeconds) },
  })
}

/** Splits usages into those the actor may read and a count of the others. */
function readableUsage(actor: Actor, used: MediaUsageRow[]): { readable: MediaUsageRow[]; others: number } {
  const readable = isStaff(actor) ? used : used.filter((u) => owns(actor, u))
  return { readable, others: used.length - readable.length }
}

export function createMediaLibrary(deps: {
  uow: UnitOfWork
  clock: Clock
  events: ContentEvents
  storage: MediaStorage
  limits: ImageLimits & RenditionOptions
  /** Bounds image processing (CPU and memory) in this process; uploads beyond it are refused with 503. */
  processing: WorkQueue
  publicUrl: string
  permalinks: Permalinks
  kickOutbox: () => void
  log?: { warn(object: unknown, message: string): void }
}) {
  const { uow, clock, events, storage, limits } = deps

  async function load(repos: Repositories, id: string, lock = false): Promise<MediaRow> {
    const row = lock ? await repos.media.lockById(id) : await repos.media.findById(id)
    if (!row) throw new AppError('NOT_FOUND', 'No media item has this id')
    return row
  }

  function mayChange(actor: Actor, row: MediaRow, what: string): void {
    if (!isStaff(actor) && row.createdBy !== actor.id) forbid(`Only editors can ${what} media uploaded by someone else`)
  }

  function checkVersion(row: MediaRow, precondition: Precondition): void {
    if (precondition.version === '*' || precondition.version === row.version) return
    throw new AppError(
      precondition.via === 'if-match' ? 'PRECONDITION_FAILED' : 'VERSION_CONFLICT',
      `The media item is at version ${row.version}; your copy is version ${precondition.version}`,
    )
  }

  /**
   * Public articles showing the item change when it does: their caches are emptied and webhooks
   * get `article.updated` with the articles' purge keys.
   */
  async function notifyArticles(repos: Repositories, used: MediaUsageRow[]): Promise<string[]> {
    const now = clock.now()
    const changed: string[] = []
    const presentation = { publicUrl: deps.publicUrl, now, links: await deps.permalinks.within(repos) }
    for (const usage of used) {
      const row = await repos.articles.findById(usage.id)
      if (!row || !isPublicState(row, now)) continue
      changed.push(row.id)
      await queueWebhookEvent(repos, now, articleEvent('article.updated', row, row, presentation))
    }
    return changed
  }

  function emitArticleChanges(ids: string[]): void {
    for (const id of ids) events.emit({ kind: 'article', action: 'updated', id })
    if (ids.length > 0) deps.kickOutbox()
  }

  const metadataValues = (input: MediaMetadataInput) => ({
    ...(input.alt !== undefined ? { alt: input.alt.trim() } : {}),
    ...(input.caption !== undefined ? { caption: input.caption?.trim() || null } : {}),
    ...(input.credit !== undefined ? { credit: input.credit?.trim() || null } : {}),
    ...(input.focal_point !== undefined ? { focalX: input.focal_point?.x ?? null, focalY: input.focal_point?.y ?? null } : {}),
  })

  return {
    /** The processing queue, so the upload route can refuse before it reads a body it could not process. */
    processing: deps.processing,

    async upload(actor: Actor, input: UploadInput): Promise<MediaBody> {
      const processed = await deps.processing.run(() => processImage(input.bytes, limits, limits)).catch((error: unknown) => {
        throw error instanceof QueueFull ? processingBusy(error.retryAfterSeconds) : error
      })
      const id = randomUUID()
      // Files first, then the row: a row never points at missing files; a failed insert removes them.
      const stored = await storeProcessed(storage, processed, uploadKeys(`${fileStem(input.filename)}-${id.slice(0, 8)}`))
      try {
        const now = clock.now()
        const row = await uow.transaction(async (repos) => {
          const inserted = await repos.media.insert({
            id,
            filename: input.filename.slice(0, 255),
            format: processed.format,
            width: processed.width,
            height: processed.height,
            bytes: stored.bytes,
            originalKey: stored.originalKey,
            url: stored.url,
            renditions: stored.renditions,
            alt: '',
            ...metadataValues(input),
            createdBy: actor.id,
            createdAt: now,
            updatedAt: now,
          })
          await audit(repos, actor, { action: 'media.upload', entityType: 'media', entityId: id, summary: `Uploaded ${inserted.filename} (${processed.format}, ${processed.width}×${processed.height})` })
          return inserted
        })
        return presentMedia(row)
      } catch (error) {
        await removeFiles(storage, filesOf(stored))
        throw error
      }
    },

    async list(actor: Actor, query: MediaListQuery): Promise<PageResult<MediaBody>> {
      const paging = resolvePaging(query, { allowCursor: false })
      const offset = paging.mode === 'page' ? paging.offset : 0
      const page = paging.mode === 'page' ? paging.page : 1
      const filter = { q: query.q, format: query.format, createdBy: query.mine ? actor.id : undefined }
      const [rows, total] = await Promise.all([uow.repos.media.list(filter, { limit: paging.limit, offset }), uow.repos.media.count(filter)])
      const result = pageModeResult(rows, { limit: paging.limit, page, offset }, total)
      return { ...result, items: result.items.map(presentMedia) }
    },

    async get(_actor: Actor, id: string): Promise<MediaBody> {
      return presentMedia(await load(uow.repos, id))
    },

    async update(actor: Actor, id: string, precondition: Precondition, input: MediaMetadataInput): Promise<MediaBody> {
      const { row, changed } = await uow.transaction(async (repos) => {
        const current = await load(repos, id, true)
        mayChange(actor, current, 'edit')
        checkVersion(current, precondition)
        const saved = await repos.media.update(id, current.version, { ...metadataValues(input), updatedAt: clock.now() })
        if (!saved) throw new AppError('PRECONDITION_FAILED', 'The media item changed while saving; reload it')
        const changed = await notifyArticles(repos, await repos.media.usage(id))
        await audit(repos, actor, { action: 'media.update', entityType: 'media', entityId: id, summary: `Updated ${saved.filename} (v${saved.version}): ${Object.keys(input).join(', ')}` })
        return { row: saved, changed }
      })
      emitArticleChanges(changed)
      return presentMedia(row)
    },

    /** Refused (409) while an article uses the item, unless forced: then those articles lose it. */
    async delete(actor: Actor, id: string, options: { force: boolean; precondition: Precondition | undefined }): Promise<void> {
      const { row, changed } = await uow.transaction(async (repos) => {
        const current = await load(repos, id, true)
        mayChange(actor, current, 'delete')
        if (options.precondition) checkVersion(current, options.precondition)
        const used = await repos.media.usage(id)
        if (used.length > 0 && !options.force) {
          const { readable, others } = readableUsage(actor, used)
          const titles = readable.slice(0, 5).map((u) => `"${u.title}"`)
          if (readable.length > 5) titles.push('…')
          if (others > 0) titles.push(`${others} you cannot see`)
          throw new AppError('IN_USE', `The media item is used by ${used.length} article(s): ${titles.join(', ')}. See its usage, or delete with ?force=true`)
        }
        // Cleared first, so the articles' `article.updated` events show them without the image.
        await repos.media.clearFeatured(id)
        const changed = await notifyArticles(repos, used)
        await repos.media.delete(id)
        await audit(repos, actor, { action: 'media.delete', entityType: 'media', entityId: id, summary: `Deleted ${current.filename}${used.length > 0 ? ` (forced; used by ${used.length} article(s))` : ''}` })
        return { row: current, changed }
      })
      emitArticleChanges(changed)
      // After the commit: a rolled-back delete must not lose its files. A failure here leaves orphans, not broken rows.
      await removeFiles(storage, filesOf(row))
    },

    /**
     * The articles showing the item that the caller may read (the rule of GET /v1/admin/articles/{id}:
     * staff read all, others their own); the rest are only counted.
     */
    async usage(actor: Actor, id: string): Promise<{ items: MediaUsageBody[]; others: number }> {
      await load(uow.repos, id)
      const { readable, others } = readableUsage(actor, await uow.repos.media.usage(id))
      return {
        items: readable.map((u) => ({
          id: u.id,
          slug: u.slug,
          title: u.title,
          status: u.status,
          section: u.sectionSlug,
          featured_image: u.featured,
          body: u.body,
        })),
        others,
      }
    },
  }
}

export type MediaLibrary = ReturnType<typeof createMediaLibrary>
