import { createHmac } from 'node:crypto'
import type { UnitOfWork } from '../db/repositories/index.js'
import type { WebhookRow } from '../db/repositories/webhooks.js'
import { AppError } from '../errors.js'
import type { Clock } from '../lib/clock.js'
import { guardedRequest, TargetRefused, vetTarget } from '../lib/net-guard.js'
import { randomToken } from '../lib/passwords.js'
import { injectTraceContext, traced } from '../lib/tracing.js'
import type { Actor } from './actor.js'
import { audit } from './audit.js'
import { DeliveryFailure, PermanentFailure, type DeliveryReport } from './outbox.js'
import { webhookBody } from './webhook-events.js'

export interface WebhookSettings {
  /** Allow targets on private and loopback addresses (development, tests). */
  allowPrivate: boolean
  /** Failed attempts in a row that disable a webhook. */
  disableAfter: number
  timeoutMs: number
}

export interface DeliveryResult {
  ok: boolean
  status: number | null
  durationMs: number
  error: string | null
}

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">` (the recipe is in docs/webhooks.md). */
export function signature(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`
}

/**
 * POSTs a signed body through the SSRF guard (lib/net-guard.ts): non-public targets are refused at
 * connect time unless allowed. With tracing on, a client span `webhook POST` whose W3C
 * `traceparent` goes with the request, so a receiver that traces continues the trace.
 */
export function postSigned(url: string, secret: string, body: string, headers: Record<string, string>, settings: WebhookSettings, now: Date): Promise<DeliveryResult> {
  const target = URL.canParse(url) ? new URL(url) : undefined
  const attributes = {
    'http.request.method': 'POST',
    'server.address': target?.hostname ?? '',
    'server.port': target ? Number(target.port || (target.protocol === 'https:' ? 443 : 80)) : 0,
  }
  return traced('webhook POST', { kind: 'client', attributes }, async (span) => {
    const result = await postSignedOnce(url, secret, body, injectTraceContext({ ...headers }), settings, now)
    if (result.status !== null) span.setAttribute('http.response.status_code', result.status)
    if (!result.ok) span.fail(result.status === null ? 'no answer' : `receiver answered ${result.status}`)
    return result
  })
}

async function postSignedOnce(url: string, secret: string, body: string, headers: Record<string, string>, settings: WebhookSettings, now: Date): Promise<DeliveryResult> {
  const started = performance.now()
  const timestamp = Math.floor(now.getTime() / 1000)
  const elapsed = () => Math.round(performance.now() - started)
  try {
    const response = await guardedRequest(url, {
      allowPrivate: settings.allowPrivate,
      method: 'POST',
      timeoutMs: settings.timeoutMs,
      body,
      headers: {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
        'user-agent': 'newsroom-cms-webhooks/1',
        'x-webhook-timestamp': String(timestamp),
        'x-signature': signature(secret, timestamp, body),
        ...headers,
      },
    })
    const ok = response.status >= 200 && response.status < 300
    return { ok, status: response.status, durationMs: elapsed(), error: ok ? null : `receiver answered ${response.status}` }
  } catch (error) {
    const message = error instanceof TargetRefused ? `refused: the target ${error.message}` : (error as Error).message
    return { ok: false, status: null, durationMs: elapsed(), error: message }
  }
}

export function presentWebhook(row: WebhookRow, options: { withSecret?: boolean } = {}) {
  return {
    id: row.id,
    url: row.url,
    events: row.events,
    description: row.description,
    active: row.active,
    consecutive_failures: row.consecutiveFailures,
    disabled_at: row.disabledAt?.toISOString() ?? null,
    disabled_reason: row.disabledReason,
    secret_hint: `…${row.secret.slice(-4)}`,
    ...(options.withSecret ? { secret: row.secret } : {}),
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  }
}

/**
 * Webhooks: registration (admin), and delivery of the outbox's `webhook.deliver` jobs with an
 * HMAC-SHA256 signature, retries with backoff (the outbox), a delivery log (its attempts) and
 * automatic disabling after `disableAfter` failures in a row.
 */
export function createWebhookService(deps: { uow: UnitOfWork; clock: Clock; settings: WebhookSettings }) {
  const { uow, clock, settings } = deps

  /** Registration-time answer; deliveries are vetted again when they connect. */
  async function checkTarget(url: string): Promise<void> {
    try {
      await vetTarget(url, settings)
    } catch (error) {
      if (!(error instanceof TargetRefused)) throw error
      const reason = { unparseable: 'is not a URL this server can parse', scheme: 'must be http or https', unresolvable: 'host does not resolve', private: 'private address' }[error.problem]
      const detail =
        error.problem === 'private'
          ? `Webhook targets on private, loopback or link-local addresses are refused (set WEBHOOK_ALLOW_PRIVATE=true to allow them): ${error.message}`
          : `The webhook URL ${error.message}`
      throw new AppError('UNPROCESSABLE', detail, { invalidParams: [{ name: 'body.url', reason }] })
    }
  }

  async function load(id: string): Promise<WebhookRow> {
    const row = await uow.repos.webhooks.findById(id)
    if (!row) throw new AppError('NOT_FOUND', 'No such webhook')
    return row
  }

  return {
    /** The outbox handler for `webhook.deliver`. */
    async deliver(payload: { webhook_id: string; event_id: string; type: string; body: string }): Promise<DeliveryReport> {
      const hook = await uow.repos.webhooks.findById(payload.webhook_id)
      if (!hook) throw new PermanentFailure('the webhook was deleted')
      if (!hook.active) throw new PermanentFailure('the webhook is disabled')
      // Stored before URLs were checked with the WHATWG parser: no retry can deliver it.
      if (!URL.canParse(hook.url)) throw new PermanentFailure('the webhook URL cannot be parsed; correct it with PATCH')
      const result = await postSigned(hook.url, hook.secret, payload.body, { 'x-webhook-id': payload.event_id, 'x-webhook-event': payload.type }, settings, clock.now())
      if (result.ok) {
        await uow.repos.webhooks.recordSuccess(hook.id)
        return { responseStatus: result.status ?? undefined }
      }
      const failures = await uow.repos.webhooks.recordFailure(hook.id)
      if (failures >= settings.disableAfter) {
        const reason = `disabled after ${failures} failed deliveries in a row (last: ${result.error})`
        await uow.transaction(async (repos) => {
          await repos.webhooks.update(hook.id, { active: false, disabledAt: clock.now(), disabledReason: reason })
          await repos.webhooks.cancelPending(hook.id, reason)
        })
        throw new PermanentFailure(reason, result.status ?? undefined)
      }
      throw new DeliveryFailure(result.error ?? 'delivery failed', result.status ?? undefined)
    },

    list: async () => (await uow.repos.webhooks.list()).map((row) => presentWebhook(row)),
    get: async (id: string) => presentWebhook(await load(id)),

    async create(actor: Actor, input: { url: string; events: string[]; description?: string | undefined; active?: boolean | undefined }) {
      await checkTarget(input.url)
      return uow.transaction(async (repos) => {
        const row = await repos.webhooks.insert({
          url: input.url,
          events: [...new Set(input.events)],
          description: input.description ?? '',
          active: input.active ?? true,
          secret: `whsec_${randomToken(24)}`,
          createdBy: actor.id,
        })
        await audit(repos, actor, { action: 'webhook.create', entityType: 'webhook', entityId: row.id, summary: `Created webhook to ${row.url}` })
        return presentWebhook(row, { withSecret: true })
      })
    },

    async update(actor: Actor, id: string, input: { url?: string | undefined; events?: string[] | undefined; description?: string | undefined; active?: boolean | undefined }) {
      const current = await load(id)
      if (input.url !== undefined && input.url !== current.url) await checkTarget(input.url)
      return uow.transaction(async (repos) => {
        const reenable = input.active === true && !current.active
        const row = await repos.webhooks.update(id, {
          url: input.url,
          events: input.events ? [...new Set(input.events)] : undefined,
          description: input.description,
          active: input.active,
          ...(reenable ? { consecutiveFailures: 0, disabledAt: null, disabledReason: null } : {}),
          ...(input.active === false && current.active ? { disabledAt: clock.now(), disabledReason: 'disabled by an admin' } : {}),
        })
        await audit(repos, actor, { action: 'webhook.update', entityType: 'webhook', entityId: id, summary: `Updated webhook ${current.url}: ${Object.keys(input).join(', ')}` })
        return presentWebhook(row!)
      })
    },

    async delete(actor: Actor, id: string): Promise<void> {
      await uow.transaction(async (repos) => {
        const row = await repos.webhooks.findById(id)
        if (!row) throw new AppError('NOT_FOUND', 'No such webhook')
        await repos.webhooks.cancelPending(id, 'the webhook was deleted')
        await repos.webhooks.delete(id)
        await audit(repos, actor, { action: 'webhook.delete', entityType: 'webhook', entityId: id, summary: `Deleted webhook to ${row.url}` })
      })
    },

    async rotateSecret(actor: Actor, id: string) {
      await load(id)
      return uow.transaction(async (repos) => {
        const row = await repos.webhooks.update(id, { secret: `whsec_${randomToken(24)}` })
        await audit(repos, actor, { action: 'webhook.rotate', entityType: 'webhook', entityId: id, summary: 'Rotated the webhook secret' })
        return presentWebhook(row!, { withSecret: true })
      })
    },

    /** Sends a `webhook.test` event now (not through the outbox) and reports what happened. */
    async test(id: string): Promise<{ ok: boolean; status: number | null; duration_ms: number; error: string | null; event_id: string }> {
      const hook = await load(id)
      const eventId = crypto.randomUUID()
      const now = clock.now()
      const body = webhookBody({ type: 'webhook.test', data: { current: { message: 'This is a test delivery.' }, previous: null }, purgeKeys: [] }, eventId, now)
      const result = await postSigned(hook.url, hook.secret, body, { 'x-webhook-id': eventId, 'x-webhook-event': 'webhook.test' }, settings, now)
      return { ok: result.ok, status: result.status, duration_ms: result.durationMs, error: result.error, event_id: eventId }
    },

    async deliveries(id: string, limit: number) {
      await load(id)
      return (await uow.repos.webhooks.deliveries(id, limit)).map(({ job, attempts }) => ({
        id: job.id,
        event_id: String((job.payload as { event_id?: unknown }).event_id ?? ''),
        type: String((job.payload as { type?: unknown }).type ?? ''),
        status: job.status,
        attempts: attempts.map((a) => ({
          attempt: a.attempt,
          at: a.startedAt.toISOString(),
          ok: a.ok,
          response_status: a.responseStatus,
          duration_ms: a.durationMs,
          error: a.error,
        })),
        next_attempt_at: job.status === 'pending' ? job.runAt.toISOString() : null,
        created_at: job.createdAt.toISOString(),
      }))
    },
  }
}

export type WebhookService = ReturnType<typeof createWebhookService>
