import type { BodyFormat, BodyImage, RenderedBody } from './body-renderer.js'

export type { BodyFormat, BodyImage, RenderedBody }

const MEDIA_REFERENCE = /media:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/gi

/** The media library items a body source references (`![alt](media:<id>)` or `<img src="media:<id>">`). */
export function mediaReferences(source: string): string[] {
  return [...new Set([...source.matchAll(MEDIA_REFERENCE)].map((m) => m[1]!.toLowerCase()))]
}

/**
 * Source (Markdown or HTML) → what is stored and served: sanitised HTML, plain text, counts. The
 * renderer (src/lib/body-renderer.ts: marked, sanitize-html) is loaded on the first call, not at
 * start: it was a tenth of the code every start evaluated, and only writes render a body.
 */
export async function renderBody(source: string, format: BodyFormat, images?: ReadonlyMap<string, BodyImage>): Promise<RenderedBody> {
  const { renderBodyNow } = await import('./body-renderer.js')
  return renderBodyNow(source, format, images)
}
