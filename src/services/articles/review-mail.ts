import type { ArticleRecord } from '../../db/repositories/articles.js'
import type { Repositories } from '../../db/repositories/index.js'
import type { Recipient } from '../../db/repositories/review.js'
import type { Actor } from '../actor.js'
import type { EmailMessage } from '../mailer.js'

/** The moments of the review workflow that email the people concerned. */
export type ReviewMailKind = 'review.submitted' | 'review.changes_requested' | 'review.approved' | 'review.note' | 'review.assigned'

export interface ReviewMoment {
  kind: ReviewMailKind
  /** The article after the change. */
  article: ArticleRecord
  actor: Actor
  /** The note written with the change (or the new note itself). */
  note: string | null
  /** Where the article is in the editor API. */
  adminUrl: string
  now: Date
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)

/** What happened, in one line, for the subject and the first paragraph. */
function headline(moment: ReviewMoment): { subject: string; lead: string } {
  const { article, actor } = moment
  // Subjects carry the title bare (quotes would make mail clients' headers encoded words).
  const title = article.title
  const quoted = `“${article.title}”`
  switch (moment.kind) {
    case 'review.submitted':
      return { subject: `Submitted for review: ${title}`, lead: `${actor.name} submitted ${quoted} for review.` }
    case 'review.changes_requested':
      return { subject: `Changes requested: ${title}`, lead: `${actor.name} asks for changes to ${quoted} before it can go out.` }
    case 'review.approved':
      return article.status === 'scheduled'
        ? { subject: `Approved and scheduled: ${title}`, lead: `${actor.name} approved ${quoted}: it is scheduled for ${article.publishedAt?.toISOString() ?? 'later'}.` }
        : { subject: `Approved and published: ${title}`, lead: `${actor.name} approved and published ${quoted}.` }
    case 'review.note':
      return { subject: `New note on ${title}`, lead: `${actor.name} wrote a note on ${quoted}.` }
    case 'review.assigned':
      return { subject: `Assigned to you: ${title}`, lead: `${actor.name} assigned ${quoted} (${article.status.replace('_', ' ')}) to you.` }
  }
}

export function reviewEmail(moment: ReviewMoment, to: Recipient): EmailMessage {
  const { subject, lead } = headline(moment)
  const notesUrl = `${moment.adminUrl}/notes`
  const text = [
    `Hello ${to.name},`,
    '',
    lead,
    ...(moment.note ? ['', 'Note:', moment.note] : []),
    '',
    `The article: ${moment.adminUrl}`,
    `Its notes: ${notesUrl}`,
    '',
    'You receive these emails because you take part in this article. Turn them off with PATCH /v1/auth/me/notifications {"notify_email": false}.',
  ].join('\n')
  const html = `<!doctype html><html><body style="font-family:sans-serif;line-height:1.5">
<p>Hello ${escapeHtml(to.name)},</p>
<p>${escapeHtml(lead)}</p>
${moment.note ? `<blockquote style="border-left:3px solid #ccc;margin:0;padding-left:1em;white-space:pre-wrap">${escapeHtml(moment.note)}</blockquote>` : ''}
<p><a href="${escapeHtml(moment.adminUrl)}">The article</a> · <a href="${escapeHtml(notesUrl)}">Its notes</a></p>
<p style="color:#555;font-size:small">You receive these emails because you take part in this article; you can turn them off in your notification settings.</p>
</body></html>`
  return { to: to.email, subject, text, html }
}

/**
 * Who is concerned: an assignment goes to the new assignee; a submission to the article's
 * assignee, or to the desk (every editor) when nobody is assigned; a review outcome to the article's writers (its creator and the accounts
 * of its byline); a note to everyone else in the conversation (writers, assignee, submitter and
 * whoever wrote in the thread). Never the person who acted, never an account that turned
 * workflow emails off or is disabled.
 */
async function recipients(repos: Repositories, moment: ReviewMoment): Promise<Recipient[]> {
  const { article } = moment
  let found: Recipient[]
  if (moment.kind === 'review.assigned') {
    found = article.assigneeId ? await repos.review.reachable([article.assigneeId]) : []
  } else if (moment.kind === 'review.submitted') {
    found = article.assigneeId ? await repos.review.reachable([article.assigneeId]) : await repos.review.deskRecipients()
  } else if (moment.kind === 'review.note') {
    const ids = new Set([...(await repos.review.writerIds(article)), ...(await repos.review.noteWriters(article.id))])
    if (article.assigneeId) ids.add(article.assigneeId)
    if (article.submittedBy) ids.add(article.submittedBy)
    found = await repos.review.reachable([...ids])
  } else {
    found = await repos.review.reachable(await repos.review.writerIds(article))
  }
  return found.filter((r) => r.id !== moment.actor.id)
}

/** Queues the moment's emails in the caller's transaction (the outbox sends them once it commits). */
export async function queueReviewEmails(repos: Repositories, moment: ReviewMoment): Promise<number> {
  const to = await recipients(repos, moment)
  for (const recipient of to) {
    await repos.outbox.enqueue({
      topic: 'email.send',
      payload: { ...reviewEmail(moment, recipient), kind: moment.kind, article_id: moment.article.id, user_id: recipient.id },
      runAt: moment.now,
    })
  }
  return to.length
}

/** The email a status change sends, if any: submitted, returned, or approved from review. */
export function reviewMailKind(before: ArticleRecord | null, after: ArticleRecord): ReviewMailKind | null {
  const from = before?.status ?? null
  if (after.status === from) return null
  if (after.status === 'in_review') return 'review.submitted'
  if (after.status === 'changes_requested') return 'review.changes_requested'
  if (from === 'in_review' && (after.status === 'scheduled' || after.status === 'published')) return 'review.approved'
  return null
}
