import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

export type AkismetMode = 'ham' | 'spam' | 'discard' | 'slow' | 'invalid' | 'error'

export interface AkismetCall {
  method: string
  path: string
  headers: IncomingMessage['headers']
  form: Record<string, string>
}

export interface FakeAkismet {
  url: string
  calls: AkismetCall[]
  /** What comment-check answers next (default ham). */
  mode: AkismetMode
  /** What submit-spam / submit-ham answer (default thanks). */
  submitMode: 'thanks' | 'error' | 'invalid'
  /** comment-check requests left unanswered (mode `slow`) and still open. */
  readonly unanswered: number
  close(): Promise<void>
}

/**
 * A real HTTP server on 127.0.0.1 speaking Akismet's 1.1 protocol: form-encoded POSTs to
 * /1.1/comment-check (answers "true" / "false", `X-akismet-pro-tip: discard`, "invalid" with a debug
 * header), /1.1/submit-spam and /1.1/submit-ham ("Thanks for making the web a better place.").
 * `slow` never answers: the client's timeout must fire (and close the request).
 */
export async function startFakeAkismet(options: { key?: string } = {}): Promise<FakeAkismet> {
  const key = options.key ?? 'test-akismet-key'
  const state = { mode: 'ham' as AkismetMode, submitMode: 'thanks' as FakeAkismet['submitMode'] }
  const calls: AkismetCall[] = []
  const unanswered = new Set<object>()
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')))
      const path = (req.url ?? '').split('?')[0] ?? ''
      calls.push({ method: req.method ?? '', path, headers: req.headers, form })
      const text = (body: string, headers: Record<string, string> = {}) => {
        res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', ...headers })
        res.end(body)
      }
      if (req.method !== 'POST') return void res.writeHead(405).end()
      if (form.api_key !== key) return text('invalid', { 'x-akismet-debug-help': 'Empty "api_key" value' })
      if (path === '/1.1/comment-check') {
        switch (state.mode) {
          case 'ham':
            return text('false')
          case 'spam':
            return text('true')
          case 'discard':
            return text('true', { 'x-akismet-pro-tip': 'discard' })
          case 'invalid':
            return text('invalid', { 'x-akismet-debug-help': 'We were unable to parse your blog URI' })
          case 'error':
            return void res.writeHead(503).end('down for maintenance')
          case 'slow': {
            const token = {}
            unanswered.add(token)
            res.on('close', () => unanswered.delete(token))
            return
          }
        }
      }
      if (path === '/1.1/submit-spam' || path === '/1.1/submit-ham') {
        if (state.submitMode === 'error') return void res.writeHead(500).end('oops')
        if (state.submitMode === 'invalid') return text('invalid')
        return text('Thanks for making the web a better place.')
      }
      res.writeHead(404).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    get mode() {
      return state.mode
    },
    set mode(value) {
      state.mode = value
    },
    get submitMode() {
      return state.submitMode
    },
    set submitMode(value) {
      state.submitMode = value
    },
    get unanswered() {
      return unanswered.size
    },
    async close() {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
