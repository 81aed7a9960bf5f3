import type sharpModule from 'sharp'

let loading: Promise<typeof sharpModule> | undefined

/**
 * sharp (libvips, about 25 MB resident) is loaded on first use, so an API process that never
 * handles an image (most of them, most of the time) does not carry it.
 */
export function loadSharp(): Promise<typeof sharpModule> {
  return (loading ??= import('sharp').then((m) => m.default))
}
