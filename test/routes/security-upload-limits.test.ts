import t from 'tap'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import sharp from 'sharp'
import { eq } from 'drizzle-orm'
import { type ConfigError, loadConfig } from '../../src/config.js'
import { media } from '../../src/db/schema/index.js'
import { assertProblem } from '../helpers/assertions.js'
import { createUser, type TestUser } from '../helpers/auth.js'
import { build, type TestApp } from '../helpers/build.js'
import { multipart } from '../helpers/images.js'

/**
 * Image processing is bounded: a per-user upload rate (429) and a per-process queue of bounded
 * length in front of a fixed number of processing slots (503). The slot is held by the test through
 * the real queue, so nothing depends on how long an image takes to process.
 */

async function setup(t: Parameters<typeof build>[0], env: Record<string, string>) {
  const mediaDir = mkdtempSync(path.join(tmpdir(), 'newsroom-media-'))
  t.teardown(() => rmSync(mediaDir, { recursive: true, force: true }))
  const app = await build(t, { env: { MEDIA_DIR: mediaDir, MEDIA_WIDTHS: '320', ...env } })
  return { app, files: () => readdirSync(mediaDir) }
}

const tinyPng = sharp({ create: { width: 8, height: 8, channels: 3, background: '#884422' } }).png().toBuffer()

async function upload(app: TestApp, user: TestUser) {
  const body = multipart([{ name: 'file', filename: 'tiny.png', data: await tinyPng }])
  return app.inject({ method: 'POST', url: '/v1/admin/media', headers: { ...user.auth, ...body.headers }, payload: body.payload })
}

/** Holds the only processing slot until `release()` is called. */
function holdSlot(app: TestApp) {
  let release!: () => void
  const held = app.services.media.processing.run(() => new Promise<void>((resolve) => (release = resolve)))
  return { release: async () => (release(), held) }
}

t.test('uploads per user are rate limited (MEDIA_UPLOAD_RATE): 429 with Retry-After; other users go on', async (t) => {
  const { app } = await setup(t, { MEDIA_UPLOAD_RATE: '2' })
  const busy = await createUser(app, 'contributor')
  const other = await createUser(app, 'editor')
  t.equal((await upload(app, busy)).statusCode, 201)
  const broken = await app.inject({ method: 'POST', url: '/v1/admin/media', headers: { ...busy.auth, 'content-type': 'multipart/form-data; boundary=x' }, payload: '--x\r\n' })
  t.equal(broken.statusCode, 400, 'a refused attempt counts too')
  const limited = await upload(app, busy)
  const problem = assertProblem(t, limited, 429, 'RATE_LIMITED')
  t.match(limited.headers['retry-after'], /^\d+$/)
  t.ok(Number(limited.headers['retry-after']) >= 1 && Number(limited.headers['retry-after']) <= 60)
  t.equal(problem.retry_after, Number(limited.headers['retry-after']))
  t.match(problem.detail, /MEDIA_UPLOAD_RATE/)
  t.equal((await upload(app, other)).statusCode, 201, 'another user is not limited')
  t.equal((await app.database.db.select().from(media).where(eq(media.createdBy, busy.id))).length, 1, 'one upload stored for the limited user')
})

t.test('every processing slot busy and no room to wait (MEDIA_PROCESSING_QUEUE=0): 503 with Retry-After, nothing stored', async (t) => {
  const { app, files } = await setup(t, { MEDIA_PROCESSING_CONCURRENCY: '1', MEDIA_PROCESSING_QUEUE: '0' })
  const editor = await createUser(app, 'editor')
  const slot = holdSlot(app)
  const refused = await upload(app, editor)
  const problem = assertProblem(t, refused, 503, 'SERVICE_UNAVAILABLE')
  t.match(refused.headers['retry-after'], /^[1-9]\d*$/)
  t.match(problem.detail, /Too many images are being processed/)
  t.equal((await app.database.db.select().from(media)).length, 0)
  t.same(files(), [])

  // The service refuses too when the slot is taken between the route's check and processing.
  const bytes = await tinyPng
  const error = await app.services.media.upload({ id: editor.id, email: editor.email, name: 'Editor', role: 'editor', authorId: null }, { bytes, filename: 'tiny.png' }).catch((e: unknown) => e)
  t.match(error, { code: 'SERVICE_UNAVAILABLE', headers: { 'retry-after': /^\d+$/ } })

  await slot.release()
  t.equal((await upload(app, editor)).statusCode, 201, 'served once the slot is free')
})

t.test('with room for one to wait: the next upload waits for the slot, the one after is refused', async (t) => {
  const { app } = await setup(t, { MEDIA_PROCESSING_CONCURRENCY: '1', MEDIA_PROCESSING_QUEUE: '1' })
  const editor = await createUser(app, 'editor')
  const processing = app.services.media.processing
  const slot = holdSlot(app)
  let settled = false
  const waiting = upload(app, editor).finally(() => (settled = true))
  while (processing.stats().waiting < 1 && !settled) await new Promise((resolve) => setImmediate(resolve))
  t.same(processing.stats(), { running: 1, waiting: 1, concurrency: 1, maxWaiting: 1 }, 'the first upload waits')
  assertProblem(t, await upload(app, editor), 503, 'SERVICE_UNAVAILABLE')
  t.notOk(settled, 'the waiting upload is still waiting')
  await slot.release()
  t.equal((await waiting).statusCode, 201, 'and is processed once the slot frees')
  t.same(processing.stats(), { running: 0, waiting: 0, concurrency: 1, maxWaiting: 1 })
})

t.test('the limits are configuration, checked at boot', async (t) => {
  t.same(loadConfig({}).media.processing, { concurrency: 1, maxWaiting: 8 })
  t.equal(loadConfig({}).media.uploadRatePerUser, 30)
  const error = t.throws(() => loadConfig({ MEDIA_PROCESSING_CONCURRENCY: '0', MEDIA_PROCESSING_QUEUE: '-1', MEDIA_UPLOAD_RATE: 'lots' })) as ConfigError
  for (const name of ['MEDIA_PROCESSING_CONCURRENCY', 'MEDIA_PROCESSING_QUEUE', 'MEDIA_UPLOAD_RATE']) t.match(error.message, name)
})
