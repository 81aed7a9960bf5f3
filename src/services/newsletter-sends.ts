import type { Repositories, UnitOfWork } from '../db/repositories/index.js'
import { DELIVER_TOPIC, type NewsletterSendRow, type NewsletterSendStatus, type SendCounts } from '../db/repositories/newsletter-sends.js'
import type { OutboxRow } from '../db/repositories/outbox.js'
import { AppError } from '../errors.js'
import type { Clock } from '../lib/clock.js'
import type { SignedIds } from '../lib/signed-ids.js'
import type { Actor } from './actor.js'
import { audit } from './audit.js'
import type { Mailer } from './mailer.js'
import { articleEmail, personalise } from './newsletter-emails.js'
import { normaliseEmail } from './newsletter.js'
import { createOutboxWorker, LeaseLost, PermanentFailure, Skipped, type OutboxHandler, type OutboxWorkerOptions } from './outbox.js'
import type { createPermalinks } from './permalinks.js'
import { createPoller } from './poller.js'
import { presentArticleSummary } from './presenters.js'

export interface NewsletterSendSettings {
  /** Recipients written per fan-out transaction. */
  fanoutChunk: number
  /** How long a round may go on writing fan-out chunks before it delivers a batch (ms). */
  fanoutBudgetMs: number
  /** Messages per second this process sends at most (0: no limit). */
  ratePerSecond: number
  pollMs: number
  leaseMs: number
  unsubscribeUrl: (token: string) => string
  preferencesUrl: (token: string) => string
}

export function presentSend(row: NewsletterSendRow, counts: SendCounts) {
  return {
    id: row.id,
    article_id: row.articleId,
    section: row.sectionSlug,
    subject: row.subject,
    status: row.status,
    recipients: row.recipients,
    queued: counts.queued,
    delivered: counts.delivered,
    failed: counts.failed,
    bounced: counts.bounced,
    skipped: counts.skipped,
    created_at: row.createdAt.toISOString(),
    started_at: row.startedAt?.toISOString() ?? null,
    finished_at: row.finishedAt?.toISOString() ?? null,
  }
}

export type SendBody = ReturnType<typeof presentSend>

/** Spaces messages `1000 / rate` ms apart (per process); 0 = unlimited. */
function createRateLimiter(ratePerSecond: number) {
  let next = 0
  return async function slot(): Promise<void> {
    if (ratePerSecond <= 0) return
    const now = performance.now()
    const at = Math.max(now, next)
    next = at + 1000 / ratePerSecond
    if (at > now) await new Promise((resolve) => setTimeout(resolve, at - now))
  }
}

/**
 * Article emails to an article's followers. Queueing a send writes one row; the worker then fans it
 * out in bounded chunks (one INSERT … SELECT each) into one outbox job per recipient, keyed
 * `newsletter:<send>:<subscriber>` so a pair is queued at most once. The jobs are claimed like every
 * outbox job (FOR UPDATE SKIP LOCKED under a lease: two workers never take the same one, a dead
 * worker's lease expires and the job is claimed again), by a worker of their own so a big send never
 * holds up confirmation emails. Transient SMTP failures retry with backoff; a 5xx marks the address
 * bounced and nothing more is sent to it.
 */
export function createNewsletterSends(deps: {
  uow: UnitOfWork
  clock: Clock
  mailer: Mailer
  permalinks: ReturnType<typeof createPermalinks>
  settings: NewsletterSendSettings
  unsubscribeTokens: SignedIds
  preferenceTokens: SignedIds
  log: OutboxWorkerOptions['log']
  kickOutbox: () => void
}) {
  const { uow, clock, mailer, settings, log } = deps
  const slot = createRateLimiter(settings.ratePerSecond)

  /** The email of a published article, as every recipient gets it (links to fill in). */
  async function render(repos: Repositories, articleId: string) {
    const record = await repos.articles.findById(articleId)
    if (!record) throw new AppError('NOT_FOUND', 'No such article')
    const row = record.status === 'published' ? await repos.articleReads.findPublicBySlug(record.slug, clock.now()) : undefined
    if (!row) throw new AppError('CONFLICT', `Only published articles are sent; this one is ${record.status === 'published' ? 'not public yet' : record.status}`)
    const links = await deps.permalinks.within(repos)
    const article = presentArticleSummary(row, links)
    const site = await repos.site.get()
    const image = article.featured_image
    // Email clients want JPEG (or PNG) about 600 px wide: the smallest such rendition at least that wide.
    const renditions = (image?.renditions ?? []).filter((r) => r.format === 'jpeg').sort((a, b) => a.width - b.width)
    const rendition = renditions.find((r) => r.width >= 600) ?? renditions[renditions.length - 1]
    const email = articleEmail({
      siteTitle: site?.title ?? 'Newsletter',
      siteUrl: links.home,
      title: article.title,
      url: article.url,
      excerpt: article.excerpt,
      byline: article.author.name,
      section: article.section.name,
      image: image ? { url: rendition?.url ?? image.url, alt: image.alt, width: rendition?.width ?? image.width, height: rendition?.height ?? image.height } : null,
    })
    return { article, email }
  }

  async function withCounts(row: NewsletterSendRow): Promise<SendBody> {
    return presentSend(row, await uow.repos.newsletterSends.counts(row.id))
  }

  /** One chunk of one unfinished fan-out; true when there is more. */
  async function fanOutOnce(): Promise<boolean> {
    return uow.transaction(async (repos) => {
      const send = await repos.newsletterSends.lockNextFanout()
      if (!send) return false
      const now = clock.now()
      const chunk = await repos.newsletterSends.fanOutChunk(send, send.fanoutAfter, settings.fanoutChunk, now)
      const recipients = send.recipients + chunk.inserted
      if (chunk.seen < settings.fanoutChunk) {
        await repos.newsletterSends.update(send.id, { recipients, fanoutAfter: chunk.last ?? send.fanoutAfter, fanoutDone: now, status: 'sending', startedAt: send.startedAt ?? now })
      } else {
        await repos.newsletterSends.update(send.id, { recipients, fanoutAfter: chunk.last, startedAt: send.startedAt ?? now })
      }
      return true
    })
  }

  const sendCache = new Map<string, NewsletterSendRow>()
  async function sendOf(id: string): Promise<NewsletterSendRow | undefined> {
    const cached = sendCache.get(id)
    if (cached) return cached
    const row = await uow.repos.newsletterSends.findById(id)
    if (row && row.status !== 'cancelled') {
      if (sendCache.size > 50) sendCache.clear()
      sendCache.set(id, row)
    }
    return row
  }

  async function deliver(job: OutboxRow) {
    const { send_id: sendId, subscriber_id: subscriberId } = job.payload as { send_id: string; subscriber_id: string }
    const [send, subscriber] = await Promise.all([sendOf(sendId), uow.repos.subscribers.findById(subscriberId)])
    // Cancelled, erased, unsubscribed or bounced since the fan-out: nothing is sent.
    if (!send || send.status === 'cancelled') throw new Skipped('the send was cancelled')
    if (!subscriber || subscriber.status !== 'confirmed') throw new Skipped(`the subscriber is ${subscriber?.status ?? 'erased'}`)
    // A digest that already listed the article (the reader was on a digest then) has it: not twice.
    if (send.articleId && (await uow.repos.newsletterDigests.claimForSend(subscriber.id, send.articleId, send.id)) === 'digest') {
      throw new Skipped('a digest already carried this article')
    }
    return sendFenced(job, subscriber, send)
  }

  /** A subscriber's links filled in, one rate-limited message sent under the job's lease; a 5xx marks them bounced. */
  async function sendFenced(job: OutboxRow, subscriber: { id: string; email: string }, email: { subject: string; html: string; text: string }) {
    const message = personalise(email, subscriber.email, {
      unsubscribeUrl: settings.unsubscribeUrl(deps.unsubscribeTokens.sign(subscriber.id)),
      preferencesUrl: settings.preferencesUrl(deps.preferenceTokens.sign(subscriber.id)),
    })
    await slot()
    // Fencing: send only while the job is still ours. A lease that ran out (a slow batch) may have
    // been claimed by another worker meanwhile; that worker sends it, not this one.
    const held = job.lockedUntil
    if (!held || !(await uow.repos.outbox.renewLease(job.id, held, new Date(clock.now().getTime() + settings.leaseMs)))) {
      throw new LeaseLost()
    }
    try {
      return await mailer.send(message)
    } catch (error) {
      if (error instanceof PermanentFailure && (error.responseStatus ?? 0) >= 500) {
        await uow.repos.subscribers.update(subscriber.id, { status: 'bounced' })
        throw new PermanentFailure(`bounced: ${error.message}`, error.responseStatus)
      }
      throw error
    }
  }

  const handlers: Record<string, OutboxHandler> = { [DELIVER_TOPIC]: deliver }
  const worker = createOutboxWorker({
    repository: uow.repos.outbox,
    handlers,
    clock,
    log,
    // Every claimed job is in flight at once: none waits out its lease behind the others.
    batchSize: 10,
    concurrency: 10,
    leaseMs: settings.leaseMs,
    pollMs: settings.pollMs,
  })

  /**
   * One round: fan-out chunks, a batch of deliveries, then the sends that are done. True when there
   * is more. Fan-out goes first, chunk after chunk for up to `fanoutBudgetMs`: a big list is queued
   * in seconds instead of one chunk per delivery batch, and deliveries still run between budgets.
   */
  async function runOnce(): Promise<boolean> {
    const budgetEnds = performance.now() + settings.fanoutBudgetMs
    let more = await fanOutOnce()
    while (more && performance.now() < budgetEnds) more = await fanOutOnce()
    const delivered = await worker.runOnce()
    const finished = await uow.repos.newsletterSends.finishDrained(clock.now())
    for (const id of finished) sendCache.delete(id)
    return more || delivered > 0
  }

  const poller = createPoller({ name: 'newsletter', pollMs: settings.pollMs, log, round: runOnce })

  const api = {
    runOnce,
    /** One fan-out chunk (tests: list recipients without delivering). */
    fanOutOnce,
    /** Rounds until nothing is left to do now (tests; due retries wait for the clock). */
    async drain(): Promise<void> {
      for (let i = 0; i < 10_000 && (await runOnce()); i++);
    },
    start: poller.start,
    kick: poller.kick,
    stop: poller.stop,
    /** Another bulk topic on this worker (digests): its jobs share the pool, the rate limit and the lease. */
    registerHandler(topic: string, handler: OutboxHandler): void {
      handlers[topic] = handler
    },
    sendFenced,

    /**
     * The automatic send of a just-published article (outbox topic newsletter.autosend, queued once
     * per article with the publication): the editor's send, by nobody. An article sent already, or
     * no longer public by now, is left alone.
     */
    async autoSend(job: OutboxRow): Promise<void> {
      const { article_id: articleId } = job.payload as { article_id: string }
      try {
        await api.queue(null, articleId, {})
      } catch (error) {
        if (error instanceof AppError && (error.code === 'CONFLICT' || error.code === 'NOT_FOUND')) {
          log.info({ articleId, reason: error.message }, 'automatic newsletter send skipped')
          return
        }
        throw error
      }
    },

    /** The email an article's followers would get (HTML), with placeholder links. */
    async preview(articleId: string): Promise<string> {
      return (await render(uow.repos, articleId)).email.html
    },

    /** Queue a published article for its followers: once, unless `resend`. */
    async queue(actor: Actor | null, articleId: string, options: { resend?: boolean | undefined }): Promise<SendBody> {
      const row = await uow.transaction(async (repos) => {
        if (!(await repos.articles.lockById(articleId))) throw new AppError('NOT_FOUND', 'No such article')
        const { article, email } = await render(repos, articleId)
        if (!options.resend && (await repos.newsletterSends.activeForArticle(articleId)) > 0) {
          throw new AppError('CONFLICT', 'This article was already sent to the newsletter; send it again with "resend": true')
        }
        const send = await repos.newsletterSends.insert({ articleId, sectionSlug: article.section.slug, subject: email.subject, html: email.html, text: email.text, createdBy: actor?.id ?? null })
        await audit(repos, actor, { action: 'newsletter.send', entityType: 'article', entityId: articleId, summary: `Queued "${article.title}" for the newsletter${actor ? '' : ' (automatically, on publication)'}` })
        return send
      })
      poller.kick()
      return withCounts(row)
    },

    /** The article's email to one address, through the outbox (links are placeholders: no subscriber's). */
    async testSend(actor: Actor, articleId: string, to: string): Promise<{ to: string; subject: string }> {
      const email = normaliseEmail(to)
      const subject = await uow.transaction(async (repos) => {
        const { email: rendered } = await render(repos, articleId)
        const message = personalise({ ...rendered, subject: `[Test] ${rendered.subject}` }, email, {
          unsubscribeUrl: settings.unsubscribeUrl('test-send-no-subscriber'),
          preferencesUrl: settings.preferencesUrl('test-send-no-subscriber'),
        })
        await repos.outbox.enqueue({ topic: 'email.send', payload: { ...message, kind: 'newsletter.test' }, runAt: clock.now() })
        await audit(repos, actor, { action: 'newsletter.test', entityType: 'article', entityId: articleId, summary: 'Sent a test of the newsletter email' })
        return message.subject
      })
      deps.kickOutbox()
      return { to: email, subject }
    },

    async list(page: { limit: number; offset: number }, status?: NewsletterSendStatus[]) {
      const [rows, total] = await Promise.all([uow.repos.newsletterSends.list(page, status), uow.repos.newsletterSends.count(status)])
      return { rows: await Promise.all(rows.map(withCounts)), total }
    },

    async get(id: string): Promise<SendBody> {
      const row = await uow.repos.newsletterSends.findById(id)
      if (!row) throw new AppError('NOT_FOUND', 'No such newsletter send')
      return withCounts(row)
    },

    /** Stops a queued or sending send: recipients not yet sent to get nothing. */
    async cancel(actor: Actor, id: string): Promise<SendBody> {
      const row = await uow.transaction(async (repos) => {
        const send = await repos.newsletterSends.lockById(id)
        if (!send) throw new AppError('NOT_FOUND', 'No such newsletter send')
        if (send.status === 'sent' || send.status === 'cancelled') throw new AppError('CONFLICT', `This send is already ${send.status}`)
        const now = clock.now()
        await repos.newsletterSends.update(id, { status: 'cancelled', finishedAt: now, fanoutDone: send.fanoutDone ?? now })
        await repos.newsletterSends.dropPending(id)
        await audit(repos, actor, { action: 'newsletter.cancel', entityType: 'newsletter_send', entityId: id, summary: 'Cancelled a newsletter send' })
        return (await repos.newsletterSends.findById(id))!
      })
      sendCache.delete(id)
      return withCounts(row)
    },

    /** Addresses reported bounced or complained (by the mail provider): they receive nothing more. */
    async suppress(actor: Actor, emails: string[], reason: 'bounced' | 'complained'): Promise<{ suppressed: number; unknown: number }> {
      const unique = [...new Set(emails.map(normaliseEmail))]
      return uow.transaction(async (repos) => {
        const found = await repos.newsletterSends.suppress(unique, reason)
        await audit(repos, actor, { action: 'newsletter.suppress', entityType: 'subscriber', entityId: null, summary: `Marked ${found.length} address(es) ${reason}` })
        return { suppressed: found.length, unknown: unique.length - found.length }
      })
    },
  }
  return api
}

export type NewsletterSends = ReturnType<typeof createNewsletterSends>
