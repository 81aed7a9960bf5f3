import type { ArticleNoteRow } from '../../db/repositories/review.js'
import type { UnitOfWork } from '../../db/repositories/index.js'
import type { Clock } from '../../lib/clock.js'
import type { Actor } from '../actor.js'
import { audit } from '../audit.js'
import { queueReviewEmails } from './review-mail.js'
import { loadArticle } from './rules.js'

export function presentNote(row: ArticleNoteRow) {
  return {
    id: row.id,
    body: row.body,
    author: { id: row.authorId, name: row.authorName },
    article_version: row.articleVersion,
    transition: row.transition,
    created_at: row.createdAt.toISOString(),
  }
}

/**
 * The editorial thread of an article: internal, never in a public response or a webhook. Whoever
 * may read the draft may read and write its notes, in review too (the writer answers the desk
 * there while the article itself is read-only to them). A note is kept against the version it was
 * written on, and emails the others in the conversation.
 */
export function createArticleNotes(deps: { uow: UnitOfWork; clock: Clock; publicUrl: string; kickOutbox: () => void }) {
  const { uow, clock } = deps
  return {
    async list(actor: Actor, articleId: string) {
      await loadArticle(uow.repos, actor, articleId)
      return (await uow.repos.review.listNotes(articleId)).map(presentNote)
    },

    async add(actor: Actor, articleId: string, body: string) {
      const note = await uow.transaction(async (repos) => {
        const article = await loadArticle(repos, actor, articleId)
        const now = clock.now()
        const text = body.trim()
        const row = await repos.review.insertNote({ articleId, authorId: actor.id, authorName: actor.name, body: text, articleVersion: article.version, createdAt: now })
        const adminUrl = `${deps.publicUrl}/v1/admin/articles/${articleId}`
        await queueReviewEmails(repos, { kind: 'review.note', article, actor, note: text, adminUrl, now })
        await audit(repos, actor, {
          action: 'article.note',
          entityType: 'article',
          entityId: articleId,
          summary: `Note on "${article.title}" (v${article.version})`,
          changes: { note_id: row.id, version: article.version },
        })
        return row
      })
      deps.kickOutbox()
      return presentNote(note)
    },
  }
}

export type ArticleNotes = ReturnType<typeof createArticleNotes>
