import type { Repositories, UnitOfWork } from '../db/repositories/index.js'
import type { SubscriberFilter, SubscriberRow } from '../db/repositories/subscribers.js'
import { AppError } from '../errors.js'
import type { Clock } from '../lib/clock.js'
import { randomToken, sha256 } from '../lib/passwords.js'
import type { SignedIds } from '../lib/signed-ids.js'
import type { Actor } from './actor.js'
import { audit } from './audit.js'
import type { ContentEvents } from './events.js'
import { confirmationEmail } from './newsletter-emails.js'
import { queueWebhookEvent } from './webhook-events.js'

export type Cadence = SubscriberRow['cadence']

export interface SignupInput {
  email: string
  name?: string | undefined
  sections?: string[] | undefined
  cadence?: Cadence | undefined
  source?: string | undefined
}

export interface PreferenceChanges {
  name?: string | null | undefined
  sections?: string[] | undefined
  cadence?: Cadence | undefined
}

/** What the preferences link shows its holder: their own subscription, nothing else. */
export interface Preferences {
  email: string
  name: string | null
  status: SubscriberRow['status']
  sections: string[]
  cadence: Cadence
  /** Every section one may follow, in navigation order. */
  available_sections: { slug: string; name: string }[]
}

export interface SignupContext {
  ip: string | undefined
  userAgent: string | undefined
}

export interface NewsletterSettings {
  tokenTtl: number
  resendInterval: number
  blockedDomains: string[]
  privacyVersion: string
  /** Links in emails: the confirmation and unsubscribe pages (a frontend's, or this server's /newsletter/*). */
  confirmUrl: (token: string) => string
  unsubscribeUrl: (token: string) => string
  preferencesUrl: (token: string) => string
}

/** Trim; the domain is case-insensitive by standard, the local part is kept as typed (uniqueness ignores case). */
export function normaliseEmail(raw: string): string {
  const email = raw.trim()
  const at = email.lastIndexOf('@')
  return at < 0 ? email : `${email.slice(0, at)}@${email.slice(at + 1).toLowerCase()}`
}

export function presentSubscriber(row: SubscriberRow) {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    status: row.status,
    sections: row.sections,
    cadence: row.cadence,
    consent: {
      at: row.consentAt.toISOString(),
      ip: row.consentIp,
      user_agent: row.consentUserAgent,
      source: row.consentSource,
      privacy_policy_version: row.privacyPolicyVersion,
    },
    confirmed_at: row.confirmedAt?.toISOString() ?? null,
    unsubscribed_at: row.unsubscribedAt?.toISOString() ?? null,
    created_at: row.createdAt.toISOString(),
  }
}

/**
 * Double opt-in signups that reveal nothing: whatever state an address is in, the caller gets the
 * same answer, and an address receives at most one confirmation email per resend interval however
 * often (or however concurrently) it is submitted. The email is written to the outbox in the same
 * transaction as the signup, so a crash between commit and send loses nothing.
 */
export function createNewsletterService(deps: {
  uow: UnitOfWork
  clock: Clock
  events: ContentEvents
  settings: NewsletterSettings
  unsubscribeTokens: SignedIds
  preferenceTokens: SignedIds
  kickOutbox: () => void
}) {
  const { uow, clock, events, settings, unsubscribeTokens, preferenceTokens } = deps

  async function checkSections(repos: Repositories, sections: string[], field: string): Promise<void> {
    if (sections.length === 0) return
    const known = new Set(await repos.sections.slugs())
    const unknown = sections.filter((s) => !known.has(s))
    if (unknown.length > 0) throw new AppError('UNPROCESSABLE', `Unknown sections: ${unknown.join(', ')}`, { invalidParams: [{ name: field, reason: 'unknown section' }] })
  }

  /** The subscriber a preferences link names; a link of an erased subscriber is gone. */
  function subscriberOf(token: string): string {
    const id = preferenceTokens.verify(token)
    if (!id) throw new AppError('VALIDATION_FAILED', 'This preferences link is not valid', { invalidParams: [{ name: 'token', reason: 'not a token this server issued' }] })
    return id
  }

  async function preferencesOf(repos: Repositories, row: SubscriberRow): Promise<Preferences> {
    const sections = await repos.sections.list(clock.now())
    return {
      email: row.email,
      name: row.name,
      status: row.status,
      sections: row.sections,
      cadence: row.cadence,
      available_sections: sections.map((s) => ({ slug: s.slug, name: s.name })),
    }
  }

  async function queueConfirmation(repos: Repositories, subscriber: { id: string; email: string; name: string | null }): Promise<void> {
    const now = clock.now()
    const token = randomToken(32)
    await repos.subscribers.update(subscriber.id, {
      confirmTokenHash: sha256(token),
      confirmTokenExpiresAt: new Date(now.getTime() + settings.tokenTtl * 1000),
      confirmSentAt: now,
    })
    const site = await repos.site.get()
    const message = confirmationEmail({
      to: subscriber.email,
      name: subscriber.name,
      siteTitle: site?.title ?? 'Newsletter',
      siteTagline: site?.tagline ?? '',
      confirmUrl: settings.confirmUrl(token),
      unsubscribeUrl: settings.unsubscribeUrl(unsubscribeTokens.sign(subscriber.id)),
      preferencesUrl: settings.preferencesUrl(preferenceTokens.sign(subscriber.id)),
      expiresHours: Math.round(settings.tokenTtl / 3600),
    })
    await repos.outbox.enqueue({ topic: 'email.send', payload: { ...message, kind: 'newsletter.confirm', subscriber_id: subscriber.id }, runAt: now })
  }

  const canResend = (row: SubscriberRow, now: Date) =>
    !row.confirmSentAt || now.getTime() - row.confirmSentAt.getTime() >= settings.resendInterval * 1000

  return {
    async subscribe(input: SignupInput, context: SignupContext): Promise<void> {
      const email = normaliseEmail(input.email)
      const domain = email.slice(email.lastIndexOf('@') + 1)
      if (settings.blockedDomains.some((blocked) => domain === blocked || domain.endsWith(`.${blocked}`))) {
        throw new AppError('UNPROCESSABLE', 'Addresses at this domain are not accepted', { invalidParams: [{ name: 'body.email', reason: 'disposable or blocked domain' }] })
      }
      const sections = [...new Set(input.sections ?? [])]
      const queued = await uow.transaction(async (repos) => {
        await checkSections(repos, sections, 'body.sections')
        const now = clock.now()
        const consent = {
          consentAt: now,
          consentIp: context.ip ?? null,
          consentUserAgent: context.userAgent?.slice(0, 500) ?? null,
          consentSource: (input.source ?? 'api').slice(0, 80),
          privacyPolicyVersion: settings.privacyVersion,
        }
        const id = await repos.subscribers.insertIfAbsent({ email, name: input.name ?? null, sections, cadence: input.cadence ?? 'instant', status: 'pending', ...consent })
        if (id) {
          await queueConfirmation(repos, { id, email, name: input.name ?? null })
          return true
        }
        // Known address: every concurrent signup of it waits on this row lock, then sees the
        // confirmation the first one sent and sends none of its own.
        const row = (await repos.subscribers.lockByEmail(email))!
        if (row.status === 'confirmed' || !canResend(row, now)) return false
        await repos.subscribers.update(row.id, { ...consent, status: 'pending', name: input.name ?? row.name, sections: sections.length > 0 ? sections : row.sections, cadence: input.cadence ?? row.cadence, unsubscribedAt: null })
        await queueConfirmation(repos, { id: row.id, email: row.email, name: input.name ?? row.name })
        return true
      })
      if (queued) deps.kickOutbox()
    },

    /** Single use and expiring: a used, expired or unknown token is 410 Gone. */
    async confirm(token: string): Promise<void> {
      const subscriberId = await uow.transaction(async (repos) => {
        const row = await repos.subscribers.lockByTokenHash(sha256(token))
        const now = clock.now()
        if (!row || row.status !== 'pending' || !row.confirmTokenExpiresAt || row.confirmTokenExpiresAt <= now) {
          throw new AppError('GONE', 'This confirmation link has expired or was already used. Sign up again to get a new one.')
        }
        await repos.subscribers.update(row.id, { status: 'confirmed', confirmedAt: now, confirmTokenHash: null, confirmTokenExpiresAt: null })
        await queueWebhookEvent(repos, now, {
          type: 'subscriber.confirmed',
          data: { current: { id: row.id, email: row.email, name: row.name, sections: row.sections, confirmed_at: now.toISOString() }, previous: null },
          purgeKeys: [],
        })
        return row.id
      })
      events.emit({ kind: 'subscriber', action: 'confirmed', id: subscriberId })
      deps.kickOutbox()
    },

    /** RFC 8058 one-click: idempotent; an erased subscriber's link also just answers "unsubscribed". */
    async unsubscribe(token: string): Promise<void> {
      const id = unsubscribeTokens.verify(token)
      if (!id) throw new AppError('VALIDATION_FAILED', 'This unsubscribe link is not valid', { invalidParams: [{ name: 'token', reason: 'not a token this server issued' }] })
      await uow.transaction(async (repos) => {
        const row = await repos.subscribers.findById(id)
        if (!row || row.status === 'unsubscribed') return
        await repos.subscribers.update(id, { status: 'unsubscribed', unsubscribedAt: clock.now(), confirmTokenHash: null, confirmTokenExpiresAt: null })
      })
    },

    /** The preferences link's page: the holder's own subscription and the sections they may follow. */
    async preferences(token: string): Promise<Preferences> {
      const id = subscriberOf(token)
      const row = await uow.repos.subscribers.findById(id)
      if (!row) throw new AppError('GONE', 'This subscription no longer exists')
      return preferencesOf(uow.repos, row)
    },

    /**
     * Sections (none = everything), cadence and name, changed through the signed link every email
     * carries. It never (re)subscribes: an unsubscribed address keeps its choices for a new signup.
     */
    async updatePreferences(token: string, changes: PreferenceChanges): Promise<Preferences> {
      const id = subscriberOf(token)
      return uow.transaction(async (repos) => {
        const row = await repos.subscribers.findById(id)
        if (!row) throw new AppError('GONE', 'This subscription no longer exists')
        const sections = changes.sections === undefined ? undefined : [...new Set(changes.sections)]
        if (sections) await checkSections(repos, sections, 'body.sections')
        const values = {
          ...(sections !== undefined ? { sections } : {}),
          ...(changes.cadence !== undefined ? { cadence: changes.cadence } : {}),
          ...(changes.name !== undefined ? { name: changes.name?.trim() || null } : {}),
        }
        if (Object.keys(values).length === 0) return preferencesOf(repos, row)
        await repos.subscribers.update(id, values)
        return preferencesOf(repos, (await repos.subscribers.findById(id))!)
      })
    },

    async list(filter: SubscriberFilter, page: { limit: number; offset: number }) {
      const [rows, total, counts] = await Promise.all([
        uow.repos.subscribers.list(filter, page),
        uow.repos.subscribers.count(filter),
        uow.repos.subscribers.countsByStatus(),
      ])
      return { rows: rows.map(presentSubscriber), total, counts }
    },

    /** CSV rows, a batch at a time: the export streams without loading every subscriber. */
    async *exportCsv(filter: SubscriberFilter): AsyncGenerator<string> {
      const cell = (value: string | null) => {
        const text = value ?? ''
        // Quote always; neutralise spreadsheet formulas (=, +, -, @) in user-supplied cells.
        return `"${(/^[=+\-@\t\r]/.test(text) ? `'${text}` : text).replaceAll('"', '""')}"`
      }
      yield 'id,email,name,status,sections,consent_at,consent_source,privacy_policy_version,confirmed_at,unsubscribed_at,created_at\r\n'
      let after: string | null = null
      for (;;) {
        const batch = await uow.repos.subscribers.batchAfter(after, 500, filter)
        if (batch.length === 0) return
        for (const r of batch) {
          yield `${[r.id, r.email, r.name, r.status, r.sections.join(' '), r.consentAt.toISOString(), r.consentSource, r.privacyPolicyVersion, r.confirmedAt?.toISOString() ?? null, r.unsubscribedAt?.toISOString() ?? null, r.createdAt.toISOString()].map(cell).join(',')}\r\n`
        }
        after = batch[batch.length - 1]!.id
      }
    },

    /** GDPR erasure: the subscriber and their queued mail are deleted; the record of it keeps no address. */
    async erase(actor: Actor, id: string, reason: string): Promise<void> {
      await uow.transaction(async (repos) => {
        if (!(await repos.subscribers.erase(id))) throw new AppError('NOT_FOUND', 'No such subscriber')
        await repos.subscribers.recordErasure({ subscriberId: id, erasedBy: actor.id, reason })
        await audit(repos, actor, { action: 'subscriber.erase', entityType: 'subscriber', entityId: id, summary: 'Erased a subscriber (GDPR)' })
      })
    },

    /** Resend the confirmation to a pending subscriber (the resend interval still applies). */
    async resend(actor: Actor, id: string): Promise<{ sent: boolean }> {
      const sent = await uow.transaction(async (repos) => {
        const row = await repos.subscribers.findById(id)
        if (!row) throw new AppError('NOT_FOUND', 'No such subscriber')
        if (row.status !== 'pending') throw new AppError('CONFLICT', `The subscriber is ${row.status}; only pending subscribers get confirmation emails`)
        if (!canResend(row, clock.now())) return false
        await queueConfirmation(repos, row)
        await audit(repos, actor, { action: 'subscriber.resend', entityType: 'subscriber', entityId: id, summary: 'Resent the confirmation email' })
        return true
      })
      if (sent) deps.kickOutbox()
      return { sent }
    },
  }
}

export type NewsletterService = ReturnType<typeof createNewsletterService>
