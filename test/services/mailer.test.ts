import t from 'tap'
import { outbox, outboxAttempts } from '../../src/db/schema/index.js'
import { build } from '../helpers/build.js'
import { startSmtpServer } from '../helpers/smtp.js'
import { createMailer } from '../../src/services/mailer.js'
import { DeliveryFailure, PermanentFailure } from '../../src/services/outbox.js'

t.test('with SMTP_URL, the confirmation email goes out over SMTP with one-click unsubscribe headers', async (t) => {
  const smtp = await startSmtpServer()
  t.teardown(() => smtp.close())
  const app = await build(t, { seed: true, env: { SMTP_URL: smtp.url, MAIL_FROM: 'news@thedefencetimes.example', NEWSLETTER_RESPONSE_FLOOR_MS: '0' } })
  const res = await app.inject({ method: 'POST', url: '/v1/newsletter/subscriptions', payload: { email: 'reader@example.com' } })
  t.equal(res.statusCode, 202)
  t.equal(await app.services.outbox.runOnce(), 1)
  t.equal(smtp.received.length, 1)
  const mail = smtp.received[0]!
  t.same(mail.to, ['reader@example.com'])
  t.equal(mail.from, 'news@thedefencetimes.example')
  t.match(mail.raw, /^Subject: Confirm your subscription to The Defence Times/m)
  const headers = mail.raw.split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, ' ') // unfold RFC 5322 header lines
  t.match(headers, /^List-Unsubscribe: <http:\/\/api\.test\/newsletter\/unsubscribe\?token=[0-9a-f]{32}\.[A-Za-z0-9_-]{24}>/m)
  t.match(headers, /^List-Unsubscribe-Post: List-Unsubscribe=One-Click/m)
  t.match(mail.raw.replace(/=\r?\n/g, ""), /newsletter\/confirm\?token(=3D|=)[A-Za-z0-9_-]{20}/, "the confirmation link (quoted-printable soft breaks undone)")
  t.match(mail.raw, /Content-Type: text\/html/)
  const [job] = await app.database.db.select().from(outbox)
  t.equal(job!.status, 'done')
  const [attempt] = await app.database.db.select().from(outboxAttempts)
  t.match(attempt, { ok: true, responseStatus: 250 })
})

t.test('a 4xx SMTP answer is retried later; a 5xx one fails for good', async (t) => {
  let code = 451
  const smtp = await startSmtpServer({ reply: () => ({ code, message: code === 451 ? 'Try again later' : 'No such user' }) })
  t.teardown(() => smtp.close())
  const app = await build(t, { seed: true, env: { SMTP_URL: smtp.url, NEWSLETTER_RESPONSE_FLOOR_MS: '0' } })
  await app.inject({ method: 'POST', url: '/v1/newsletter/subscriptions', payload: { email: 'soft@example.com' } })
  await app.services.outbox.runOnce()
  const [soft] = await app.database.db.select().from(outbox)
  t.match(soft, { status: 'pending', attempts: 1, lastError: /451|Try again/ })
  code = 550
  await app.inject({ method: 'POST', url: '/v1/newsletter/subscriptions', payload: { email: 'hard@example.com' } })
  await app.services.outbox.runOnce()
  const jobs = await app.database.db.select().from(outbox)
  const hard = jobs.find((j) => (j.payload as { to: string }).to === 'hard@example.com')
  t.match(hard, { status: 'failed', attempts: 1, lastError: /550|No such user/ })
})

t.test('without SMTP_URL, info logs name the recipient and subject only: the body (with its tokens) is at debug', async (t) => {
  const lines: { level: string; obj: object; msg: string }[] = []
  const log = {
    info: (obj: object, msg: string) => lines.push({ level: 'info', obj, msg }),
    debug: (obj: object, msg: string) => lines.push({ level: 'debug', obj, msg }),
  }
  const mailer = createMailer({ smtpUrl: undefined, from: 'news@example.com', log })
  t.equal(mailer.transport, 'log')
  await mailer.send({ to: 'reader@example.com', subject: 'Reset your password', text: 'https://x.example/reset?token=secret-token-123', html: '<p>secret-token-123</p>' })
  const info = lines.filter((l) => l.level === 'info')
  t.equal(info.length, 1)
  t.same(info[0]!.obj, { email: { to: 'reader@example.com', subject: 'Reset your password' } })
  t.notMatch(JSON.stringify(info), /secret-token-123/, 'no token at info level')
  t.match(JSON.stringify(lines.filter((l) => l.level === 'debug')), /secret-token-123/, 'the body is there at debug, for a laptop')
})

t.test('the SMTP mailer opens nothing until its first send; closed, it sends nothing and says the attempt may be retried', async (t) => {
  const smtp = await startSmtpServer()
  t.teardown(() => smtp.close())
  const log = { info() {}, debug() {} }
  const message = { to: 'reader@example.com', subject: 'Hello', text: 'Hi', html: '<p>Hi</p>' }
  // Closed before any send: nothing was opened, so nothing to close.
  createMailer({ smtpUrl: smtp.url, from: 'news@example.com', pool: true, log }).close()
  const mailer = createMailer({ smtpUrl: smtp.url, from: 'news@example.com', pool: true, log })
  t.same(await mailer.send(message), { responseStatus: 250 })
  t.equal(smtp.received.length, 1)
  mailer.close()
  const error = await mailer.send(message).then(
    () => null,
    (e: unknown) => e,
  )
  t.ok(error instanceof DeliveryFailure && !(error instanceof PermanentFailure), 'a send after close fails as a retryable failure')
  t.equal(smtp.received.length, 1, 'nothing more reached the server')
})
