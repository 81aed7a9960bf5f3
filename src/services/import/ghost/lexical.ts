/**
 * Ghost's Lexical document → HTML, for posts exported without their rendered `html`. Covers the
 * nodes a news article is made of (paragraphs, headings, text formats, links, lists, quotes,
 * images, rules, line breaks); any other node is reported through `unknown` and left out. The
 * result is sanitised afterwards like any body. Pure: no I/O.
 */
interface LexicalNode {
  type?: string
  children?: LexicalNode[]
  text?: string
  format?: number | string
  tag?: string
  listType?: string
  url?: string
  src?: string
  alt?: string
  altText?: string
  caption?: string
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

// Lexical's text format bits.
const FORMATS: [number, string][] = [
  [1, 'strong'],
  [2, 'em'],
  [4, 's'],
  [8, 'u'],
  [16, 'code'],
  [32, 'sub'],
  [64, 'sup'],
]

export function lexicalToHtml(document: unknown, unknown: (type: string) => void): string {
  const root = (document as { root?: LexicalNode } | null)?.root
  if (!root || !Array.isArray(root.children)) throw new Error('not a Lexical document')
  const children = (node: LexicalNode) => (node.children ?? []).map(render).join('')
  function render(node: LexicalNode): string {
    switch (node.type) {
      case 'text':
      case 'extended-text': {
        let html = escapeHtml(node.text ?? '')
        const format = typeof node.format === 'number' ? node.format : 0
        for (const [bit, tag] of FORMATS) if (format & bit) html = `<${tag}>${html}</${tag}>`
        return html
      }
      case 'linebreak':
        return '<br>'
      case 'paragraph':
        return `<p>${children(node)}</p>`
      case 'heading':
      case 'extended-heading': {
        const tag = /^h[1-6]$/.test(node.tag ?? '') ? node.tag! : 'h2'
        return `<${tag}>${children(node)}</${tag}>`
      }
      case 'quote':
      case 'extended-quote':
      case 'aside':
        return `<blockquote>${children(node)}</blockquote>`
      case 'list': {
        const tag = node.listType === 'number' || node.tag === 'ol' ? 'ol' : 'ul'
        return `<${tag}>${children(node)}</${tag}>`
      }
      case 'listitem':
        return `<li>${children(node)}</li>`
      case 'link':
      case 'autolink':
        return `<a href="${escapeHtml(node.url ?? '')}">${children(node)}</a>`
      case 'horizontalrule':
        return '<hr>'
      case 'image': {
        const img = `<img src="${escapeHtml(node.src ?? '')}" alt="${escapeHtml(node.altText ?? node.alt ?? '')}">`
        // Ghost stores the caption as HTML; the body sanitiser keeps what is allowed of it.
        return node.caption ? `<figure>${img}<figcaption>${node.caption}</figcaption></figure>` : `<figure>${img}</figure>`
      }
      default:
        unknown(String(node.type))
        return ''
    }
  }
  return children(root)
}
