import type { Transporter } from 'nodemailer'
import { traced } from '../lib/tracing.js'
import { DeliveryFailure, PermanentFailure, type DeliveryReport } from './outbox.js'

/** One email as queued in the outbox (payload of topic `email.send`). */
export interface EmailMessage {
  to: string
  subject: string
  text: string
  html: string
  headers?: Record<string, string>
}

export interface Mailer {
  readonly transport: 'smtp' | 'log'
  send(message: EmailMessage): Promise<DeliveryReport>
  close(): void
}

/**
 * SMTP through nodemailer when SMTP_URL is set. Without it (the embedded default) messages are
 * written to the log and stay readable in the outbox (GET /v1/admin/outbox), so a newcomer sees
 * every email the system would have sent.
 */
export function createMailer(options: {
  smtpUrl: string | undefined
  from: string
  /** Keep a few SMTP connections open and reuse them (bulk newsletter sends). */
  pool?: boolean
  log: { info(obj: object, msg: string): void; debug(obj: object, msg: string): void }
}): Mailer {
  if (!options.smtpUrl) {
    return {
      transport: 'log',
      async send(message) {
        // Bodies carry confirmation and reset tokens: at info only who and what; the text at debug
        // (LOG_LEVEL=debug on a laptop) and in the outbox, which only admins read.
        options.log.info({ email: { to: message.to, subject: message.subject } }, 'email (no SMTP_URL: not sent, kept in the outbox)')
        options.log.debug({ email: { to: message.to, subject: message.subject, text: message.text } }, 'email body (no SMTP_URL)')
        return {}
      },
      close() {},
    }
  }
  const url = new URL(options.smtpUrl)
  const port = url.port ? Number(url.port) : url.protocol === 'smtps:' ? 465 : 587
  // Short timeouts: a hung SMTP server must fail the attempt well within the outbox lease, so no
  // other worker retries a message while this one may still be sending it.
  const transportOptions = {
    host: url.hostname,
    port,
    secure: url.protocol === 'smtps:',
    ...(url.username ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } } : {}),
    ignoreTLS: url.searchParams.get('ignoreTLS') === 'true',
    requireTLS: url.searchParams.get('requireTLS') === 'true',
    ...(options.pool ? { pool: true, maxConnections: 5, maxMessages: 1000 } : {}),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  }
  // nodemailer is loaded on the first send, not at start: most processes start, serve and stop
  // without sending a message.
  let transporter: Transporter | undefined
  let loading: Promise<Transporter> | undefined
  let closed = false
  const transport = () =>
    (loading ??= import('nodemailer').then(({ default: nodemailer }) => {
      transporter = nodemailer.createTransport(transportOptions)
      return transporter
    }))
  const spanOptions = { kind: 'client' as const, attributes: { 'server.address': url.hostname, 'server.port': port } }
  return {
    transport: 'smtp',
    // With tracing on, a client span `smtp send` (inside the job's `outbox email.send`).
    send: (message) => traced('smtp send', spanOptions, () => sendOnce(message)),
    close() {
      closed = true
      transporter?.close()
    },
  }

  async function sendOnce(message: EmailMessage): Promise<DeliveryReport> {
    try {
      const smtp = await transport()
      // Closed while nodemailer loaded: close it at once (this send then fails, to be retried), or
      // its pooled connections would outlive the mailer.
      if (closed) smtp.close()
      const info = await smtp.sendMail({ from: options.from, to: message.to, subject: message.subject, text: message.text, html: message.html, headers: message.headers ?? {} })
      const code = Number.parseInt(String(info.response ?? '').slice(0, 3), 10)
      return { responseStatus: Number.isFinite(code) ? code : 250 }
    } catch (error) {
      const code = (error as { responseCode?: number }).responseCode
      const message = error instanceof Error ? error.message : String(error)
      // 5xx SMTP replies are permanent (no such user, rejected); anything else may pass later.
      if (code !== undefined && code >= 500) throw new PermanentFailure(message, code)
      throw new DeliveryFailure(message, code)
    }
  }
}
