import t from 'tap'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Readable } from 'node:stream'
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3'
import { ConfigError, loadConfig } from '../../src/config.js'
import { createS3Storage, createStorage, s3ObjectUrl } from '../../src/services/storage.js'

// Configuration, storage selection, URL building and the requests the S3 storage sends; the round
// trips to a real S3-protocol server are in test/routes/media-s3.test.ts.
const base = { DATA_DIR: path.join(tmpdir(), 'newsroom-unused'), PUBLIC_URL: 'https://api.example' }

t.test('media settings: defaults, widths, limits', async (t) => {
  const config = loadConfig(base)
  t.same(config.media, { maxBytes: 20 * 1024 * 1024, maxPixels: 50_000_000, widths: [320, 640, 1024, 1600], fallbackFormat: 'jpeg', processing: { concurrency: 1, maxWaiting: 8 }, uploadRatePerUser: 30, s3: undefined })
  t.same(loadConfig({ ...base, MEDIA_WIDTHS: '1600, 320,640,320', MEDIA_FALLBACK_FORMAT: 'avif' }).media.widths, [320, 640, 1600], 'sorted, distinct')
  t.throws(() => loadConfig({ ...base, MEDIA_WIDTHS: 'small' }), ConfigError)
  t.throws(() => loadConfig({ ...base, MEDIA_WIDTHS: '12' }), /MEDIA_WIDTHS/)
  t.throws(() => loadConfig({ ...base, MEDIA_MAX_BYTES: '10' }), /MEDIA_MAX_BYTES/)
  t.throws(() => loadConfig({ ...base, MEDIA_FALLBACK_FORMAT: 'gif' }), /MEDIA_FALLBACK_FORMAT/)
})

t.test('local disk unless S3_BUCKET is set; S3 settings are validated together', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'newsroom-storage-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const local = createStorage(loadConfig({ ...base, MEDIA_DIR: dir }))
  t.equal(local.kind, 'local')
  t.equal(local.urlFor('0123456789abcdef-a.webp'), 'https://api.example/media/0123456789abcdef-a.webp')
  await local.put('0123456789abcdef-a.webp', Buffer.from('bytes'), 'image/webp')
  t.ok(await local.exists('0123456789abcdef-a.webp'))
  await local.delete('0123456789abcdef-a.webp')
  t.notOk(await local.exists('0123456789abcdef-a.webp'))
  await t.rejects(local.put('../escape.webp', Buffer.from('x'), 'image/webp'), /invalid media key/)

  const config = loadConfig({
    ...base,
    S3_BUCKET: 'newsroom-media',
    S3_REGION: 'eu-west-1',
    S3_ENDPOINT: 'http://127.0.0.1:9000/',
    S3_ACCESS_KEY_ID: 'key',
    S3_SECRET_ACCESS_KEY: 'secret',
    S3_FORCE_PATH_STYLE: 'true',
  })
  t.same(config.media.s3, {
    bucket: 'newsroom-media',
    region: 'eu-west-1',
    endpoint: 'http://127.0.0.1:9000',
    credentials: { accessKeyId: 'key', secretAccessKey: 'secret' },
    forcePathStyle: true,
    publicUrl: undefined,
  })
  const s3 = createStorage(config)
  t.equal(s3.kind, 's3')
  t.equal(s3.urlFor('0123456789abcdef-a.webp'), 'https://api.example/media/0123456789abcdef-a.webp', 'without S3_PUBLIC_URL, served through the API')
  const cdn = createStorage(loadConfig({ ...base, S3_BUCKET: 'newsroom-media', S3_PUBLIC_URL: 'https://cdn.example/img/' }))
  t.equal(cdn.urlFor('0123456789abcdef-a.webp'), 'https://cdn.example/img/0123456789abcdef-a.webp')

  t.throws(() => loadConfig({ ...base, S3_BUCKET: 'b', S3_ACCESS_KEY_ID: 'k' }), /S3_BUCKET/)
  t.throws(() => loadConfig({ ...base, S3_BUCKET: 'newsroom-media', S3_ACCESS_KEY_ID: 'k' }), /S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY must be set together/)
  t.throws(() => loadConfig({ ...base, S3_BUCKET: 'newsroom-media', S3_ENDPOINT: 'ftp://x' }), /S3_ENDPOINT/)
})

t.test('bucket URLs: path style and virtual-hosted', async (t) => {
  const s3 = { bucket: 'media', region: 'eu-west-1', endpoint: undefined, credentials: undefined, forcePathStyle: false, publicUrl: undefined }
  t.equal(s3ObjectUrl(s3, 'k.webp'), 'https://media.s3.eu-west-1.amazonaws.com/k.webp')
  t.equal(s3ObjectUrl({ ...s3, endpoint: 'http://minio:9000', forcePathStyle: true }, 'k.webp'), 'http://minio:9000/media/k.webp')
  t.equal(s3ObjectUrl({ ...s3, endpoint: 'https://fra1.digitaloceanspaces.com' }, 'k.webp'), 'https://media.fra1.digitaloceanspaces.com/k.webp')
})

t.test('the S3 storage sends immutable, typed PutObject requests and maps missing objects to null', async (t) => {
  // A recording client standing in for the network: it checks what we ask S3 for, nothing more.
  const sent: unknown[] = []
  const client = {
    async send(command: { constructor: { name: string }; input: Record<string, unknown> }) {
      sent.push(command)
      if (command.constructor.name === 'GetObjectCommand' && command.input.Key === '0123456789abcdef-a.webp') {
        return { Body: Readable.from([Buffer.from('img')]), ContentLength: 3 }
      }
      if (command.constructor.name === 'PutObjectCommand' || command.constructor.name === 'DeleteObjectCommand') return {}
      throw Object.assign(new Error('NoSuchKey'), { name: 'NoSuchKey', $metadata: { httpStatusCode: 404 } })
    },
  } as unknown as S3Client
  const storage = createS3Storage({ bucket: 'b', region: 'r', endpoint: undefined, credentials: undefined, forcePathStyle: false, publicUrl: undefined }, 'https://api.example', client)
  await storage.put('0123456789abcdef-a.webp', Buffer.from('img'), 'image/webp')
  const put = sent[0] as PutObjectCommand
  t.ok(put instanceof PutObjectCommand)
  t.match(put.input, { Bucket: 'b', Key: '0123456789abcdef-a.webp', ContentType: 'image/webp', CacheControl: 'public, max-age=31536000, immutable' })
  const opened = await storage.open('0123456789abcdef-a.webp')
  t.match(opened, { size: 3, contentType: 'image/webp' })
  t.equal(await storage.open('0123456789abcdef-b.webp'), null)
  t.equal(await storage.exists('0123456789abcdef-b.webp'), false)
  t.equal(await storage.open('../../etc/passwd'), null, 'keys are checked before any request')
  await t.rejects(storage.put('Bad Key.webp', Buffer.from('x'), 'image/webp'), /invalid media key/)
})
