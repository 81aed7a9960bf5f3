import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { IdParams, NoQuery, problemResponses } from '../../../schemas/common.js'
import { withHeaders } from '../../../schemas/headers.js'
import { sendList } from '../../shared.js'
import { preconditionOf, versionEtag } from '../preconditions.js'
import {
  BlockBody,
  BlockList,
  BlockQuery,
  BulkBody,
  BulkResponse,
  CommentUpdateBody,
  ModerationList,
  ModerationQuery,
  ReplyBody,
  SingleBlock,
  SingleComment,
} from './schemas.js'

const moderators = { roles: ['admin', 'editor'] as const }
const tags = ['Editor: comments']
const NoContent = { description: 'Done', ...Type.Null() }
/** Answers carry the comment's version as their ETag: send it back as If-Match to moderate, edit or delete it. */
const VersionedComment = withHeaders(SingleComment, 'ETag')

export const adminCommentRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const moderation = app.services.commentModeration
  const blocks = app.services.commentBlocks

  app.get(
    '/comments',
    {
      config: moderators,
      schema: {
        tags,
        operationId: 'adminListComments',
        summary: 'The moderation queue: comments by status, article and search',
        description: 'Newest first. Default status: pending and approved (spam and trash when asked for). `meta.counts` has the number per status for the same article and search.',
        querystring: ModerationQuery,
        response: { 200: ModerationList, ...problemResponses(400) },
      },
    },
    async (request, reply) => sendList(request, reply, await moderation.list(request.query)),
  )

  app.get(
    '/comments/:id',
    { config: moderators, schema: { tags, operationId: 'adminGetComment', summary: 'Get a comment', params: IdParams, querystring: NoQuery, response: { 200: VersionedComment, ...problemResponses(400, 404) } } },
    async (request, reply) => {
      const comment = await moderation.get(request.params.id)
      return reply.header('etag', versionEtag(comment.version)).send({ data: comment })
    },
  )

  app.patch(
    '/comments/:id',
    {
      config: { ...moderators, idempotent: true },
      schema: {
        tags,
        operationId: 'adminUpdateComment',
        summary: 'Approve, unapprove, mark spam, trash or restore a comment; edit it',
        description:
          'Needs If-Match (or version): two moderators acting on the same comment never overrule each other unseen. Marking as spam a comment Akismet passed, or approving one it caught, reports the correction to Akismet (submit-spam / submit-ham, through the outbox). The article’s comment_count changes in the same transaction.',
        params: IdParams,
        body: CommentUpdateBody,
        response: { 200: VersionedComment, ...problemResponses(400, 404, 409, 412, 428) },
      },
    },
    async (request, reply) => {
      const { version, ...edit } = request.body
      const comment = await moderation.update(request.actor!, request.params.id, preconditionOf(request, version), edit)
      return reply.header('etag', versionEtag(comment.version)).send({ data: comment })
    },
  )

  app.delete(
    '/comments/:id',
    {
      config: { ...moderators, idempotent: true },
      schema: {
        tags,
        operationId: 'adminDeleteComment',
        summary: 'Delete a comment for good',
        description: 'Needs If-Match. A comment with replies stays in the thread as a "[deleted]" tombstone, its text and personal data erased.',
        params: IdParams,
        response: { 204: NoContent, ...problemResponses(400, 404, 412, 428) },
      },
    },
    async (request, reply) => {
      await moderation.delete(request.actor!, request.params.id, preconditionOf(request))
      return reply.code(204).send(null)
    },
  )

  app.post(
    '/comments/bulk',
    {
      config: { ...moderators, idempotent: true },
      schema: {
        tags,
        operationId: 'adminBulkModerateComments',
        summary: 'Set the status of many comments',
        description:
          'Each id succeeds or fails on its own (`ok`, and `code` when not); the answer lists them in order. Like WordPress’s bulk actions, each status applies to the comment as it is now (no If-Match): to act only on the copy you read, PATCH it with If-Match.',
        body: BulkBody,
        response: { 200: BulkResponse, ...problemResponses(400) },
      },
    },
    async (request) => ({ data: await moderation.bulk(request.actor!, request.body.ids, request.body.status) }),
  )

  app.post(
    '/comments/:id/replies',
    {
      config: { ...moderators, idempotent: true },
      schema: {
        tags,
        operationId: 'adminReplyToComment',
        summary: 'Reply as staff',
        description: 'Approved at once and marked `is_staff`. Replying to a pending comment approves it; a comment in spam or trash must be restored first (422).',
        params: IdParams,
        body: ReplyBody,
        response: { 201: withHeaders(SingleComment, 'Location'), ...problemResponses(400, 404, 422) },
      },
    },
    async (request, reply) => {
      const comment = await moderation.reply(request.actor!, request.params.id, request.body)
      return reply.code(201).header('location', `${app.config.publicUrl}/v1/admin/comments/${comment.id}`).send({ data: comment })
    },
  )

  app.get(
    '/comment-blocks',
    { config: moderators, schema: { tags, operationId: 'adminListCommentBlocks', summary: 'Blocked emails, domains and IPs', querystring: BlockQuery, response: { 200: BlockList, ...problemResponses(400) } } },
    async (request) => ({ data: await blocks.list(request.query.kind) }),
  )

  app.post(
    '/comment-blocks',
    {
      config: { ...moderators, idempotent: true },
      schema: {
        tags,
        operationId: 'adminCreateCommentBlock',
        summary: 'Block an email, an email domain, an IP or an IP range',
        description: 'New comments from a blocked sender go to spam.',
        body: BlockBody,
        response: { 201: SingleBlock, ...problemResponses(400, 409, 422) },
      },
    },
    async (request, reply) => reply.code(201).send({ data: await blocks.create(request.actor!, request.body) }),
  )

  app.delete(
    '/comment-blocks/:id',
    { config: { ...moderators, idempotent: true }, schema: { tags, operationId: 'adminDeleteCommentBlock', summary: 'Unblock', params: IdParams, response: { 204: NoContent, ...problemResponses(400, 404) } } },
    async (request, reply) => {
      await blocks.delete(request.actor!, request.params.id)
      return reply.code(204).send(null)
    },
  )
}
