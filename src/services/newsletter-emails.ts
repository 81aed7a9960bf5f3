import type { EmailMessage } from './mailer.js'

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)

/** Every newsletter email carries RFC 8058 one-click unsubscribe headers. */
export function unsubscribeHeaders(unsubscribeUrl: string): Record<string, string> {
  return { 'List-Unsubscribe': `<${unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' }
}

export function confirmationEmail(input: {
  to: string
  name: string | null
  siteTitle: string
  siteTagline: string
  confirmUrl: string
  unsubscribeUrl: string
  preferencesUrl: string
  expiresHours: number
}): EmailMessage {
  const greeting = input.name ? `Hello ${input.name},` : 'Hello,'
  const text = [
    greeting,
    '',
    `Please confirm that you want to receive ${input.siteTitle} updates${input.siteTagline ? ` (${input.siteTagline})` : ''}:`,
    '',
    input.confirmUrl,
    '',
    `The link works once and expires in ${input.expiresHours} hours. If you did not sign up, ignore this email: you will not be subscribed.`,
    '',
    `Choose sections and how often: ${input.preferencesUrl}`,
    `Unsubscribe: ${input.unsubscribeUrl}`,
  ].join('\n')
  const html = `<!doctype html><html><body style="font-family:sans-serif;line-height:1.5">
<p>${escapeHtml(greeting)}</p>
<p>Please confirm that you want to receive <strong>${escapeHtml(input.siteTitle)}</strong> updates${input.siteTagline ? ` (${escapeHtml(input.siteTagline)})` : ''}.</p>
<p><a href="${escapeHtml(input.confirmUrl)}">Confirm my subscription</a></p>
<p style="color:#555">The link works once and expires in ${input.expiresHours} hours. If you did not sign up, ignore this email: you will not be subscribed.</p>
<p style="color:#555;font-size:small"><a href="${escapeHtml(input.preferencesUrl)}">Choose sections and how often</a> · <a href="${escapeHtml(input.unsubscribeUrl)}">Unsubscribe</a></p>
</body></html>`
  return { to: input.to, subject: `Confirm your subscription to ${input.siteTitle}`, text, html, headers: unsubscribeHeaders(input.unsubscribeUrl) }
}

/** Per-recipient links in a rendered article email: replaced at delivery time. */
export const UNSUBSCRIBE_PLACEHOLDER = '{{unsubscribe_url}}'
export const PREFERENCES_PLACEHOLDER = '{{preferences_url}}'

export interface ArticleEmailInput {
  siteTitle: string
  /** The site's address (site.url, or PUBLIC_URL). */
  siteUrl: string
  title: string
  url: string
  excerpt: string
  byline: string
  section: string
  /** A rendition of the featured image (about email width), or null. */
  image: { url: string; alt: string; width: number | null; height: number | null } | null
}

/**
 * An article's email, HTML and plain text, with placeholders for the recipient's own unsubscribe
 * and preferences links. Plain links only: no tracking pixel, no rewritten (click-tracked) URL.
 */
export function articleEmail(input: ArticleEmailInput): { subject: string; html: string; text: string } {
  const text = [
    input.title,
    `${input.section} · by ${input.byline}`,
    '',
    input.excerpt,
    '',
    `Read it: ${input.url}`,
    '',
    '—',
    `${input.siteTitle} · ${input.siteUrl}`,
    `Choose sections and how often: ${PREFERENCES_PLACEHOLDER}`,
    `Unsubscribe: ${UNSUBSCRIBE_PLACEHOLDER}`,
  ].join('\n')
  const image = input.image
    ? `<p><a href="${escapeHtml(input.url)}"><img src="${escapeHtml(input.image.url)}" alt="${escapeHtml(input.image.alt)}"${input.image.width ? ` width="${Math.min(input.image.width, 600)}"` : ''} style="max-width:100%;height:auto;border:0"></a></p>\n`
    : ''
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(input.title)}</title></head><body style="font-family:sans-serif;line-height:1.5;max-width:600px;margin:auto">
<p style="color:#555;font-size:small">${escapeHtml(input.siteTitle)} · ${escapeHtml(input.section)}</p>
<h1 style="font-size:1.6em;margin:0.3em 0"><a href="${escapeHtml(input.url)}" style="color:#111;text-decoration:none">${escapeHtml(input.title)}</a></h1>
<p style="color:#555">By ${escapeHtml(input.byline)}</p>
${image}<p>${escapeHtml(input.excerpt)}</p>
<p><a href="${escapeHtml(input.url)}">Read the article</a></p>
<hr style="border:0;border-top:1px solid #ddd">
<p style="color:#555;font-size:small"><a href="${escapeHtml(input.siteUrl)}">${escapeHtml(input.siteTitle)}</a> · <a href="${PREFERENCES_PLACEHOLDER}">Choose sections and how often</a> · <a href="${UNSUBSCRIBE_PLACEHOLDER}">Unsubscribe</a></p>
</body></html>`
  return { subject: input.title, html, text }
}

/** The recipient's message from a rendered article email (links are URL-safe: no HTML escaping needed). */
export function personalise(email: { subject: string; html: string; text: string }, to: string, links: { unsubscribeUrl: string; preferencesUrl: string }): EmailMessage {
  const fill = (s: string) => s.replaceAll(UNSUBSCRIBE_PLACEHOLDER, links.unsubscribeUrl).replaceAll(PREFERENCES_PLACEHOLDER, links.preferencesUrl)
  return { to, subject: email.subject, html: fill(email.html), text: fill(email.text), headers: unsubscribeHeaders(links.unsubscribeUrl) }
}

export interface DigestEntry {
  title: string
  url: string
  excerpt: string
  byline: string
  section: string
}

/**
 * A daily or weekly digest: the articles (newest first), HTML and plain text, with the same
 * placeholders for the recipient's links as an article email (fill them with `personalise`).
 */
export function digestEmail(input: { siteTitle: string; siteUrl: string; cadence: 'daily' | 'weekly'; articles: DigestEntry[] }): { subject: string; html: string; text: string } {
  const label = input.cadence === 'daily' ? 'Your daily digest' : 'Your weekly digest'
  const count = input.articles.length
  const subject = `${input.siteTitle}: ${label.toLowerCase()} (${count} ${count === 1 ? 'article' : 'articles'})`
  const text = [
    `${input.siteTitle} · ${label}`,
    '',
    ...input.articles.flatMap((a) => [a.title, `${a.section} · by ${a.byline}`, a.excerpt, `Read it: ${a.url}`, '']),
    '—',
    `${input.siteTitle} · ${input.siteUrl}`,
    `Choose sections and how often: ${PREFERENCES_PLACEHOLDER}`,
    `Unsubscribe: ${UNSUBSCRIBE_PLACEHOLDER}`,
  ].join('\n')
  const items = input.articles
    .map(
      (a) => `<h2 style="font-size:1.2em;margin:1em 0 0.2em"><a href="${escapeHtml(a.url)}" style="color:#111;text-decoration:none">${escapeHtml(a.title)}</a></h2>
<p style="color:#555;font-size:small;margin:0">${escapeHtml(a.section)} · by ${escapeHtml(a.byline)}</p>
<p style="margin:0.3em 0">${escapeHtml(a.excerpt)} <a href="${escapeHtml(a.url)}">Read it</a></p>`,
    )
    .join('\n')
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(label)}</title></head><body style="font-family:sans-serif;line-height:1.5;max-width:600px;margin:auto">
<p style="color:#555;font-size:small">${escapeHtml(input.siteTitle)} · ${escapeHtml(label)}</p>
${items}
<hr style="border:0;border-top:1px solid #ddd">
<p style="color:#555;font-size:small"><a href="${escapeHtml(input.siteUrl)}">${escapeHtml(input.siteTitle)}</a> · <a href="${PREFERENCES_PLACEHOLDER}">Choose sections and how often</a> · <a href="${UNSUBSCRIBE_PLACEHOLDER}">Unsubscribe</a></p>
</body></html>`
  return { subject, html, text }
}
