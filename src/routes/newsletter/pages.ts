import type { FastifyPluginAsync, FastifyReply } from 'fastify'
import { AppError, isAppError } from '../../errors.js'
import type { Cadence as CadenceValue, Preferences } from '../../services/newsletter.js'
import { acceptFormBodies } from './forms.js'

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)
const TOKEN = /^[A-Za-z0-9._-]{16,200}$/

function page(reply: FastifyReply, status: number, title: string, body: string) {
  return reply
    .code(status)
    .header('cache-control', 'private, no-store')
    .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'")
    .header('referrer-policy', 'no-referrer')
    .type('text/html; charset=utf-8')
    .send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><meta name="robots" content="noindex"><title>${escapeHtml(title)}</title><style>body{font-family:sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;line-height:1.5}button{font-size:1rem;padding:.5rem 1rem}</style></head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`,
    )
}

/**
 * The pages the links in newsletter emails open, for sites whose frontend does not host its own
 * (NEWSLETTER_LINK_BASE points elsewhere then). Opening a link (GET) changes nothing — link scanners
 * open links too; the button POSTs. POST /newsletter/unsubscribe is also the RFC 8058 one-click target.
 */
export const newsletterPages: FastifyPluginAsync = async (app) => {
  acceptFormBodies(app)
  const tokenFrom = (value: unknown) => (typeof value === 'string' && TOKEN.test(value) ? value : null)

  for (const action of ['confirm', 'unsubscribe'] as const) {
    const label = action === 'confirm' ? 'Confirm my subscription' : 'Unsubscribe'
    app.get(`/newsletter/${action}`, { schema: { hide: true } }, async (request, reply) => {
      const token = tokenFrom((request.query as { token?: unknown }).token)
      if (!token) return page(reply, 400, 'This link is incomplete', '<p>Open the link from the email again.</p>')
      return page(
        reply,
        200,
        label,
        `<form method="post" action="/newsletter/${action}?token=${encodeURIComponent(token)}"><button type="submit">${label}</button></form>`,
      )
    })

    app.post(`/newsletter/${action}`, { schema: { hide: true } }, async (request, reply) => {
      const token = tokenFrom((request.query as { token?: unknown }).token) ?? tokenFrom((request.body as { token?: unknown } | undefined)?.token)
      try {
        if (!token) throw new AppError('VALIDATION_FAILED', 'missing token')
        if (action === 'confirm') await app.services.newsletter.confirm(token)
        else await app.services.newsletter.unsubscribe(token)
      } catch (error) {
        if (!isAppError(error)) throw error
        const expired = error.code === 'GONE'
        return page(reply, error.status, expired ? 'This link has expired' : 'This link is not valid', `<p>${escapeHtml(error.detail ?? '')}</p>`)
      }
      return action === 'confirm'
        ? page(reply, 200, 'You are subscribed', '<p>Thank you for confirming. You can unsubscribe from any of our emails in one click.</p>')
        : page(reply, 200, 'You are unsubscribed', '<p>You will not receive our newsletter any more.</p>')
    })
  }

  // Every cadence has its label (a new one in the database fails to compile until it has one).
  const LABELS: Record<CadenceValue, string> = { instant: 'Each article as we send it', daily: 'A daily digest', weekly: 'A weekly digest' }
  const CADENCES = Object.entries(LABELS) as [CadenceValue, string][]

  function preferencesForm(token: string, prefs: Preferences, saved: boolean): string {
    const follows = new Set(prefs.sections)
    const sections = prefs.available_sections
      .map((s) => `<label style="display:block"><input type="checkbox" name="section" value="${escapeHtml(s.slug)}"${follows.has(s.slug) ? ' checked' : ''}> ${escapeHtml(s.name)}</label>`)
      .join('')
    const cadences = CADENCES.map(([value, label]) => `<label style="display:block"><input type="radio" name="cadence" value="${value}"${prefs.cadence === value ? ' checked' : ''}> ${label}</label>`).join('')
    const status = prefs.status === 'confirmed' ? '' : `<p><strong>This address is ${escapeHtml(prefs.status)}</strong>: these choices apply once it is subscribed.</p>`
    return `${saved ? '<p role="status"><strong>Saved.</strong></p>' : ''}<p>Emails to ${escapeHtml(prefs.email)}.</p>${status}
<form method="post" action="/newsletter/preferences"><input type="hidden" name="token" value="${escapeHtml(token)}">
<fieldset><legend>Sections (none ticked: everything)</legend>${sections}</fieldset>
<fieldset><legend>How often</legend>${cadences}</fieldset>
<p><button type="submit">Save my preferences</button></p></form>`
  }

  const failed = (reply: FastifyReply, error: unknown) => {
    if (!isAppError(error)) throw error
    const title = error.code === 'GONE' ? 'This subscription no longer exists' : error.code === 'VALIDATION_FAILED' ? 'This link is not valid' : 'Your choices could not be saved'
    return page(reply, error.status, title, `<p>${escapeHtml(error.detail ?? '')}</p>`)
  }

  // The preferences page: GET shows the choices (and changes nothing), POST saves what the form sends.
  app.get('/newsletter/preferences', { schema: { hide: true } }, async (request, reply) => {
    const token = tokenFrom((request.query as { token?: unknown }).token)
    if (!token) return page(reply, 400, 'This link is incomplete', '<p>Open the link from the email again.</p>')
    try {
      return page(reply, 200, 'Your newsletter preferences', preferencesForm(token, await app.services.newsletter.preferences(token), false))
    } catch (error) {
      return failed(reply, error)
    }
  })

  app.post('/newsletter/preferences', { schema: { hide: true } }, async (request, reply) => {
    const body = (request.body ?? {}) as { token?: unknown; section?: unknown; cadence?: unknown }
    const token = tokenFrom(body.token)
    if (!token) return page(reply, 400, 'This link is incomplete', '<p>Open the link from the email again.</p>')
    const sections = ([] as unknown[]).concat(body.section ?? []).filter((s): s is string => typeof s === 'string')
    const cadence = CADENCES.find(([value]) => value === body.cadence)?.[0]
    try {
      const prefs = await app.services.newsletter.updatePreferences(token, { sections, ...(cadence ? { cadence } : {}) })
      return page(reply, 200, 'Your newsletter preferences', preferencesForm(token, prefs, true))
    } catch (error) {
      return failed(reply, error)
    }
  })
}
