import multipart, { type Multipart } from '@fastify/multipart'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { Value } from 'typebox/value'
import { AppError } from '../../../errors.js'
import { compileForText } from '../../../plugins/validation.js'
import { DataOf, IdParams, ListOf, NoQuery, problemResponses, ref } from '../../../schemas/common.js'
import { withHeaders } from '../../../schemas/headers.js'
import { ROLES } from '../../../services/actor.js'
import { processingBusy, type UploadInput } from '../../../services/media/library.js'
import { rateLimited } from '../../../plugins/rate-limit.js'
import { sendList } from '../../shared.js'
import { preconditionOf, versionEtag } from '../preconditions.js'
import { Media, MediaUsage } from '../../../schemas/media.js'
import { MediaDeleteQuery, MediaListQuery, MediaUpdateBody, UploadBodyDoc, UploadFields } from './schemas.js'

const everyone = { roles: ROLES }
const tags = ['Editor: media']
/** Answers carry the version as their ETag (send it back as If-Match); a created one its Location too. */
const Single = withHeaders(DataOf(ref(Media)), 'ETag')
const Created = withHeaders(DataOf(ref(Media)), 'Location', 'ETag')

const bodyProblem = (name: string, reason: string) => new AppError('VALIDATION_FAILED', `Invalid body: ${name} ${reason}`, { invalidParams: [{ name, reason }] })

/**
 * What went wrong reading a multipart body, as a client error: everything in it comes from the
 * client's bytes (a boundary that never comes, a truncated body, limits), never from the server.
 */
function multipartProblem(error: unknown, maxBytes: number): AppError {
  if (error instanceof AppError) return error
  const code = (error as { code?: string }).code
  switch (code) {
    case 'FST_REQ_FILE_TOO_LARGE':
      return new AppError('PAYLOAD_TOO_LARGE', `The file is larger than ${maxBytes} bytes (MEDIA_MAX_BYTES)`)
    case 'FST_FILES_LIMIT':
      return bodyProblem('body.file', 'must be sent once')
    case 'FST_PARTS_LIMIT':
    case 'FST_FIELDS_LIMIT':
      return bodyProblem('body', 'has too many parts (one "file" and the metadata fields are expected)')
    case 'FST_PROTO_VIOLATION':
      return bodyProblem('body', 'has a part named like a prototype property')
    default:
      return bodyProblem('body', `is not well-formed multipart/form-data: ${String((error as Error)?.message ?? error).slice(0, 200)}`)
  }
}

/** Reads the multipart body: one `file` part (buffered up to MEDIA_MAX_BYTES) and the metadata fields. */
async function readUpload(request: FastifyRequest, maxBytes: number): Promise<UploadInput> {
  if (!request.isMultipart()) throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the image as multipart/form-data with a "file" part')
  const fields: Record<string, string> = {}
  let file: { bytes: Buffer; filename: string } | undefined
  const invalid = (name: string, reason: string): never => {
    throw bodyProblem(`body.${name}`, reason)
  }
  try {
    for await (const part of request.parts() as AsyncIterableIterator<Multipart>) {
      if (!part.fieldname) throw bodyProblem('body', 'has a part without a name (Content-Disposition: form-data; name="…")')
      if (part.type === 'file') {
        if (part.fieldname !== 'file') invalid(part.fieldname, 'is not a known field (the image goes in "file")')
        if (file) invalid('file', 'must be sent once')
        file = { bytes: await part.toBuffer(), filename: part.filename || 'image' }
      } else {
        if (part.valueTruncated) invalid(part.fieldname, 'is too long')
        if (part.fieldname in fields) invalid(part.fieldname, 'must be sent once')
        fields[part.fieldname] = String(part.value)
      }
    }
  } catch (error) {
    throw multipartProblem(error, maxBytes)
  }
  if (!file) return invalid('file', 'is required')
  if (file.bytes.length === 0) return invalid('file', 'is empty')
  const errors = [...Value.Errors(UploadFields, fields)]
  if (errors.length > 0) {
    const first = errors[0]!
    const name = first.instancePath.replace(/^\//, '') || String((first.params as { additionalProperties?: string[] }).additionalProperties?.[0] ?? 'body')
    invalid(name, first.keyword === 'additionalProperties' ? 'is not a known field' : first.message)
  }
  if ((fields.focal_x === undefined) !== (fields.focal_y === undefined)) invalid('focal_x', 'and focal_y must be sent together')
  return {
    bytes: file.bytes,
    filename: file.filename,
    ...(fields.alt !== undefined ? { alt: fields.alt } : {}),
    ...(fields.caption !== undefined ? { caption: fields.caption } : {}),
    ...(fields.credit !== undefined ? { credit: fields.credit } : {}),
    ...(fields.focal_x !== undefined && fields.focal_y !== undefined ? { focal_point: { x: Number(fields.focal_x), y: Number(fields.focal_y) } } : {}),
  }
}

export const adminMediaRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const maxBytes = app.config.media.maxBytes
  await app.register(multipart, { limits: { fileSize: maxBytes, files: 1, fields: 10, fieldSize: 2000, parts: 12, headerPairs: 100 } })

  app.post(
    '/media',
    {
      config: { ...everyone, idempotent: true },
      // The multipart body is read (and checked) by the handler as a stream; the schema documents it.
      validatorCompiler: ({ schema, httpPart }) => (httpPart === 'body' ? () => true : compileForText(schema)),
      schema: {
        operationId: 'adminUploadMedia',
        summary: 'Upload an image',
        description:
          'multipart/form-data with a `file` part and optional `alt`, `caption`, `credit`, `focal_x`/`focal_y` fields. The type is detected from the content (JPEG, PNG, WebP, AVIF, GIF); anything else — SVG, HTML, a renamed file — is 415. Over MEDIA_MAX_BYTES is 413; over MEDIA_MAX_PIXELS, or unreadable, is 422. Everything served is re-encoded without EXIF/GPS; renditions are made at once. Each user may upload MEDIA_UPLOAD_RATE images a minute (429 beyond); when every processing slot is busy and MEDIA_PROCESSING_QUEUE uploads already wait, the answer is 503 — both with Retry-After.',
        tags,
        consumes: ['multipart/form-data'],
        body: UploadBodyDoc,
        querystring: NoQuery,
        response: { 201: Created, ...problemResponses(400, 413, 415, 422, 429, 503) },
      },
    },
    async (request, reply) => {
      // Refused before the body is read: counting every attempt, and when no image could be processed now.
      const limit = await app.limiters.mediaUploadByUser(request)
      if (limit.isExceeded) throw rateLimited(limit.ttlInSeconds ?? 60, `At most ${app.config.media.uploadRatePerUser} uploads per minute (MEDIA_UPLOAD_RATE). Retry later.`)
      const processing = app.services.media.processing
      if (processing.full()) throw processingBusy(processing.retryAfter())
      const input = await readUpload(request, maxBytes)
      const item = await app.services.media.upload(request.actor!, input)
      return reply
        .code(201)
        .header('location', `${app.config.publicUrl}/v1/admin/media/${item.id}`)
        .header('etag', versionEtag(item.version))
        .send({ data: item })
    },
  )

  app.get(
    '/media',
    {
      config: everyone,
      schema: {
        operationId: 'adminListMedia',
        summary: 'List and search the media library',
        description: 'Newest first, page mode with totals.',
        tags,
        querystring: MediaListQuery,
        response: { 200: ListOf(ref(Media)), ...problemResponses(400) },
      },
    },
    async (request, reply) => sendList(request, reply, await app.services.media.list(request.actor!, request.query)),
  )

  app.get(
    '/media/:id',
    {
      config: everyone,
      schema: {
        operationId: 'adminGetMedia',
        summary: 'One media item',
        description: 'The ETag is the version: send it back as If-Match when you write.',
        tags,
        params: IdParams,
        querystring: NoQuery,
        response: { 200: Single, ...problemResponses(400, 404) },
      },
    },
    async (request, reply) => {
      const item = await app.services.media.get(request.actor!, request.params.id)
      reply.header('etag', versionEtag(item.version))
      return { data: item }
    },
  )

  app.patch(
    '/media/:id',
    {
      config: { ...everyone, idempotent: true },
      schema: {
        operationId: 'adminUpdateMedia',
        summary: "Update an item's alt text, caption, credit or focal point",
        description:
          'Needs If-Match: "v<version>" (or a `version` field): 428 without, 412 (409 for the field) when someone saved in between. Authors and contributors edit only what they uploaded. Published articles showing the item are refreshed (caches, webhooks).',
        tags,
        params: IdParams,
        body: MediaUpdateBody,
        response: { 200: Single, ...problemResponses(400, 404, 409, 412, 428) },
      },
    },
    async (request, reply) => {
      const { version, ...input } = request.body
      const item = await app.services.media.update(request.actor!, request.params.id, preconditionOf(request, version), input)
      reply.header('etag', versionEtag(item.version))
      return { data: item }
    },
  )

  app.delete(
    '/media/:id',
    {
      config: { ...everyone, idempotent: true },
      schema: {
        operationId: 'adminDeleteMedia',
        summary: 'Delete an item and its files',
        description:
          '409 while an article uses it (featured image or body), unless `force=true`: then those articles lose their featured image (body images keep pointing at the deleted files). An If-Match, when sent, must match. Authors and contributors delete only what they uploaded.',
        tags,
        params: IdParams,
        querystring: MediaDeleteQuery,
        response: { 204: { description: 'Deleted', ...Type.Null() }, ...problemResponses(400, 404, 409, 412) },
      },
    },
    async (request, reply) => {
      const precondition = typeof request.headers['if-match'] === 'string' ? preconditionOf(request) : undefined
      await app.services.media.delete(request.actor!, request.params.id, { force: request.query.force ?? false, precondition })
      return reply.code(204).send(null)
    },
  )

  app.get(
    '/media/:id/usage',
    {
      config: everyone,
      schema: {
        operationId: 'adminMediaUsage',
        summary: 'Which articles use an item',
        description:
          'The articles you may open in the editor (editors and admins: all; authors and contributors: their own), newest change first. `meta.others` counts the articles that also use the item but that you may not see.',
        tags,
        params: IdParams,
        querystring: NoQuery,
        response: {
          200: Type.Object(
            {
              data: Type.Array(ref(MediaUsage)),
              meta: Type.Object({ others: Type.Integer({ minimum: 0, description: 'Articles using the item that you may not see' }) }, { additionalProperties: false }),
            },
            { additionalProperties: false },
          ),
          ...problemResponses(400, 404),
        },
      },
    },
    async (request) => {
      const { items, others } = await app.services.media.usage(request.actor!, request.params.id)
      return { data: items, meta: { others } }
    },
  )
}
