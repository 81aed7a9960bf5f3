// What renders article bodies: Markdown (marked) and the HTML sanitiser (sanitize-html, with
// htmlparser2 and postcss), ~0.5 MB of code. Only src/lib/markdown.ts loads it, on the first body
// rendered: a server that only reads never does.
import { Marked } from 'marked'
import sanitizeHtml from 'sanitize-html'
import { countWords, readingTimeMinutes } from './reading-time.js'

export type BodyFormat = 'markdown' | 'html'

export interface RenderedBody {
  html: string
  text: string
  wordCount: number
  readingTimeMinutes: number
}

const marked = new Marked({ gfm: true, breaks: false, async: false })

/** A media library image as a body shows it: `src` for old browsers, WebP `srcset` for the rest. */
export interface BodyImage {
  src: string
  srcset: string
  width: number
  height: number
}

/**
 * The allow-list of what an article body may contain once stored. Everything else (scripts, event
 * handlers, styles, javascript: URLs, forms) is dropped, whoever wrote it: editors' input is
 * untrusted too, because a stolen editor session must not become stored XSS on every reader.
 */
const SANITIZE_OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [
    'p', 'br', 'hr', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'pre', 'code', 'em', 'strong', 'b', 'i', 'u',
    's', 'del', 'ins', 'sub', 'sup', 'mark', 'small', 'abbr', 'cite', 'q', 'ul', 'ol', 'li', 'dl', 'dt', 'dd',
    'a', 'img', 'figure', 'figcaption', 'picture', 'source', 'table', 'thead', 'tbody', 'tfoot', 'tr', 'th', 'td',
    'caption', 'span', 'div', 'aside', 'time',
  ],
  allowedAttributes: {
    a: ['href', 'title', 'rel', 'target'],
    img: ['src', 'srcset', 'sizes', 'alt', 'title', 'width', 'height', 'loading'],
    source: ['srcset', 'sizes', 'type', 'media'],
    code: ['class'],
    th: ['colspan', 'rowspan', 'scope'],
    td: ['colspan', 'rowspan'],
    abbr: ['title'],
    time: ['datetime'],
    ol: ['start', 'reversed'],
    '*': ['id', 'lang', 'dir'],
  },
  allowedClasses: { code: [/^language-[a-z0-9_+-]+$/] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['http', 'https'] },
  allowProtocolRelative: false,
  transformTags: {
    // Markdown "# Heading" would compete with the page title: demote h1 to h2.
    h1: 'h2',
    a: (tagName, attribs) => {
      if (attribs.target === '_blank') attribs.rel = 'noopener noreferrer'
      return { tagName, attribs }
    },
  },
}

const BLOCK_BOUNDARY = /<\/?(p|div|h[1-6]|li|ul|ol|blockquote|pre|figure|figcaption|tr|td|th|table|aside|dt|dd)\b[^>]*>|<br\s*\/?>/gi
const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&nbsp;': ' ' }

/**
 * An `<img src="media:<id>">` becomes the item's URLs (only ids the caller resolved; anything else
 * keeps its media: src, which the scheme allow-list then drops). Runs before the attribute filter,
 * so the URLs it writes are checked like any other.
 */
function withMediaImages(images: ReadonlyMap<string, BodyImage>): sanitizeHtml.IOptions {
  return {
    ...SANITIZE_OPTIONS,
    transformTags: {
      ...SANITIZE_OPTIONS.transformTags,
      img: (tagName, attribs) => {
        const id = /^media:([0-9a-f-]{36})$/i.exec(attribs.src ?? '')?.[1]?.toLowerCase()
        const image = id ? images.get(id) : undefined
        if (!image) return { tagName, attribs }
        const { srcset: _srcset, sizes: _sizes, width: _width, height: _height, ...rest } = attribs
        return {
          tagName,
          attribs: {
            ...rest,
            src: image.src,
            srcset: image.srcset,
            sizes: `(max-width: ${image.width}px) 100vw, ${image.width}px`,
            width: String(image.width),
            height: String(image.height),
            loading: 'lazy',
          },
        }
      },
    },
  }
}

export function sanitizeBodyHtml(html: string, images?: ReadonlyMap<string, BodyImage>): string {
  return sanitizeHtml(html, images && images.size > 0 ? withMediaImages(images) : SANITIZE_OPTIONS).trim()
}

/** Plain text of (already safe) HTML, with block boundaries kept as whitespace. */
export function htmlToText(html: string): string {
  const spaced = html.replace(BLOCK_BOUNDARY, ' ')
  const stripped = sanitizeHtml(spaced, { allowedTags: [], allowedAttributes: {} })
  return stripped.replace(/&(amp|lt|gt|quot|#39|nbsp);/g, (entity) => ENTITIES[entity] ?? entity).replace(/\s+/g, ' ').trim()
}

/** Source (Markdown or HTML) → what is stored and served: sanitised HTML, plain text, counts. */
export function renderBodyNow(source: string, format: BodyFormat, images?: ReadonlyMap<string, BodyImage>): RenderedBody {
  const rawHtml = format === 'markdown' ? (marked.parse(source) as string) : source
  const html = sanitizeBodyHtml(rawHtml, images)
  const text = htmlToText(html)
  const wordCount = countWords(text)
  return { html, text, wordCount, readingTimeMinutes: readingTimeMinutes(wordCount) }
}
