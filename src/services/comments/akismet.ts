/**
 * A small Akismet client (https://akismet.com/developers/): comment-check, submit-spam and
 * submit-ham over the 1.1 REST API, form-encoded, with a hard timeout. The base URL is
 * configurable so tests (and self-hosted compatible services) can answer instead of akismet.com.
 */

/** The fields Akismet expects for a comment (names as in its API). */
export interface AkismetComment {
  /** The front page of the site the comment was left on. */
  blog: string
  user_ip: string
  user_agent: string
  referrer: string
  /** The article's public URL. */
  permalink: string
  /** `comment` or `reply` (Akismet's comment types). */
  comment_type: 'comment' | 'reply'
  comment_author: string
  comment_author_email: string
  comment_author_url?: string | undefined
  comment_content: string
  comment_date_gmt?: string | undefined
  comment_post_modified_gmt?: string | undefined
  blog_lang?: string | undefined
}

export interface AkismetVerdict {
  spam: boolean
  /** `X-akismet-pro-tip: discard`: blatant spam, not worth storing. */
  discard: boolean
}

/** Akismet could not answer (network error, timeout, HTTP error, or an answer that is not a verdict). */
export class AkismetError extends Error {
  /** True when retrying cannot help (bad key or request); false for outages and timeouts. */
  readonly permanent: boolean
  readonly status: number | undefined
  constructor(message: string, permanent: boolean, status?: number) {
    super(message)
    this.name = 'AkismetError'
    this.permanent = permanent
    this.status = status
  }
}

export interface AkismetClientOptions {
  key: string
  /** e.g. https://rest.akismet.com (no trailing slash). */
  baseUrl: string
  timeoutMs: number
  userAgent?: string
  fetch?: typeof fetch
}

export interface AkismetClient {
  commentCheck(comment: AkismetComment): Promise<AkismetVerdict>
  submitSpam(comment: AkismetComment): Promise<void>
  submitHam(comment: AkismetComment): Promise<void>
}

export function createAkismetClient(options: AkismetClientOptions): AkismetClient {
  const doFetch = options.fetch ?? fetch
  const userAgent = options.userAgent ?? 'NewsroomCMS/0.1 | Akismet/1.1'

  async function call(method: 'comment-check' | 'submit-spam' | 'submit-ham', comment: AkismetComment): Promise<{ text: string; headers: Headers }> {
    const form = new URLSearchParams({ api_key: options.key, blog_charset: 'UTF-8' })
    for (const [name, value] of Object.entries(comment)) if (typeof value === 'string' && value !== '') form.set(name, value)
    const controller = new AbortController()
    const timer = setTimeout(() => controller.abort(), options.timeoutMs)
    try {
      const response = await doFetch(`${options.baseUrl}/1.1/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', 'user-agent': userAgent },
        body: form.toString(),
        signal: controller.signal,
      })
      // The timeout covers reading the answer too: a server that sends headers and then stalls is as slow as one that never answers.
      const text = (await response.text()).trim()
      if (!response.ok) throw new AkismetError(`Akismet ${method} answered HTTP ${response.status}`, response.status >= 400 && response.status < 500 && response.status !== 429, response.status)
      return { text, headers: response.headers }
    } catch (error) {
      if (error instanceof AkismetError) throw error
      const timedOut = controller.signal.aborted
      throw new AkismetError(timedOut ? `Akismet ${method} timed out after ${options.timeoutMs} ms` : `Akismet ${method} failed: ${(error as Error).message}`, false)
    } finally {
      clearTimeout(timer)
    }
  }

  function invalid(method: string, text: string, headers: Headers): AkismetError {
    const help = headers.get('x-akismet-debug-help') ?? headers.get('x-akismet-alert-msg')
    return new AkismetError(`Akismet ${method} answered ${JSON.stringify(text.slice(0, 100))}${help ? ` (${help})` : ''}`, text === 'invalid')
  }

  async function submit(method: 'submit-spam' | 'submit-ham', comment: AkismetComment): Promise<void> {
    const { text, headers } = await call(method, comment)
    if (!text.startsWith('Thanks')) throw invalid(method, text, headers)
  }

  return {
    async commentCheck(comment) {
      const { text, headers } = await call('comment-check', comment)
      if (text === 'true') return { spam: true, discard: headers.get('x-akismet-pro-tip')?.trim().toLowerCase() === 'discard' }
      if (text === 'false') return { spam: false, discard: false }
      throw invalid('comment-check', text, headers)
    },
    submitSpam: (comment) => submit('submit-spam', comment),
    submitHam: (comment) => submit('submit-ham', comment),
  }
}
