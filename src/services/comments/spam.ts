import { AppError } from '../../errors.js'
import { type AkismetClient, type AkismetComment } from './akismet.js'
import { countLinks } from './policy.js'

/** A comment as the pipeline sees it: cleaned input plus what the request said about its sender. */
export interface CommentCandidate {
  articleId: string
  authorName: string
  /** Normalised (trimmed, lower-case). */
  authorEmail: string
  authorWebsite: string | null
  body: string
  honeypot: string | null
  ip: string
  userAgent: string
  referrer: string
  /** The article's public URL, and the site's front page (for Akismet). */
  permalink: string
  blog: string
  isReply: boolean
  createdAt: Date
}

export type ModerationStatus = 'pending' | 'approved' | 'spam'
export type AkismetOutcome = 'ham' | 'spam' | 'unavailable'

export interface Verdict {
  status: ModerationStatus
  /** Machine-readable reasons, shown to moderators (`honeypot`, `too_many_links`, `first_comment`, …). */
  reasons: string[]
  /** Spam not worth storing (Akismet's pro-tip). */
  discard?: boolean
}

/** A stage decides (a verdict), passes (undefined), or refuses the comment by throwing an AppError. */
export interface StageOutcome {
  verdict?: Verdict | undefined
  akismet?: AkismetOutcome | undefined
}

export interface SpamStage {
  name: string
  run(candidate: CommentCandidate): Promise<StageOutcome | undefined>
}

export interface PipelineResult extends Verdict {
  akismet: AkismetOutcome | null
}

const spam = (...reasons: string[]): StageOutcome => ({ verdict: { status: 'spam', reasons } })

/**
 * Runs the stages in order; the first verdict wins. Cheap local checks come first so an obvious
 * spammer costs no Akismet call; the first-time rule comes last and always decides.
 */
export function createSpamPipeline(stages: SpamStage[]) {
  return {
    stages: stages.map((s) => s.name),
    async check(candidate: CommentCandidate): Promise<PipelineResult> {
      let akismet: AkismetOutcome | null = null
      for (const stage of stages) {
        const outcome = await stage.run(candidate)
        if (outcome?.akismet) akismet = outcome.akismet
        if (outcome?.verdict) return { ...outcome.verdict, akismet }
      }
      // No stage decided (a pipeline without the first-time rule): a human decides.
      return { status: 'pending', reasons: ['unreviewed'], akismet }
    },
  }
}

export type SpamPipeline = ReturnType<typeof createSpamPipeline>

/** The same commenter saying exactly the same thing on the same article again: WordPress answers 409, so do we. */
export function duplicateStage(deps: { isDuplicate(articleId: string, email: string, body: string): Promise<boolean> }): SpamStage {
  return {
    name: 'duplicate',
    async run(c) {
      if (await deps.isDuplicate(c.articleId, c.authorEmail, c.body)) {
        throw new AppError('CONFLICT', 'Duplicate comment: you have already said that.')
      }
      return undefined
    },
  }
}

/** Emails, email domains and IPs a moderator blocked. */
export function blockStage(deps: { emailBlocked(email: string): Promise<boolean>; ipBlocked(ip: string): Promise<boolean> }): SpamStage {
  return {
    name: 'blocks',
    async run(c) {
      if (await deps.emailBlocked(c.authorEmail)) return spam('blocked_email')
      if (await deps.ipBlocked(c.ip)) return spam('blocked_ip')
      return undefined
    },
  }
}

/** The documented trap field: people never see it (the frontend hides it), bots fill it in. */
export function honeypotStage(): SpamStage {
  return {
    name: 'honeypot',
    async run(c) {
      return c.honeypot !== null && c.honeypot !== '' ? spam('honeypot') : undefined
    },
  }
}

export function linksStage(maxLinks: number): SpamStage {
  return {
    name: 'links',
    async run(c) {
      return countLinks(c.body) > maxLinks ? spam('too_many_links') : undefined
    },
  }
}

/** Words that make a comment spam wherever they appear (name, email, website, text), case-insensitively, like WordPress's disallowed keys. */
export function blocklistStage(words: string[]): SpamStage {
  const list = words.map((w) => w.toLowerCase()).filter(Boolean)
  return {
    name: 'blocklist',
    async run(c) {
      if (list.length === 0) return undefined
      const haystack = [c.authorName, c.authorEmail, c.authorWebsite ?? '', c.body].join('\n').toLowerCase()
      return list.some((word) => haystack.includes(word)) ? spam('blocklist') : undefined
    },
  }
}

export function toAkismetComment(c: CommentCandidate): AkismetComment {
  return {
    blog: c.blog,
    user_ip: c.ip,
    user_agent: c.userAgent,
    referrer: c.referrer,
    permalink: c.permalink,
    comment_type: c.isReply ? 'reply' : 'comment',
    comment_author: c.authorName,
    comment_author_email: c.authorEmail,
    comment_author_url: c.authorWebsite ?? undefined,
    comment_content: c.body,
    comment_date_gmt: c.createdAt.toISOString(),
  }
}

/**
 * Akismet, when configured. When it cannot answer (down, slow, bad answer) the comment is held for
 * a human: never lost, never approved on the strength of the other checks alone.
 */
export function akismetStage(client: AkismetClient | undefined, onError: (error: unknown) => void = () => {}): SpamStage {
  return {
    name: 'akismet',
    async run(c) {
      if (!client) return undefined
      try {
        const verdict = await client.commentCheck(toAkismetComment(c))
        if (!verdict.spam) return { akismet: 'ham' }
        return { akismet: 'spam', verdict: { status: 'spam', reasons: ['akismet'], discard: verdict.discard } }
      } catch (error) {
        onError(error)
        return { akismet: 'unavailable', verdict: { status: 'pending', reasons: ['akismet_unavailable'] } }
      }
    },
  }
}

/** WordPress's rule: a commenter with an earlier approved comment is approved; a first-time commenter waits for a moderator. */
export function firstTimeStage(deps: { hasApprovedComment(email: string): Promise<boolean> }): SpamStage {
  return {
    name: 'first_time',
    async run(c) {
      return (await deps.hasApprovedComment(c.authorEmail))
        ? { verdict: { status: 'approved', reasons: [] } }
        : { verdict: { status: 'pending', reasons: ['first_comment'] } }
    },
  }
}
