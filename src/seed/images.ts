import { createHash } from 'node:crypto'
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { loadSharp } from '../lib/sharp.js'
import { IMAGE_CONTENT_TYPES, IMAGE_EXTENSIONS, processImage, renditionWidths, type ImageFormat, type RenditionOptions } from '../services/media/images.js'
import { storeProcessed, type KeyOf, type StoredImage } from '../services/media/library.js'
import { contentKey, type MediaStorage } from '../services/storage.js'

export const CARD_WIDTH = 1200
export const CARD_HEIGHT = 675

const SECTION_COLOURS: Record<string, [string, string]> = {
  'asia-pacific': ['#1f3a5f', '#0b1a2e'],
  europe: ['#27445e', '#101f2c'],
  india: ['#5a3417', '#2a1708'],
  'middle-east': ['#5b4a1c', '#2b220b'],
  'north-america': ['#23404a', '#0e1d22'],
  'south-asia': ['#2f4a2a', '#132011'],
  'russia-ukraine-war': ['#4a2430', '#210f15'],
}

const escapeXml = (text: string) =>
  text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] ?? c)

function wrap(text: string, width: number, maxLines: number): string[] {
  const lines: string[] = []
  let line = ''
  for (const word of text.split(/\s+/)) {
    if (line && (line + ' ' + word).length > width) {
      lines.push(line)
      line = word
    } else line = line ? `${line} ${word}` : word
  }
  if (line) lines.push(line)
  if (lines.length > maxLines) {
    const kept = lines.slice(0, maxLines)
    kept[maxLines - 1] = `${kept[maxLines - 1]}…`
    return kept
  }
  return lines
}

/** An original illustration card (section label, headline, masthead) for a demo article. */
export function demoCardSvg(section: { slug: string; name: string }, title: string, siteTitle: string): string {
  const [from, to] = SECTION_COLOURS[section.slug] ?? ['#333333', '#111111']
  const lines = wrap(title, 34, 4)
  const top = 337 - (lines.length * 70) / 2 + 50
  const tspans = lines.map((l, i) => `<tspan x="64" y="${top + i * 70}">${escapeXml(l)}</tspan>`).join('')
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${CARD_WIDTH}" height="${CARD_HEIGHT}"><defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${from}"/><stop offset="1" stop-color="${to}"/></linearGradient></defs><rect width="${CARD_WIDTH}" height="${CARD_HEIGHT}" fill="url(#g)"/><text x="64" y="110" font-family="DejaVu Sans, sans-serif" font-weight="bold" font-size="34" fill="#f2c14e" letter-spacing="4">${escapeXml(section.name.toUpperCase())}</text><text font-family="DejaVu Serif, serif" font-size="56" fill="#ffffff">${tspans}</text><text x="64" y="620" font-family="DejaVu Sans, sans-serif" font-size="26" fill="#9fb3c8">${escapeXml(siteTitle)}</text></svg>`
}

async function readStored(storage: MediaStorage, key: string): Promise<Buffer | null> {
  const file = await storage.open(key)
  if (!file) return null
  const chunks: Buffer[] = []
  for await (const chunk of file.stream) chunks.push(Buffer.from(chunk as Buffer))
  return Buffer.concat(chunks)
}

/**
 * Rendering the cards (SVG text, then every rendition re-encoded, as for an upload) was most of a
 * first start's seeding. A card rendered once on this machine is kept in the system's temporary
 * directory, shared by every DATA_DIR (a new one, a test's, a fresh clone's), under the libvips
 * version and rendition settings that made it; best effort: a cache that cannot be read or written
 * only means rendering again.
 */
function cardCacheDir(sharpVersions: Record<string, string | undefined>, options: RenditionOptions): string {
  const digest = createHash('sha256').update(JSON.stringify([sharpVersions, options.widths, options.fallbackFormat])).digest('hex').slice(0, 16)
  return path.join(os.tmpdir(), `newsroom-demo-cards-${digest}`)
}

/** Only from a directory this user made and nobody else can write to (the temporary directory may be shared). */
async function readCached(dir: string, key: string): Promise<Buffer | null> {
  const owned = await stat(dir).then((s) => s.isDirectory() && (process.getuid === undefined || s.uid === process.getuid()) && (s.mode & 0o022) === 0, () => false)
  return owned ? readFile(path.join(dir, key)).catch(() => null) : null
}

async function writeCached(dir: string, files: { key: string; bytes: Buffer }[]): Promise<void> {
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 })
    for (const { key, bytes } of files) {
      const temporary = path.join(dir, `.${key}.${process.pid}`)
      await writeFile(temporary, bytes)
      await rename(temporary, path.join(dir, key))
    }
  } catch {
    // Not cached: the next first start renders the card again.
  }
}

/**
 * Puts a card through the media pipeline (the same re-encoding and renditions as an upload) and
 * stores its files under keys hashed from the card's SVG, so a card already stored (by an earlier
 * seed, or another test run sharing the directory) is read back instead of rendered again, and a
 * card rendered on this machine before (the card cache above) is copied instead of rendered.
 */
export async function storeDemoCard(storage: MediaStorage, svg: string, name: string, options: RenditionOptions): Promise<StoredImage & { width: number; height: number; format: ImageFormat }> {
  const keyOf: KeyOf = (encoded, suffix) => contentKey(svg, `${name}-${suffix}`, IMAGE_EXTENSIONS[encoded.format])
  const planned = [
    { suffix: 'original', format: 'webp' as const },
    ...renditionWidths(CARD_WIDTH, options.widths).flatMap((w) => [
      { suffix: `${w}w`, format: 'webp' as const },
      { suffix: `${w}w`, format: options.fallbackFormat },
    ]),
  ].map((p) => ({ ...p, key: keyOf({ bytes: Buffer.alloc(0), width: 0, height: 0, format: p.format }, p.suffix) }))

  const sharp = await loadSharp()
  const cache = cardCacheDir(sharp.versions as Record<string, string | undefined>, options)
  const existing = await Promise.all(planned.map((p) => readStored(storage, p.key)))
  if (existing.some((bytes) => bytes === null)) {
    const cached = await Promise.all(planned.map((p, i) => existing[i] ?? readCached(cache, p.key)))
    if (cached.every((bytes) => bytes !== null)) {
      await Promise.all(planned.map((p, i) => (existing[i] ? undefined : storage.put(p.key, cached[i]!, IMAGE_CONTENT_TYPES[p.format]))))
      existing.splice(0, existing.length, ...cached)
    }
  }
  if (existing.every((bytes) => bytes !== null)) {
    const sizes = await Promise.all(existing.map(async (bytes) => ({ bytes: bytes!, meta: await sharp(bytes!).metadata() })))
    const [original, ...renditions] = planned.map((p, i) => ({ ...p, ...sizes[i]! }))
    return {
      format: 'webp',
      width: original!.meta.width ?? CARD_WIDTH,
      height: original!.meta.height ?? CARD_HEIGHT,
      originalKey: original!.key,
      url: storage.urlFor(original!.key),
      bytes: original!.bytes.length,
      renditions: renditions.map((r) => ({ key: r.key, url: storage.urlFor(r.key), width: r.meta.width ?? 0, height: r.meta.height ?? 0, format: r.format })),
    }
  }
  const card = await sharp(Buffer.from(svg)).webp({ quality: 90 }).toBuffer()
  const processed = await processImage(card, { maxPixels: CARD_WIDTH * CARD_HEIGHT }, options)
  const stored = await storeProcessed(storage, processed, keyOf)
  await writeCached(cache, [
    { key: stored.originalKey, bytes: processed.original.bytes },
    ...processed.renditions.map((r) => ({ key: keyOf(r, `${r.width}w`), bytes: r.bytes })),
  ])
  return { ...stored, format: processed.format, width: processed.width, height: processed.height }
}
