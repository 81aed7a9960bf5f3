/**
 * WordPress post content → HTML our body renderer takes (it is sanitised afterwards like any
 * body). WordPress stores content as it was typed: block-editor comments (`<!-- wp:paragraph -->`),
 * shortcodes, and for the classic editor bare text whose blank lines become paragraphs only when
 * a theme renders it (wpautop). Pure: no I/O.
 */

const BLOCK_COMMENT = /<!--\s*\/?wp:[\s\S]*?-->/g
const SHORTCODE = /\[(\[?)([A-Za-z][\w-]*)((?:\s[^\]]*)?)\](?:([\s\S]*?)\[\/\2\])?(\]?)/g
const BLOCK_START = /^<(p|div|h[1-6]|ul|ol|li|blockquote|figure|table|pre|hr|dl|section|aside|address|iframe|form|details)\b/i
const BARE_URL = /^https?:\/\/[^\s<>"]+$/

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

/** `key="value"` / `key='value'` / `key=value` pairs of a shortcode. */
export function shortcodeAttributes(text: string): Record<string, string> {
  const attrs: Record<string, string> = {}
  for (const m of text.matchAll(/([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"']+))/g)) attrs[m[1]!.toLowerCase()] = m[2] ?? m[3] ?? m[4] ?? ''
  return attrs
}

/** `[caption]<img …> The caption[/caption]` → a figure (the caption may also be an attribute). */
function caption(attrs: Record<string, string>, inner: string): string {
  const image = /(<a\b[^>]*>\s*)?<img\b[^>]*>(\s*<\/a>)?/i.exec(inner)
  if (!image) return inner
  const text = (attrs.caption ?? inner.replace(image[0], '')).trim()
  return `<figure>${image[0]}${text ? `<figcaption>${text}</figcaption>` : ''}</figure>`
}

/** Classic-editor text: blank lines separate paragraphs, single newlines are line breaks. */
function autop(html: string): string {
  return html
    .split(/\n\s*\n/)
    .map((chunk) => chunk.trim())
    .filter(Boolean)
    .map((chunk) => {
      if (BARE_URL.test(chunk)) return `<p><a href="${escapeHtml(chunk)}">${escapeHtml(chunk)}</a></p>`
      if (BLOCK_START.test(chunk)) return chunk
      return `<p>${chunk.replace(/\s*\n\s*/g, '<br>\n')}</p>`
    })
    .join('\n')
}

export interface ConvertedContent {
  html: string
  /** Shortcodes left as text because there is nothing to turn them into (names, once each). */
  unknownShortcodes: string[]
}

export function convertWordpressContent(content: string): ConvertedContent {
  const gutenberg = /<!--\s*wp:/.test(content)
  const unknown = new Set<string>()
  let html = content.replace(BLOCK_COMMENT, '').replace(/\r\n?/g, '\n')
  html = html.replace(SHORTCODE, (whole, open: string, name: string, attrText: string, inner: string | undefined, close: string) => {
    // [[caption]] is how WordPress writes a literal [caption].
    if (open && close) return whole.slice(1, -1)
    const attrs = shortcodeAttributes(attrText)
    switch (name.toLowerCase()) {
      case 'caption':
      case 'wp_caption':
        return open + caption(attrs, inner ?? '') + close
      case 'embed': {
        const url = (inner ?? attrs.src ?? '').trim()
        return open + (/^https?:\/\//.test(url) ? `<a href="${escapeHtml(url)}">${escapeHtml(url)}</a>` : escapeHtml(url)) + close
      }
      default:
        unknown.add(name)
        return whole
    }
  })
  // A URL alone on its line was an embed (oEmbed) in both editors: it stays a link.
  if (gutenberg) html = html.replace(/^(\s*)(https?:\/\/[^\s<>"]+)\s*$/gm, (_m, lead: string, url: string) => `${lead}<p><a href="${escapeHtml(url)}">${escapeHtml(url)}</a></p>`)
  else html = autop(html)
  return { html: html.trim(), unknownShortcodes: [...unknown] }
}

/** The `src` of every image in the HTML, once each, in order. */
export function imageSources(html: string): string[] {
  const out = new Set<string>()
  for (const m of html.matchAll(/<img\b[^>]*?\ssrc\s*=\s*(?:"([^"]*)"|'([^']*)')/gi)) {
    const src = (m[1] ?? m[2] ?? '').replace(/&amp;/g, '&').trim()
    if (/^https?:\/\//i.test(src)) out.add(src)
  }
  return [...out]
}

/** Comment HTML (WordPress allows a few tags) → the plain text comments are stored as. */
export function commentText(html: string): string {
  return html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/p>\s*<p[^>]*>/gi, '\n\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(amp|lt|gt|quot|#039|#39|nbsp);/g, (e) => ({ '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#039;': "'", '&#39;': "'", '&nbsp;': ' ' })[e] ?? e)
    .replace(/\r\n?/g, '\n')
    .trim()
}
