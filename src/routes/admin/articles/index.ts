import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { AdminArticle } from '../../../schemas/admin.js'
import { DataOf, IdParams, ListOf, NoQuery, problemResponses, ref } from '../../../schemas/common.js'
import { withHeaders } from '../../../schemas/headers.js'
import { ROLES } from '../../../services/actor.js'
import { sendList } from '../../shared.js'
import { preconditionOf, versionEtag } from '../preconditions.js'
import {
  AdminArticleListQuery,
  ArticleCreateBody,
  ArticleNote,
  NoteCreateBody,
  ArticleUpdateBody,
  Preview,
  Revision,
  RevisionParams,
  RevisionSummary,
} from './schemas.js'

const everyone = { roles: ROLES }
const tags = ['Editor: articles']
/** Answers carry the version as their ETag (send it back as If-Match); a created one its Location too. */
const Single = withHeaders(DataOf(ref(AdminArticle)), 'ETag')
const Created = withHeaders(DataOf(ref(AdminArticle)), 'Location', 'ETag')

export const adminArticleRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/articles',
    {
      config: everyone,
      schema: {
        operationId: 'adminListArticles',
        summary: 'List articles in every status',
        description:
          'Most recently updated first; the review queue (`status=in_review` alone) oldest submission first, with `submitted_at` and `submitted_by`. `assignee=me` (or a user id) filters by assignee. Authors and contributors see their own articles only.',
        tags,
        querystring: AdminArticleListQuery,
        response: { 200: ListOf(ref(AdminArticle)), ...problemResponses(400) },
      },
    },
    async (request, reply) => sendList(request, reply, await app.services.articles.list(request.actor!, request.query)),
  )

  app.post(
    '/articles',
    {
      config: { ...everyone, idempotent: true },
      schema: {
        operationId: 'adminCreateArticle',
        summary: 'Create an article',
        description: 'Draft by default. Contributors create drafts only; authors and editors may publish or schedule.',
        tags,
        body: ArticleCreateBody,
        response: { 201: Created, ...problemResponses(400, 409, 422) },
      },
    },
    async (request, reply) => {
      const article = await app.services.articles.create(request.actor!, request.body)
      return reply
        .code(201)
        .header('location', `${app.config.publicUrl}/v1/admin/articles/${article.id}`)
        .header('etag', versionEtag(article.version))
        .send({ data: article })
    },
  )

  app.get(
    '/articles/:id',
    {
      config: everyone,
      schema: {
        operationId: 'adminGetArticle',
        summary: 'Get an article (any status)',
        description: 'The ETag is the version: send it back as If-Match when you write.',
        tags,
        params: IdParams,
        querystring: NoQuery,
        response: { 200: Single, ...problemResponses(400, 404) },
      },
    },
    async (request, reply) => {
      const article = await app.services.articles.get(request.actor!, request.params.id)
      reply.header('etag', versionEtag(article.version))
      return { data: article }
    },
  )

  app.patch(
    '/articles/:id',
    {
      config: { ...everyone, idempotent: true },
      schema: {
        operationId: 'adminUpdateArticle',
        summary: 'Update an article',
        description:
          'Needs If-Match: "v<version>" (or a `version` field): 428 without, 412 (409 for the field) when someone saved in between. Every save writes a revision; a changed slug keeps the old one redirecting.',
        tags,
        params: IdParams,
        body: ArticleUpdateBody,
        response: { 200: Single, ...problemResponses(400, 404, 409, 412, 422, 428) },
      },
    },
    async (request, reply) => {
      const { version, ...input } = request.body
      const article = await app.services.articles.update(request.actor!, request.params.id, preconditionOf(request, version), input)
      reply.header('etag', versionEtag(article.version))
      return { data: article }
    },
  )

  app.delete(
    '/articles/:id',
    {
      config: { ...everyone, idempotent: true },
      schema: {
        operationId: 'adminDeleteArticle',
        summary: 'Delete an article',
        description: 'Needs If-Match. Contributors delete their own drafts only.',
        tags,
        params: IdParams,
        response: { 204: { description: 'Deleted', ...Type.Null() }, ...problemResponses(400, 404, 412, 428) },
      },
    },
    async (request, reply) => {
      await app.services.articles.delete(request.actor!, request.params.id, preconditionOf(request))
      return reply.code(204).send(null)
    },
  )

  app.get(
    '/articles/:id/revisions',
    {
      config: everyone,
      schema: {
        operationId: 'adminListRevisions',
        summary: "An article's revisions, newest first",
        tags,
        params: IdParams,
        querystring: NoQuery,
        response: { 200: Type.Object({ data: Type.Array(RevisionSummary) }, { additionalProperties: false }), ...problemResponses(400, 404) },
      },
    },
    async (request) => ({ data: await app.services.articles.revisions(request.actor!, request.params.id) }),
  )

  app.get(
    '/articles/:id/revisions/:version',
    {
      config: everyone,
      schema: {
        operationId: 'adminGetRevision',
        summary: 'One revision of an article',
        tags,
        params: RevisionParams,
        querystring: NoQuery,
        response: { 200: DataOf(Revision), ...problemResponses(400, 404) },
      },
    },
    async (request) => ({ data: await app.services.articles.revision(request.actor!, request.params.id, request.params.version) }),
  )

  app.post(
    '/articles/:id/revisions/:version/restore',
    {
      config: { ...everyone, idempotent: true },
      schema: {
        operationId: 'adminRestoreRevision',
        summary: 'Restore a revision as a new version',
        description: 'Brings back the content of that version (not its status). Needs If-Match of the current version.',
        tags,
        params: RevisionParams,
        response: { 200: Single, ...problemResponses(400, 404, 409, 412, 422, 428) },
      },
    },
    async (request, reply) => {
      const article = await app.services.articles.restore(request.actor!, request.params.id, request.params.version, preconditionOf(request))
      reply.header('etag', versionEtag(article.version))
      return { data: article }
    },
  )

  app.post(
    '/articles/:id/preview',
    {
      config: { ...everyone, idempotent: true },
      schema: {
        operationId: 'adminPreviewArticle',
        summary: 'A signed, expiring link to read a draft through the public API',
        tags,
        params: IdParams,
        response: { 200: DataOf(Preview), ...problemResponses(400, 404) },
      },
    },
    async (request) => ({ data: await app.services.articles.preview(request.actor!, request.params.id) }),
  )

  app.get(
    '/articles/:id/notes',
    {
      config: everyone,
      schema: {
        operationId: 'adminListArticleNotes',
        summary: "An article's editorial notes, oldest first",
        description: 'The internal thread between the writer and the desk; never public. Readable by whoever may read the article.',
        tags,
        params: IdParams,
        querystring: NoQuery,
        response: { 200: Type.Object({ data: Type.Array(ArticleNote) }, { additionalProperties: false }), ...problemResponses(400, 404) },
      },
    },
    async (request) => ({ data: await app.services.articleNotes.list(request.actor!, request.params.id) }),
  )

  app.post(
    '/articles/:id/notes',
    {
      config: { ...everyone, idempotent: true },
      schema: {
        operationId: 'adminCreateArticleNote',
        summary: 'Write a note on an article',
        description:
          'Kept against the current version; emails the others in the conversation (writers, assignee, submitter, earlier note writers) who take workflow emails. Writers may write notes while their article is in review.',
        tags,
        params: IdParams,
        body: NoteCreateBody,
        response: { 201: DataOf(ArticleNote), ...problemResponses(400, 404) },
      },
    },
    async (request, reply) => reply.code(201).send({ data: await app.services.articleNotes.add(request.actor!, request.params.id, request.body.body) }),
  )
}
