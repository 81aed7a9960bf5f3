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

export function sanitizeBodyHtml(html: string): string {
  return sanitizeHtml(html, SANITIZE_OPTIONS).trim()
}

/** Plain text of (already safe) HTML, with block boundaries kept as whitespace. */
export function htmlToText(html: string): string {
  const spaced = html.replace(BLOCK_BOUNDARY, ' ')
  const stripped = sanitizeHtml(spaced, { allowedTags: [], allowedAttributes: {} })
  return stripped.replace(/&(amp|lt|gt|quot|#39|nbsp);/g, (entity) => ENTITIES[entity] ?? entity).replace(/\s+/g, ' ').trim()
}

/** Source (Markdown or HTML) → what is stored and served: sanitised HTML, plain text, counts. */
export function renderBody(source: string, format: BodyFormat): RenderedBody {
  const rawHtml = format === 'markdown' ? (marked.parse(source) as string) : source
  const html = sanitizeBodyHtml(rawHtml)
  const text = htmlToText(html)
  const wordCount = countWords(text)
  return { html, text, wordCount, readingTimeMinutes: readingTimeMinutes(wordCount) }
}
