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
