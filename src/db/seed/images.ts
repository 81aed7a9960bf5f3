import sharp from 'sharp'
import { contentKey, type MediaStorage } from '../../services/storage.js'

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
  return `<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="675"><defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${from}"/><stop offset="1" stop-color="${to}"/></linearGradient></defs><rect width="1200" height="675" fill="url(#g)"/><text x="64" y="110" font-family="DejaVu Sans, sans-serif" font-weight="bold" font-size="34" fill="#f2c14e" letter-spacing="4">${escapeXml(section.name.toUpperCase())}</text><text font-family="DejaVu Serif, serif" font-size="56" fill="#ffffff">${tspans}</text><text x="64" y="620" font-family="DejaVu Sans, sans-serif" font-size="26" fill="#9fb3c8">${escapeXml(siteTitle)}</text></svg>`
}

/** Renders the card to WebP and stores it; the same card is rendered once and reused. */
export async function storeDemoCard(storage: MediaStorage, svg: string, name: string): Promise<string> {
  const key = contentKey(svg, name, 'webp')
  if (!(await storage.exists(key))) {
    const bytes = await sharp(Buffer.from(svg)).webp({ quality: 82 }).toBuffer()
    await storage.put(key, bytes, 'image/webp')
  }
  return key
}
