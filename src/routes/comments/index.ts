import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { addCacheKeys, cacheUntil } from '../../plugins/caching.js'
import { articleKey, commentsKey } from '../../services/cache-keys.js'
import { keysPerEmail } from '../../plugins/idempotency.js'
import { rateLimited } from '../../plugins/rate-limit.js'
import { problemResponses } from '../../schemas/common.js'
import { sendList } from '../shared.js'
import { ArticleSlugParams, CommentCreateBody, CommentThreadQuery, CommentThreadResponse, SubmittedResponse } from './schemas.js'

const tags = ['Comments']

export const commentRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/articles/:slug/comments',
    {
      config: { cache: 'public', cacheTags: ['comments'] },
      schema: {
        operationId: 'listArticleComments',
        summary: 'The comment thread of an article',
        description:
          'Approved comments as a thread: top-level comments oldest first, paginated (`page`, `limit`); replies nested under their parent in `replies` (oldest first, at most `meta.max_depth` levels). A deleted or hidden comment that has visible replies stays as a tombstone (`deleted: true`, body "[deleted]") so the thread keeps its shape. Bodies are plain text. Commenters’ emails, IPs and user agents are never returned.',
        tags,
        params: ArticleSlugParams,
        querystring: CommentThreadQuery,
        response: {
          200: CommentThreadResponse,
          301: { description: 'The article moved to a new slug (see Location)', ...Type.Null() },
          ...problemResponses(400, 404),
        },
      },
    },
    async (request, reply) => {
      const found = await app.services.comments.thread(request.params.slug, request.query)
      if (found.kind === 'redirect') return reply.redirect(`${app.config.publicUrl}/v1/articles/${encodeURIComponent(found.slug)}/comments`, 301)
      // Purged with the article (unpublished, deleted) and by its comments' events.
      addCacheKeys(request, [articleKey(found.articleId), commentsKey(found.articleId)])
      cacheUntil(request, found.changesAt)
      return sendList(request, reply, found.result)
    },
  )

  app.post(
    '/articles/:slug/comments',
    {
      config: { idempotent: keysPerEmail('author_email') },
      schema: {
        operationId: 'createArticleComment',
        summary: 'Leave a comment or a reply',
        description: [
          'No account needed. Every comment goes through the spam pipeline: the `honeypot` trap field, link count and blocked words, exact duplicates (409), blocked emails and IPs, Akismet when the server has a key, and the first-time rule — a commenter with an earlier approved comment is approved at once (201), a first-time commenter waits for a moderator (202, `status: "pending"`). Spam answers 202 with `status: "spam"`.',
          'Closed comments (by the editor, or automatically some days after publication) answer 403 `COMMENTS_CLOSED`; an unknown or unpublished article, or a `parent_id` that is not a visible comment of this article, 404. Too many comments from one IP or email address in a minute answer 429 with `Retry-After`.',
          'An `Idempotency-Key` makes a retry safe: the same key and comment get the first answer back (`Idempotent-Replayed: true`) and nothing is stored twice; keys belong to the `author_email`.',
        ].join('\n\n'),
        tags,
        params: ArticleSlugParams,
        body: CommentCreateBody,
        response: {
          201: { description: 'Approved: the comment is visible now', ...SubmittedResponse },
          202: { description: 'Held: pending moderation, or spam', ...SubmittedResponse },
          ...problemResponses(400, 403, 404, 409, 413, 415, 429),
        },
      },
    },
    async (request, reply) => {
      // Every attempt counts, whatever becomes of it.
      const [byIp, byEmail] = await Promise.all([app.limiters.commentByIp(request), app.limiters.commentByEmail(request)])
      if (byIp.isExceeded || byEmail.isExceeded) {
        const wait = Math.max(byIp.isExceeded ? (byIp.ttlInSeconds ?? 60) : 0, byEmail.isExceeded ? (byEmail.ttlInSeconds ?? 60) : 0)
        throw rateLimited(wait, 'Too many comments in a short time. Wait before commenting again.')
      }
      const result = await app.services.comments.submit(request.params.slug, request.body, {
        ip: request.ip,
        userAgent: request.headers['user-agent'],
        referrer: request.headers.referer,
      })
      return reply.code(result.visible ? 201 : 202).send({ data: result.comment })
    },
  )
}
