import t from 'tap'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { media } from '../../src/db/schema/index.js'
import { ROLES } from '../../src/services/actor.js'
import { assertProblem } from '../helpers/assertions.js'
import { createUser } from '../helpers/auth.js'
import { build } from '../helpers/build.js'
import { multipart, photoWithGps } from '../helpers/images.js'

/** Raw multipart bodies, each broken in one way: every one is the client's fault, so a 400 problem. */
const B = 'raw-boundary-0123'
const disposition = (name: string, filename?: string) => `Content-Disposition: form-data; name="${name}"${filename ? `; filename="${filename}"` : ''}`
const filePart = (boundary = B) => `--${boundary}\r\n${disposition('file', 'a.png')}\r\nContent-Type: image/png\r\n\r\n\x89PNG\r\n\x1a\n0000\r\n`
const form = `multipart/form-data; boundary=${B}`

const broken: { name: string; contentType: string; body: string; field: string; reason: RegExp }[] = [
  { name: 'boundary mismatch', contentType: form, body: `${filePart('another-boundary')}--another-boundary--\r\n`, field: 'body', reason: /not well-formed multipart\/form-data: Unexpected end/ },
  { name: 'unexpected end', contentType: form, body: `--${B}\r\n${disposition('file', 'a.png')}\r\n\r\n\x89PNG\r\n`, field: 'body', reason: /not well-formed multipart\/form-data: Unexpected end/ },
  { name: 'no closing delimiter', contentType: form, body: filePart(), field: 'body', reason: /not well-formed/ },
  { name: 'missing boundary parameter', contentType: 'multipart/form-data', body: `${filePart()}--${B}--\r\n`, field: 'body', reason: /Boundary not found/ },
  { name: 'a boundary longer than the parser takes', contentType: `multipart/form-data; boundary=${'b'.repeat(300)}`, body: `${filePart('b'.repeat(300))}--${'b'.repeat(300)}--\r\n`, field: 'body', reason: /not well-formed/ },
  { name: 'not multipart at all after the header', contentType: form, body: 'hello, this is not a form', field: 'body', reason: /not well-formed/ },
  { name: 'a file part without a name', contentType: form, body: `--${B}\r\nContent-Disposition: form-data; filename="a.png"\r\n\r\n\x89PNG\r\n--${B}--\r\n`, field: 'body', reason: /a part without a name/ },
  { name: 'a field part without a name', contentType: form, body: `--${B}\r\nContent-Disposition: form-data\r\n\r\nalt text\r\n--${B}--\r\n`, field: 'body', reason: /a part without a name/ },
  { name: 'two files', contentType: form, body: `${filePart()}${filePart()}--${B}--\r\n`, field: 'body.file', reason: /must be sent once/ },
  { name: 'too many parts', contentType: form, body: `${Array.from({ length: 14 }, (_, i) => `--${B}\r\n${disposition(`f${i}`)}\r\n\r\nx\r\n`).join('')}--${B}--\r\n`, field: 'body', reason: /too many parts/ },
  { name: 'a prototype-named field', contentType: form, body: `--${B}\r\n${disposition('__proto__')}\r\n\r\nx\r\n--${B}--\r\n`, field: 'body', reason: /prototype/ },
  { name: 'a huge part header, then the end', contentType: form, body: `--${B}\r\n${disposition('file', 'a.png')}\r\nX-Padding: ${'p'.repeat(200_000)}\r\n\r\n\x89PNG`, field: 'body', reason: /not well-formed/ },
]

t.test('malformed multipart bodies are 400 problem+json for every role; nothing is stored', async (t) => {
  const mediaDir = mkdtempSync(path.join(tmpdir(), 'newsroom-media-'))
  t.teardown(() => rmSync(mediaDir, { recursive: true, force: true }))
  const app = await build(t, { env: { MEDIA_DIR: mediaDir } })
  for (const role of ROLES) {
    const user = await createUser(app, role)
    for (const c of broken) {
      const res = await app.inject({ method: 'POST', url: '/v1/admin/media', headers: { ...user.auth, 'content-type': c.contentType }, payload: Buffer.from(c.body, 'latin1') })
      const problem = assertProblem(t, res, 400, 'VALIDATION_FAILED')
      t.match(problem.invalid_params, [{ name: c.field, reason: c.reason }], `${role}: ${c.name}`)
    }
  }
  t.equal((await app.database.db.select().from(media)).length, 0, 'no media row')
  t.same(readdirSync(mediaDir), [], 'no file written')

  const editor = await createUser(app, 'editor')
  const good = multipart([{ name: 'file', filename: 'photo.jpg', contentType: 'image/jpeg', data: await photoWithGps(64, 48) }])
  const res = await app.inject({ method: 'POST', url: '/v1/admin/media', headers: { ...editor.auth, ...good.headers }, payload: good.payload })
  t.equal(res.statusCode, 201, 'a well-formed upload still works')
})
