// Characters XML 1.0 forbids outright (most C0 controls); they are dropped, not escaped.
// eslint-disable-next-line no-control-regex
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g

/** Text or attribute content for XML: the five entities escaped, forbidden characters removed. */
export function xmlEscape(value: string): string {
  return value
    .replace(INVALID_XML, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
}

/** RFC 822 date (RSS 2.0). */
export function rfc822(date: Date): string {
  return date.toUTCString()
}

/** `<name attr="…">text</name>`, everything escaped; null/undefined text leaves the element out. */
export function element(name: string, text: string | null | undefined, attributes: Record<string, string> = {}): string {
  if (text === null || text === undefined) return ''
  const attrs = Object.entries(attributes)
    .map(([k, v]) => ` ${k}="${xmlEscape(v)}"`)
    .join('')
  return `<${name}${attrs}>${xmlEscape(text)}</${name}>`
}
