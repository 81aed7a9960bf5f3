import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3'
import sharp from 'sharp'
import t from 'tap'
import { createS3Storage } from '../../src/services/storage.js'
import { assertProblem } from '../helpers/assertions.js'
import { createUser } from '../helpers/auth.js'
import { build, type TestApp } from '../helpers/build.js'
import { multipart } from '../helpers/images.js'
import { startS3, type LocalS3 } from '../helpers/s3.js'
import { startServer } from '../helpers/server-process.js'

/**
 * Media on an S3-compatible object store that really answers: s3rver on 127.0.0.1, reached through
 * the AWS SDK exactly as AWS, MinIO or R2 would be. Upload and renditions, public URLs, whole,
 * ranged and conditional reads through /media/{key}, delete; and two API processes on one bucket.
 */
const photo = () => sharp({ create: { width: 900, height: 600, channels: 3, background: { r: 40, g: 90, b: 160 } } }).jpeg({ quality: 80 }).toBuffer()

function bucketClient(s3: LocalS3) {
  return new S3Client({ region: 'us-east-1', endpoint: s3.endpoint, forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } })
}
async function listKeys(s3: LocalS3): Promise<string[]> {
  const listed = await bucketClient(s3).send(new ListObjectsV2Command({ Bucket: s3.bucket }))
  return (listed.Contents ?? []).map((o) => o.Key!).sort()
}
async function objectBytes(s3: LocalS3, key: string): Promise<Buffer> {
  const object = await bucketClient(s3).send(new GetObjectCommand({ Bucket: s3.bucket, Key: key }))
  return Buffer.from(await object.Body!.transformToByteArray())
}
const keyOf = (url: string) => url.slice(url.lastIndexOf('/') + 1)

t.test('the S3 storage against a real S3-protocol server: put, size, whole and ranged reads, delete', async (t) => {
  const s3 = await startS3()
  t.teardown(s3.close)
  const storage = createS3Storage({ bucket: s3.bucket, region: 'us-east-1', endpoint: s3.endpoint, forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }, publicUrl: undefined }, 'https://api.example')
  const bytes = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251))
  const key = '0123456789abcdef-sample.webp'
  t.equal(await storage.size(key), null, 'nothing there yet')
  t.equal(await storage.open(key), null)
  await storage.put(key, bytes, 'image/webp')
  t.equal(await storage.size(key), 1000)
  t.equal(await storage.exists(key), true)
  const whole = (await storage.open(key))!
  t.same(Buffer.concat(await whole.stream.toArray()), bytes, 'the whole object')
  t.equal(whole.size, 1000)
  t.equal(whole.contentType, 'image/webp')
  const part = (await storage.open(key, { first: 10, last: 19 }))!
  t.same(Buffer.concat(await part.stream.toArray()), bytes.subarray(10, 20), 'bytes 10–19')
  t.equal(part.size, 1000, 'a ranged read still knows the whole size')
  t.same(await listKeys(s3), [key])
  await storage.delete(key)
  t.equal(await storage.size(key), null, 'deleted')
  t.equal(await storage.open(key), null)
  t.equal(await storage.open('../../etc/passwd'), null, 'a key outside the pattern never reaches the bucket')
})

t.test('upload, renditions, reads and delete through the API, with the files in the bucket', async (t) => {
  const s3 = await startS3()
  t.teardown(s3.close)
  const app: TestApp = await build(t, { env: { ...s3.env, MEDIA_WIDTHS: '320,640' } })
  const editor = await createUser(app, 'editor')
  const body = multipart([{ name: 'alt', value: 'Blue' }, { name: 'file', filename: 'blue.jpg', contentType: 'image/jpeg', data: await photo() }])
  const created = await app.inject({ method: 'POST', url: '/v1/admin/media', headers: { ...editor.auth, ...body.headers }, payload: body.payload })
  t.equal(created.statusCode, 201, created.body)
  const item = created.json().data as { id: string; url: string; renditions: { url: string; format: string; width: number }[] }
  const urls = [item.url, ...item.renditions.map((r) => r.url)]
  t.ok(urls.every((u) => u.startsWith('http://api.test/media/')), 'without S3_PUBLIC_URL the files are served through the API')
  t.same(await listKeys(s3), urls.map(keyOf).sort(), 'the original and every rendition are objects in the bucket, nothing else')

  for (const url of urls) {
    const res = await app.inject({ url: new URL(url).pathname })
    t.equal(res.statusCode, 200, url)
    t.same(res.rawPayload, await objectBytes(s3, keyOf(url)), 'the bytes the bucket holds')
    t.equal(Number(res.headers['content-length']), res.rawPayload.length)
    t.equal(res.headers['cache-control'], 'public, max-age=31536000, immutable')
    t.equal(res.headers.etag, `"${keyOf(url)}"`, 'the content-hashed name is the ETag')
    t.equal(res.headers['accept-ranges'], 'bytes')
  }
  const webp = item.renditions.find((r) => r.format === 'webp' && r.width === 320)!
  const path0 = new URL(webp.url).pathname
  const full = await objectBytes(s3, keyOf(webp.url))
  const size = full.length

  const get = (headers: Record<string, string>) => app.inject({ url: path0, headers })
  const first = await get({ range: 'bytes=0-99' })
  t.equal(first.statusCode, 206)
  t.equal(first.headers['content-range'], `bytes 0-99/${size}`)
  t.equal(first.headers['content-type'], 'image/webp')
  t.same(first.rawPayload, full.subarray(0, 100), 'the first 100 bytes')
  const rest = await get({ range: 'bytes=100-' })
  t.equal(rest.statusCode, 206)
  t.same(rest.rawPayload, full.subarray(100), 'from byte 100 to the end')
  t.equal(rest.headers['content-range'], `bytes 100-${size - 1}/${size}`)
  const tail = await get({ range: 'bytes=-50' })
  t.equal(tail.statusCode, 206)
  t.same(tail.rawPayload, full.subarray(size - 50), 'the last 50 bytes (a suffix range)')
  const clipped = await get({ range: `bytes=${size - 10}-${size + 1000}` })
  t.same([clipped.statusCode, clipped.headers['content-range']], [206, `bytes ${size - 10}-${size - 1}/${size}`], 'a range past the end is clipped to it')
  const beyond = await get({ range: `bytes=${size}-` })
  assertProblem(t, beyond, 416, 'RANGE_NOT_SATISFIABLE')
  t.equal(beyond.headers['content-range'], `bytes */${size}`, '416 names the size')
  for (const ignored of ['bytes=0-9,20-29', 'items=0-9', 'bytes=9-1', 'bytes=abc']) {
    const res = await get({ range: ignored })
    t.same([res.statusCode, res.rawPayload.length], [200, size], `Range "${ignored}" is ignored: the whole file`)
  }
  const etag = `"${keyOf(webp.url)}"`
  const stale = await get({ range: 'bytes=0-9', 'if-range': '"another-file.webp"' })
  t.same([stale.statusCode, stale.rawPayload.length], [200, size], 'If-Range with another ETag: the whole file')
  const current = await get({ range: 'bytes=0-9', 'if-range': etag })
  t.same([current.statusCode, current.rawPayload.length], [206, 10], 'If-Range with this ETag: the range')
  const notModified = await get({ 'if-none-match': etag })
  t.equal(notModified.statusCode, 304)
  t.equal(notModified.rawPayload.length, 0)
  t.equal(notModified.headers.etag, etag)
  t.equal((await get({ 'if-none-match': '"another-file.webp"' })).statusCode, 200, 'another ETag: the file')
  assertProblem(t, await app.inject({ url: '/media/0000000000000000-missing.webp' }), 404, 'NOT_FOUND')
  assertProblem(t, await app.inject({ url: '/media/0000000000000000-missing.webp', headers: { range: 'bytes=0-9' } }), 404, 'NOT_FOUND')
  assertProblem(t, await app.inject({ url: '/media/0000000000000000-missing.webp', headers: { 'if-none-match': '"0000000000000000-missing.webp"' } }), 404, 'NOT_FOUND') // a validator for a file that is not there is no 304

  const deleted = await app.inject({ method: 'DELETE', url: `/v1/admin/media/${item.id}`, headers: editor.auth })
  t.equal(deleted.statusCode, 204)
  t.same(await listKeys(s3), [], 'every object removed from the bucket')
  assertProblem(t, await app.inject({ url: path0 }), 404, 'NOT_FOUND')
})

t.test('two API processes on one bucket: what one stores, the other serves; what one deletes, both lose', { timeout: 300_000 }, async (t) => {
  const s3 = await startS3()
  t.teardown(s3.close)
  const admin = { email: 'chief@example.com', password: 'two-process-password-1' }
  const start = async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'newsroom-s3-proc-'))
    t.teardown(() => rmSync(dataDir, { recursive: true, force: true }))
    const server = await startServer({ ...s3.env, DATA_DIR: dataDir, SEED: 'false', PUBLIC_URL: 'https://api.example', JWT_SECRET: 'two-processes-one-bucket-secret-000000000', ADMIN_EMAIL: admin.email, ADMIN_PASSWORD: admin.password })
    t.teardown(() => server.stop())
    return server
  }
  const [a, b] = await Promise.all([start(), start()])
  const login = await fetch(`${a.url}/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(admin) })
  t.equal(login.status, 200)
  const auth = { authorization: `Bearer ${((await login.json()) as { access_token: string }).access_token}` }
  const form = new FormData()
  form.append('alt', 'Blue')
  form.append('file', new Blob([new Uint8Array(await photo())], { type: 'image/jpeg' }), 'blue.jpg')
  const created = await fetch(`${a.url}/v1/admin/media`, { method: 'POST', headers: auth, body: form })
  t.equal(created.status, 201)
  const item = ((await created.json()) as { data: { id: string; url: string; renditions: { url: string }[] } }).data
  for (const url of [item.url, ...item.renditions.map((r) => r.url)]) {
    const fromB = await fetch(`${b.url}${new URL(url).pathname}`)
    t.equal(fromB.status, 200, `process B serves ${keyOf(url)}, stored by A`)
    t.same(Buffer.from(await fromB.arrayBuffer()), await objectBytes(s3, keyOf(url)))
  }
  const ranged = await fetch(`${b.url}${new URL(item.url).pathname}`, { headers: { range: 'bytes=0-1' } })
  t.equal(ranged.status, 206)
  t.same([...new Uint8Array(await ranged.arrayBuffer())], [0xff, 0xd8], 'a ranged read through B: the JPEG signature')
  const deleted = await fetch(`${a.url}/v1/admin/media/${item.id}`, { method: 'DELETE', headers: auth })
  t.equal(deleted.status, 204)
  const gone = await fetch(`${b.url}${new URL(item.url).pathname}`)
  t.equal(gone.status, 404, 'deleted through A: B answers 404')
  t.match(gone.headers.get('content-type'), /^application\/problem\+json/)
  t.same(await listKeys(s3), [])
})
