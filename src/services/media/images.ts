import type { Metadata, Sharp } from 'sharp'
import { loadSharp } from '../../lib/sharp.js'
import { AppError } from '../../errors.js'

export type ImageFormat = 'jpeg' | 'png' | 'webp' | 'avif' | 'gif'

export const IMAGE_EXTENSIONS: Record<ImageFormat, string> = { jpeg: 'jpg', png: 'png', webp: 'webp', avif: 'avif', gif: 'gif' }
export const IMAGE_CONTENT_TYPES: Record<ImageFormat, string> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  avif: 'image/avif',
  gif: 'image/gif',
}

const startsWith = (bytes: Buffer, signature: number[], offset = 0) =>
  bytes.length >= offset + signature.length && signature.every((b, i) => bytes[offset + i] === b)
const ascii = (bytes: Buffer, start: number, end: number) => bytes.subarray(start, end).toString('latin1')

/**
 * The format the bytes say they are, from their magic numbers; the file name and the declared
 * content type are never consulted. SVG (XML text), HTML and everything else is null.
 */
export function sniffImageFormat(bytes: Buffer): ImageFormat | null {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpeg'
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png'
  if (ascii(bytes, 0, 6) === 'GIF87a' || ascii(bytes, 0, 6) === 'GIF89a') return 'gif'
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP') return 'webp'
  if (bytes.length >= 16 && ascii(bytes, 4, 8) === 'ftyp') {
    // ISO BMFF: the major brand, then compatible brands, up to the end of the ftyp box.
    const boxSize = Math.min(bytes.readUInt32BE(0), bytes.length, 256)
    for (let at = 8; at + 4 <= boxSize; at += 4) {
      if (at === 12) continue // minor version, not a brand
      const brand = ascii(bytes, at, at + 4)
      if (brand === 'avif' || brand === 'avis') return 'avif'
    }
  }
  return null
}

/** What libvips calls each format we accept (AVIF is read by the HEIF loader). */
const SHARP_FORMATS: Record<ImageFormat, string> = { jpeg: 'jpeg', png: 'png', webp: 'webp', avif: 'heif', gif: 'gif' }

export interface ImageLimits {
  maxPixels: number
}

export interface InspectedImage {
  format: ImageFormat
  /** As displayed: EXIF orientation applied (90° rotations swap width and height). */
  width: number
  height: number
}

const refuse = (detail: string): never => {
  throw new AppError('UNSUPPORTED_MEDIA_TYPE', detail)
}
const unprocessable = (detail: string): never => {
  throw new AppError('UNPROCESSABLE', detail, { invalidParams: [{ name: 'body.file', reason: detail }] })
}

/**
 * Checks an upload before any pixel is decoded: the magic numbers name an accepted format, libvips
 * reads the same format from the header, and width × height is within the pixel budget (a 20,000 ×
 * 20,000 PNG of a few kilobytes would otherwise need 1.6 GB to decode).
 */
export async function inspectImage(bytes: Buffer, limits: ImageLimits): Promise<InspectedImage> {
  const format = sniffImageFormat(bytes) ?? refuse('The file is not a JPEG, PNG, WebP, AVIF or GIF image (detected from its content, not its name)')
  const sharp = await loadSharp()
  let metadata: Metadata
  try {
    metadata = await sharp(bytes, { limitInputPixels: false, pages: 1 }).metadata()
  } catch {
    return unprocessable(`The file starts like a ${format.toUpperCase()} image but cannot be read as one`)
  }
  if (metadata.format !== SHARP_FORMATS[format] || (format === 'avif' && metadata.compression !== 'av1')) {
    return refuse(`The file's content does not match its ${format.toUpperCase()} signature`)
  }
  const width = metadata.width ?? 0
  const height = metadata.height ?? 0
  if (width < 1 || height < 1) return unprocessable('The image has no dimensions')
  if (width * height > limits.maxPixels) {
    return unprocessable(`The image is ${width}×${height} pixels; at most ${limits.maxPixels} pixels are accepted`)
  }
  const swapped = (metadata.orientation ?? 1) >= 5
  return { format, width: swapped ? height : width, height: swapped ? width : height }
}

export interface EncodedImage {
  bytes: Buffer
  width: number
  height: number
  format: ImageFormat
}

export interface ProcessedImage extends InspectedImage {
  /** The original, re-encoded in its own format: orientation applied, EXIF/GPS/XMP dropped. */
  original: EncodedImage
  /** WebP and the fallback format at each configured width below the original's, and at its own. */
  renditions: EncodedImage[]
}

export interface RenditionOptions {
  widths: number[]
  fallbackFormat: 'jpeg' | 'avif'
}

/** The widths to make for an image `width` pixels wide: never upscaled, the full width always. */
export function renditionWidths(width: number, widths: number[]): number[] {
  return [...new Set([...widths.filter((w) => w < width), width])].sort((a, b) => a - b)
}

function encode(pipeline: Sharp, format: ImageFormat): Sharp {
  switch (format) {
    case 'jpeg':
      return pipeline.flatten({ background: '#ffffff' }).jpeg({ quality: 82, mozjpeg: true })
    case 'png':
      return pipeline.png()
    case 'webp':
      return pipeline.webp({ quality: 80 })
    case 'avif':
      return pipeline.avif({ quality: 55, effort: 2 })
    case 'gif':
      return pipeline.gif()
  }
}

/**
 * Decodes (within the pixel budget) and re-encodes everything that will be served. Uploaded bytes
 * are never stored as such: re-encoding drops every metadata block (EXIF with GPS, XMP, comments)
 * and any data smuggled after or inside the image (polyglots). Animated GIFs keep their first frame.
 */
export async function processImage(bytes: Buffer, limits: ImageLimits, options: RenditionOptions): Promise<ProcessedImage> {
  const inspected = await inspectImage(bytes, limits)
  const sharp = await loadSharp()
  const base = sharp(bytes, { limitInputPixels: limits.maxPixels, failOn: 'error', pages: 1 }).rotate()
  const run = async (pipeline: Sharp, format: ImageFormat): Promise<EncodedImage> => {
    const { data, info } = await encode(pipeline, format).toBuffer({ resolveWithObject: true })
    return { bytes: data, width: info.width, height: info.height, format }
  }
  try {
    const original = await run(base.clone(), inspected.format)
    const renditions: EncodedImage[] = []
    for (const width of renditionWidths(original.width, options.widths)) {
      const resized = () => (width === original.width ? base.clone() : base.clone().resize({ width, withoutEnlargement: true }))
      renditions.push(await run(resized(), 'webp'), await run(resized(), options.fallbackFormat))
    }
    return { ...inspected, width: original.width, height: original.height, original, renditions }
  } catch (error) {
    if (error instanceof AppError) throw error
    // libvips failed on the content (truncated, corrupt, over the pixel limit): the client's file.
    return unprocessable(`The image cannot be decoded: ${String((error as Error).message ?? error).split('\n')[0]?.slice(0, 200)}`)
  }
}
