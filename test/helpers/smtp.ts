import { SMTPServer } from 'smtp-server'
import type { AddressInfo } from 'node:net'

export interface ReceivedMail {
  from: string
  to: string[]
  raw: string
}

/**
 * A real SMTP server on 127.0.0.1 for the tests. `reply` decides each message's answer: accept,
 * or reject with an SMTP code (e.g. 550 permanent, 451 temporary).
 */
export async function startSmtpServer(options: { reply?: (mail: ReceivedMail) => { code: number; message: string } | null } = {}) {
  const received: ReceivedMail[] = []
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('end', () => {
        const mail = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        }
        const rejection = options.reply?.(mail)
        if (rejection) {
          const error = Object.assign(new Error(rejection.message), { responseCode: rejection.code })
          callback(error)
          return
        }
        received.push(mail)
        callback()
      })
    },
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.server.address() as AddressInfo).port
  return {
    url: `smtp://127.0.0.1:${port}/?ignoreTLS=true`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

/** The message as a reader's client shows it: quoted-printable undone. */
export function decoded(mail: ReceivedMail): string {
  const split = mail.raw.indexOf('\r\n\r\n')
  const body = mail.raw.slice(split).replace(/=\r?\n/g, '')
  const bytes: number[] = []
  for (let i = 0; i < body.length; i++) {
    const hex = body[i] === '=' ? /^[0-9A-F]{2}$/.exec(body.slice(i + 1, i + 3)) : null
    if (hex) {
      bytes.push(Number.parseInt(hex[0], 16))
      i += 2
    } else bytes.push(body.charCodeAt(i))
  }
  return mail.raw.slice(0, split) + Buffer.from(bytes).toString('utf8')
}
