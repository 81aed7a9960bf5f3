import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { DataOf, ListOf, NoQuery, PaginationQuery, problemResponses, ref } from '../../../schemas/common.js'
import { Author, Section, Tag } from '../../../schemas/content.js'
import { ROLES } from '../../../services/actor.js'
import { sendList } from '../../shared.js'
import { withHeaders } from '../../../schemas/headers.js'
import { preconditionOf, versionEtag } from '../preconditions.js'
import {
  AuthorCreateBody,
  AuthorDeleteQuery,
  AuthorUpdateBody,
  SectionCreateBody,
  SectionDeleteQuery,
  SectionOrderBody,
  SectionUpdateBody,
  SlugParam,
  TagCreateBody,
  TagUpdateBody,
} from './schemas.js'

const everyone = { roles: ROLES }
const staff = { roles: ['admin', 'editor'] as const }
const Deleted = { 204: { description: 'Deleted', ...Type.Null() } }
const listOf = <T extends Parameters<typeof ref>[0]>(schema: T) =>
  Type.Object({ data: Type.Array(ref(schema)) }, { additionalProperties: false })

/** Answers carry the version as their ETag: send it back as If-Match to edit or delete. */
const versioned = <T extends Parameters<typeof ref>[0]>(schema: T) => withHeaders(DataOf(ref(schema)), 'ETag')

export const adminTaxonomyRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { taxonomy, publicSite } = app.services
  const s = { tags: ['Editor: sections'] }
  app.get('/sections', { config: everyone, schema: { ...s, operationId: 'adminListSections', summary: 'List sections in order', querystring: NoQuery, response: { 200: listOf(Section), ...problemResponses(400) } } }, async () => ({
    data: await publicSite.sections(),
  }))
  app.post('/sections', { config: { ...staff, idempotent: true }, schema: { ...s, operationId: 'adminCreateSection', summary: 'Create a section (added last)', body: SectionCreateBody, response: { 201: versioned(Section), ...problemResponses(400, 409, 422) } } }, async (request, reply) => {
    const { value, version } = await taxonomy.createSection(request.actor!, request.body)
    return reply.code(201).header('etag', versionEtag(version)).send({ data: value })
  })
  app.put('/sections/order', { config: { ...staff, idempotent: true }, schema: { ...s, operationId: 'adminReorderSections', summary: 'Set the navigation order', body: SectionOrderBody, response: { 200: listOf(Section), ...problemResponses(400, 422) } } }, async (request) => ({
    data: await taxonomy.reorderSections(request.actor!, request.body.sections),
  }))
  app.patch('/sections/:slug', { config: { ...staff, idempotent: true }, schema: { ...s, operationId: 'adminUpdateSection', summary: 'Rename or describe a section', description: 'Needs If-Match (or version).', params: SlugParam, body: SectionUpdateBody, response: { 200: versioned(Section), ...problemResponses(400, 404, 409, 412, 428) } } }, async (request, reply) => {
    const { version, ...input } = request.body
    const updated = await taxonomy.updateSection(request.actor!, request.params.slug, preconditionOf(request, version), input)
    reply.header('etag', versionEtag(updated.version))
    return { data: updated.value }
  })
  app.delete(
    '/sections/:slug',
    { config: { ...staff, idempotent: true }, schema: { ...s, operationId: 'adminDeleteSection', summary: 'Delete a section', description: 'Needs If-Match. Refused (409) while it has articles, unless move_to names where they go.', params: SlugParam, querystring: SectionDeleteQuery, response: { ...Deleted, ...problemResponses(400, 404, 409, 412, 422, 428) } } },
    async (request, reply) => {
      await taxonomy.deleteSection(request.actor!, request.params.slug, preconditionOf(request), request.query.move_to)
      return reply.code(204).send(null)
    },
  )

  const t = { tags: ['Editor: tags'] }
  const TagQuery = Type.Object({ limit: PaginationQuery.limit, page: PaginationQuery.page }, { additionalProperties: false })
  app.get('/tags', { config: everyone, schema: { ...t, operationId: 'adminListTags', summary: 'List tags', querystring: TagQuery, response: { 200: ListOf(ref(Tag)), ...problemResponses(400) } } }, async (request, reply) =>
    sendList(request, reply, await publicSite.tags(request.query)),
  )
  app.post('/tags', { config: { ...staff, idempotent: true }, schema: { ...t, operationId: 'adminCreateTag', summary: 'Create a tag', body: TagCreateBody, response: { 201: versioned(Tag), ...problemResponses(400, 409, 422) } } }, async (request, reply) => {
    const { value, version } = await taxonomy.createTag(request.actor!, request.body)
    return reply.code(201).header('etag', versionEtag(version)).send({ data: value })
  })
  app.patch('/tags/:slug', { config: { ...staff, idempotent: true }, schema: { ...t, operationId: 'adminUpdateTag', summary: 'Update a tag', description: 'Needs If-Match (or version).', params: SlugParam, body: TagUpdateBody, response: { 200: versioned(Tag), ...problemResponses(400, 404, 409, 412, 428) } } }, async (request, reply) => {
    const { version, ...input } = request.body
    const updated = await taxonomy.updateTag(request.actor!, request.params.slug, preconditionOf(request, version), input)
    reply.header('etag', versionEtag(updated.version))
    return { data: updated.value }
  })
  app.delete('/tags/:slug', { config: { ...staff, idempotent: true }, schema: { ...t, operationId: 'adminDeleteTag', summary: 'Delete a tag (and remove it from its articles)', description: 'Needs If-Match.', params: SlugParam, response: { ...Deleted, ...problemResponses(400, 404, 412, 428) } } }, async (request, reply) => {
    await taxonomy.deleteTag(request.actor!, request.params.slug, preconditionOf(request))
    return reply.code(204).send(null)
  })

  const a = { tags: ['Editor: authors'] }
  app.get('/authors', { config: everyone, schema: { ...a, operationId: 'adminListAuthors', summary: 'List author profiles', querystring: NoQuery, response: { 200: listOf(Author), ...problemResponses(400) } } }, async () => ({
    data: await publicSite.authors(),
  }))
  app.post('/authors', { config: { ...staff, idempotent: true }, schema: { ...a, operationId: 'adminCreateAuthor', summary: 'Create an author profile', body: AuthorCreateBody, response: { 201: versioned(Author), ...problemResponses(400, 409, 422) } } }, async (request, reply) => {
    const { value, version } = await taxonomy.createAuthor(request.actor!, request.body)
    return reply.code(201).header('etag', versionEtag(version)).send({ data: value })
  })
  app.patch(
    '/authors/:slug',
    { config: { ...everyone, idempotent: true }, schema: { ...a, operationId: 'adminUpdateAuthor', summary: 'Update an author profile', description: 'Needs If-Match (or version). Authors and contributors may edit the profile linked to their own account.', params: SlugParam, body: AuthorUpdateBody, response: { 200: versioned(Author), ...problemResponses(400, 404, 409, 412, 428) } } },
    async (request, reply) => {
      const { version, ...input } = request.body
      const updated = await taxonomy.updateAuthor(request.actor!, request.params.slug, preconditionOf(request, version), input)
      reply.header('etag', versionEtag(updated.version))
      return { data: updated.value }
    },
  )
  app.delete(
    '/authors/:slug',
    { config: { ...staff, idempotent: true }, schema: { ...a, operationId: 'adminDeleteAuthor', summary: 'Delete an author profile', description: 'Needs If-Match. Refused (409) while it has articles, unless reassign_to names who gets them.', params: SlugParam, querystring: AuthorDeleteQuery, response: { ...Deleted, ...problemResponses(400, 404, 409, 412, 422, 428) } } },
    async (request, reply) => {
      await taxonomy.deleteAuthor(request.actor!, request.params.slug, preconditionOf(request), request.query.reassign_to)
      return reply.code(204).send(null)
    },
  )
}
