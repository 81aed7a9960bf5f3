import multipart, { type Multipart } from '@fastify/multipart'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { randomUUID } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { mkdir, open, rm } from 'node:fs/promises'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'
import { AppError } from '../../../errors.js'
import { compileForText } from '../../../plugins/validation.js'
import { DataOf, IdParams, NoQuery, problemResponses } from '../../../schemas/common.js'
import { withHeaders } from '../../../schemas/headers.js'
import { ImportBodyDoc, ImportJob } from './schemas.js'
import { EXTRA_CATEGORIES, PRIMARY_TAG, type ImportMapping } from '../../../services/import/model.js'

const admins = { roles: ['admin' as const] }
const tags = ['Editor: imports']

const bodyProblem = (name: string, reason: string) => new AppError('VALIDATION_FAILED', `Invalid body: ${name} ${reason}`, { invalidParams: [{ name, reason }] })

interface Upload {
  source: 'wordpress' | 'ghost'
  dryRun: boolean
  mapping: Partial<ImportMapping>
  filename: string
  filePath: string
  bytes: number
}

/**
 * Reads the multipart body, streaming the file to the spool folder (an archive export may be far
 * larger than memory). Any problem removes what was spooled and is a 4xx naming it.
 */
async function readImportUpload(request: FastifyRequest, spoolDir: string, maxBytes: number): Promise<Upload> {
  if (!request.isMultipart()) throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the export as multipart/form-data with a "file" part and a "source" field')
  await mkdir(spoolDir, { recursive: true })
  const fields: Record<string, string> = {}
  let file: { filename: string; filePath: string; bytes: number } | undefined
  const spooled: string[] = []
  try {
    for await (const part of request.parts() as AsyncIterableIterator<Multipart>) {
      if (part.type === 'file') {
        if (part.fieldname !== 'file') throw bodyProblem(`body.${part.fieldname}`, 'is not a known field (the export goes in "file")')
        if (file) throw bodyProblem('body.file', 'must be sent once')
        const filePath = path.join(spoolDir, `${randomUUID()}.upload`)
        spooled.push(filePath)
        let bytes = 0
        part.file.on('data', (chunk: Buffer) => (bytes += chunk.length))
        await pipeline(part.file, createWriteStream(filePath, { flags: 'wx' }))
        if (part.file.truncated) throw new AppError('PAYLOAD_TOO_LARGE', `The file is larger than ${maxBytes} bytes (IMPORT_MAX_BYTES)`)
        file = { filename: part.filename || 'export.xml', filePath, bytes }
      } else {
        if (!['source', 'dry_run', 'extra_categories', 'primary_tag'].includes(part.fieldname)) throw bodyProblem(`body.${part.fieldname}`, 'is not a known field')
        if (part.fieldname in fields) throw bodyProblem(`body.${part.fieldname}`, 'must be sent once')
        fields[part.fieldname] = String(part.value)
      }
    }
    if (fields.source === undefined) throw bodyProblem('body.source', 'is required (wordpress or ghost)')
    if (fields.source !== 'wordpress' && fields.source !== 'ghost') throw bodyProblem('body.source', 'must be wordpress or ghost')
    if (fields.dry_run !== undefined && fields.dry_run !== 'true' && fields.dry_run !== 'false') throw bodyProblem('body.dry_run', 'must be true or false')
    const mapping: Partial<ImportMapping> = {}
    if (fields.extra_categories !== undefined) {
      if (!(EXTRA_CATEGORIES as readonly string[]).includes(fields.extra_categories)) throw bodyProblem('body.extra_categories', `must be ${EXTRA_CATEGORIES.join(' or ')}`)
      if (fields.source !== 'wordpress') throw bodyProblem('body.extra_categories', 'applies to WordPress imports only')
      mapping.extraCategories = fields.extra_categories as ImportMapping['extraCategories']
    }
    if (fields.primary_tag !== undefined) {
      if (!(PRIMARY_TAG as readonly string[]).includes(fields.primary_tag)) throw bodyProblem('body.primary_tag', `must be ${PRIMARY_TAG.join(' or ')}`)
      if (fields.source !== 'ghost') throw bodyProblem('body.primary_tag', 'applies to Ghost imports only')
      mapping.primaryTag = fields.primary_tag as ImportMapping['primaryTag']
    }
    if (!file) throw bodyProblem('body.file', 'is required')
    if (file.bytes === 0) throw bodyProblem('body.file', 'is empty')
    // A cheap look at the start: a file that is not XML (WordPress) or JSON (Ghost) at all is refused now, not by the job.
    const handle = await open(file.filePath)
    const head = Buffer.alloc(512)
    const { bytesRead } = await handle.read(head, 0, 512, 0).finally(() => handle.close())
    const start = head.subarray(0, bytesRead).toString('utf8').replace(/^\uFEFF/, '').trimStart()
    if (fields.source === 'wordpress' && !start.startsWith('<')) throw new AppError('UNPROCESSABLE', 'The file is not an XML document: a WordPress export (Tools → Export) starts with <?xml')
    // Ghost: the JSON export, its redirects (JSON or YAML) or its members CSV; never markup.
    if (fields.source === 'ghost' && start.startsWith('<')) throw new AppError('UNPROCESSABLE', 'The file is not a JSON document: a Ghost export (Settings → Advanced → Export) is JSON (or its redirects YAML, or the members CSV)')
    return { source: fields.source, dryRun: fields.dry_run === 'true', mapping, ...file }
  } catch (error) {
    await Promise.all(spooled.map((f) => rm(f, { force: true })))
    if (error instanceof AppError) throw error
    const code = (error as { code?: string }).code
    if (code === 'FST_REQ_FILE_TOO_LARGE') throw new AppError('PAYLOAD_TOO_LARGE', `The file is larger than ${maxBytes} bytes (IMPORT_MAX_BYTES)`)
    if (code === 'FST_FILES_LIMIT') throw bodyProblem('body.file', 'must be sent once')
    if (code === 'FST_PARTS_LIMIT' || code === 'FST_FIELDS_LIMIT') throw bodyProblem('body', 'has too many parts ("file", "source", "dry_run", "extra_categories" and "primary_tag" are expected)')
    throw bodyProblem('body', `is not well-formed multipart/form-data: ${String((error as Error)?.message ?? error).slice(0, 200)}`)
  }
}

export const adminImportRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { spoolDir, maxBytes } = app.config.imports
  await app.register(multipart, { limits: { fileSize: maxBytes, files: 1, fields: 6, fieldSize: 100, parts: 7, headerPairs: 100 } })

  app.post(
    '/imports',
    {
      config: { ...admins, idempotent: true },
      validatorCompiler: ({ schema, httpPart }) => (httpPart === 'body' ? () => true : compileForText(schema)),
      schema: {
        operationId: 'adminCreateImport',
        summary: 'Import a WordPress export (as a background job)',
        description:
          'multipart/form-data with the export in `file` and `source` (`wordpress`, or `ghost` for a Ghost JSON export, its redirects.yaml/redirects.json or its members CSV), optionally `dry_run=true`. The file is spooled and imported by the background worker: the answer is 202 with the job, to be followed at its Location. Authors, categories (→ sections), tags, posts (→ articles), pages, comments and images come in; old permalinks answer GET /v1/resolve with a 301. Importing the same file again changes nothing. Over IMPORT_MAX_BYTES is 413; a file that is not XML is 422 at once, one that is not a WordPress export fails the job with its reason. See docs/import.md.',
        tags,
        consumes: ['multipart/form-data'],
        body: ImportBodyDoc,
        querystring: NoQuery,
        response: { 202: withHeaders(DataOf(ImportJob), 'Location'), ...problemResponses(400, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      const upload = await readImportUpload(request, spoolDir, maxBytes)
      const job = await app.services.imports.createJob(request.actor!, { source: upload.source, filename: upload.filename, filePath: upload.filePath, bytes: upload.bytes, dryRun: upload.dryRun, mapping: upload.mapping }).catch(async (error: unknown) => {
        await rm(upload.filePath, { force: true })
        throw error
      })
      return reply.code(202).header('location', `${app.config.publicUrl}/v1/admin/imports/${job.id}`).send({ data: job })
    },
  )

  app.get(
    '/imports/:id',
    {
      config: admins,
      schema: {
        operationId: 'adminGetImport',
        summary: 'An import job: status, counts per kind, warnings per item',
        tags,
        params: IdParams,
        querystring: NoQuery,
        response: { 200: DataOf(ImportJob), ...problemResponses(400, 404) },
      },
    },
    async (request) => ({ data: await app.services.imports.getJob(request.params.id) }),
  )
}
