import t from 'tap'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { count, eq } from 'drizzle-orm'
import sharp from 'sharp'
import { articleBodyMedia, articles, media } from '../../src/db/schema/index.js'
import { assertProblem } from '../helpers/assertions.js'
import { createUser, type TestUser } from '../helpers/auth.js'
import { build, type TestApp } from '../helpers/build.js'
import { createAuthor, createSection } from '../helpers/factories.js'
import { multipart, photoWithGps, pngBomb } from '../helpers/images.js'
import { startReceiver } from '../helpers/receiver.js'

interface Rendition {
  url: string
  width: number
  height: number
  format: string
}

/** The app with its own, empty local media directory (real files on disk). */
async function setup(t: Parameters<typeof build>[0], env: Record<string, string> = {}) {
  const mediaDir = mkdtempSync(path.join(tmpdir(), 'newsroom-media-'))
  t.teardown(() => rmSync(mediaDir, { recursive: true, force: true }))
  const app = await build(t, { env: { MEDIA_DIR: mediaDir, MEDIA_WIDTHS: '320,640,1024,1600', ...env } })
  const files = () => readdirSync(mediaDir).sort()
  return { app, mediaDir, files }
}

function upload(app: TestApp, user: TestUser, parts: Parameters<typeof multipart>[0]) {
  const body = multipart(parts)
  return app.inject({ method: 'POST', url: '/v1/admin/media', headers: { ...user.auth, ...body.headers }, payload: body.payload })
}

/** Fetches a served file by its public URL through the app: the bytes a reader gets. */
async function served(app: TestApp, url: string) {
  const res = await app.inject({ method: 'GET', url: new URL(url).pathname })
  return { res, bytes: res.rawPayload, meta: res.statusCode === 200 ? await sharp(res.rawPayload).metadata() : undefined }
}

t.test('an editor uploads a photo, features it with a caption, and the public article carries its renditions', async (t) => {
  const { app, files } = await setup(t)
  const db = app.database.db
  const section = await createSection(db, { slug: 'asia-pacific', name: 'Asia-Pacific' })
  const author = await createAuthor(db, { slug: 'desk', name: 'The Desk' })
  const editor = await createUser(app, 'editor', { author: author.slug })
  t.ok(section.id)

  const photo = await photoWithGps(2000, 1333)
  const before = await sharp(photo).metadata()
  t.ok(before.exif && before.exif.length > 0, 'the upload carries EXIF')
  t.equal(before.orientation, 6)

  const created = await upload(app, editor, [
    { name: 'alt', value: 'A drone boat at sea' },
    { name: 'credit', value: 'Navy handout' },
    { name: 'focal_x', value: '0.25' },
    { name: 'focal_y', value: '0.75' },
    // The declared name and type say PNG; the bytes are a JPEG, and the bytes decide.
    { name: 'file', filename: 'drone.png', contentType: 'image/png', data: photo },
  ])
  t.equal(created.statusCode, 201, created.body)
  const item = created.json().data
  t.equal(created.headers.etag, '"v1"')
  t.equal(created.headers.location, `http://api.test/v1/admin/media/${item.id}`)
  t.match(item, {
    filename: 'drone.png',
    format: 'jpeg',
    content_type: 'image/jpeg',
    width: 1333,
    height: 2000,
    alt: 'A drone boat at sea',
    caption: null,
    credit: 'Navy handout',
    focal_point: { x: 0.25, y: 0.75 },
    version: 1,
    created_by: editor.id,
  })
  t.match(item.url, /^http:\/\/api\.test\/media\/[0-9a-f]{16}-drone-[0-9a-f]{8}-original\.jpg$/)
  const renditions = item.renditions as Rendition[]
  t.same(
    renditions.map((r) => `${r.format}:${r.width}`),
    ['webp:320', 'jpeg:320', 'webp:640', 'jpeg:640', 'webp:1024', 'jpeg:1024', 'webp:1333', 'jpeg:1333'],
    'every configured width below the original, and the original width; 1600 would upscale, so it is skipped',
  )
  t.equal(files().length, 9, 'the original and eight renditions on disk')
  const [row] = await db.select().from(media).where(eq(media.id, item.id))
  t.match(row, { format: 'jpeg', width: 1333, height: 2000, alt: 'A drone boat at sea', createdBy: editor.id })

  // Every served file: the right type, immutable caching, the right size, and no EXIF/GPS.
  for (const url of [item.url, ...renditions.map((r) => r.url)]) {
    const { res, meta } = await served(app, url)
    t.equal(res.statusCode, 200, url)
    t.equal(res.headers['cache-control'], 'public, max-age=31536000, immutable')
    t.equal(res.headers['x-content-type-options'], 'nosniff')
    const rendition = renditions.find((r) => r.url === url)
    t.equal(res.headers['content-type'], rendition ? `image/${rendition.format}` : 'image/jpeg')
    t.equal(meta!.exif, undefined, `no EXIF in ${url}`)
    t.equal(meta!.xmp, undefined, `no XMP in ${url}`)
    t.notOk(meta!.orientation && meta!.orientation !== 1, 'orientation applied to the pixels, not left as a tag')
    t.equal(meta!.width, rendition?.width ?? 1333)
    t.equal(meta!.height, rendition?.height ?? 2000)
    t.notOk(res.rawPayload.includes(Buffer.from('NewsCam')), 'no camera make in the bytes')
  }

  // Featured image with an article caption, and the same photo in the body.
  const article = await app.inject({
    method: 'POST',
    url: '/v1/admin/articles',
    headers: editor.auth,
    payload: {
      title: 'Navies Test Drone Boats',
      section: 'asia-pacific',
      status: 'published',
      body: `Trials began this week.\n\n![A drone boat](media:${item.id})\n\nMore soon.`,
      featured_image: { media_id: item.id, caption: 'Drone trials in the Pacific' },
    },
  })
  t.equal(article.statusCode, 201, article.body)
  const adminArticle = article.json().data
  t.same(adminArticle.featured_image, { media_id: item.id, url: item.url, alt: 'A drone boat at sea', caption: 'Drone trials in the Pacific', credit: 'Navy handout' }, 'the admin shows what readers get: its caption, the item\'s alt and credit')
  t.match(adminArticle.body_html, `srcset="${renditions.filter((r) => r.format === 'webp').map((r) => `${r.url} ${r.width}w`).join(', ')}"`)
  t.match(adminArticle.body_html, `src="${renditions.at(-1)!.url}"`)
  t.match(adminArticle.body_html, 'width="1333" height="2000"')
  t.notMatch(adminArticle.body_html, 'media:', 'no media: reference left in the stored HTML')
  t.same(await db.select({ mediaId: articleBodyMedia.mediaId }).from(articleBodyMedia).where(eq(articleBodyMedia.articleId, adminArticle.id)), [{ mediaId: item.id }])

  const expected = {
    url: item.url,
    alt: 'A drone boat at sea',
    caption: 'Drone trials in the Pacific',
    credit: 'Navy handout',
    media_id: item.id,
    width: 1333,
    height: 2000,
    focal_point: { x: 0.25, y: 0.75 },
    renditions: renditions.map(({ url, width, height, format }) => ({ url, width, height, format })),
  }
  const publicArticle = await app.inject({ method: 'GET', url: '/v1/articles/navies-test-drone-boats' })
  t.equal(publicArticle.statusCode, 200)
  t.same(publicArticle.json().data.featured_image, expected, 'the public article carries the renditions')
  t.equal(publicArticle.json().data.seo.og_image, item.url)
  t.match(publicArticle.json().data.body_html, 'srcset="')
  const list = await app.inject({ method: 'GET', url: '/v1/articles' })
  t.same(list.json().data[0].featured_image, expected, 'and so does the list')

  // Usage, then a delete that is refused while the article uses it.
  const usage = await app.inject({ method: 'GET', url: `/v1/admin/media/${item.id}/usage`, headers: editor.auth })
  t.same(usage.json(), { data: [{ id: adminArticle.id, slug: 'navies-test-drone-boats', title: 'Navies Test Drone Boats', status: 'published', section: 'asia-pacific', featured_image: true, body: true }], meta: { others: 0 } })
  const refused = await app.inject({ method: 'DELETE', url: `/v1/admin/media/${item.id}`, headers: editor.auth })
  assertProblem(t, refused, 409, 'IN_USE')
  t.equal(files().length, 9, 'nothing deleted')

  // Metadata edits: versioned, and they reach the published article (its cached copy is dropped).
  const blind = await app.inject({ method: 'PATCH', url: `/v1/admin/media/${item.id}`, headers: editor.auth, payload: { alt: 'x' } })
  assertProblem(t, blind, 428, 'PRECONDITION_REQUIRED')
  const edited = await app.inject({ method: 'PATCH', url: `/v1/admin/media/${item.id}`, headers: { ...editor.auth, 'if-match': '"v1"' }, payload: { alt: 'An unmanned surface vessel', credit: null } })
  t.equal(edited.statusCode, 200)
  t.match(edited.json().data, { alt: 'An unmanned surface vessel', credit: null, version: 2 })
  t.equal(edited.headers.etag, '"v2"')
  const stale = await app.inject({ method: 'PATCH', url: `/v1/admin/media/${item.id}`, headers: { ...editor.auth, 'if-match': '"v1"' }, payload: { alt: 'y' } })
  assertProblem(t, stale, 412, 'PRECONDITION_FAILED')
  const staleBody = await app.inject({ method: 'PATCH', url: `/v1/admin/media/${item.id}`, headers: editor.auth, payload: { alt: 'y', version: 1 } })
  assertProblem(t, staleBody, 409, 'VERSION_CONFLICT')
  const refreshed = (await app.inject({ method: 'GET', url: '/v1/articles/navies-test-drone-boats' })).json().data.featured_image
  t.match(refreshed, { alt: 'An unmanned surface vessel', credit: null, caption: 'Drone trials in the Pacific' }, 'the public article follows the item')

  // Forced delete: the article loses its featured image, the files go.
  const forced = await app.inject({ method: 'DELETE', url: `/v1/admin/media/${item.id}?force=true`, headers: editor.auth })
  t.equal(forced.statusCode, 204)
  t.same(files(), [], 'every file removed')
  t.equal((await served(app, item.url)).res.statusCode, 404)
  t.equal((await db.select({ n: count() }).from(media))[0]!.n, 0)
  const [after] = await db.select().from(articles).where(eq(articles.id, adminArticle.id))
  t.match(after, { featuredMediaId: null, featuredImageUrl: null })
  t.equal((await app.inject({ method: 'GET', url: '/v1/articles/navies-test-drone-boats' })).json().data.featured_image, null)
  const gone = await app.inject({ method: 'GET', url: `/v1/admin/media/${item.id}`, headers: editor.auth })
  assertProblem(t, gone, 404, 'NOT_FOUND')
})

t.test('refused uploads: a renamed HTML file, an SVG, a 20,000 × 20,000 PNG, broken and oversized files', async (t) => {
  const { app, files } = await setup(t, { MEDIA_MAX_BYTES: '200000' })
  const author = await createUser(app, 'author')
  const cases: [string, Parameters<typeof multipart>[0], number, string, RegExp][] = [
    ['HTML renamed .jpg', [{ name: 'file', filename: 'photo.jpg', contentType: 'image/jpeg', data: Buffer.from('<!doctype html><html><body><script>alert(document.cookie)</script></body></html>') }], 415, 'UNSUPPORTED_MEDIA_TYPE', /detected from its content/],
    ['SVG with a script', [{ name: 'file', filename: 'logo.svg', contentType: 'image/svg+xml', data: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script><rect width="10" height="10"/></svg>') }], 415, 'UNSUPPORTED_MEDIA_TYPE', /not a JPEG, PNG, WebP, AVIF or GIF/],
    ['SVG named .png', [{ name: 'file', filename: 'chart.png', contentType: 'image/png', data: Buffer.from('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>') }], 415, 'UNSUPPORTED_MEDIA_TYPE', /not a JPEG/],
    ['20,000 × 20,000 pixel PNG', [{ name: 'file', filename: 'bomb.png', contentType: 'image/png', data: pngBomb() }], 422, 'UNPROCESSABLE', /20000×20000 pixels/],
    ['JPEG signature, garbage after it', [{ name: 'file', filename: 'x.jpg', data: Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('not really a jpeg at all')]) }], 422, 'UNPROCESSABLE', /cannot be read/],
    ['over MEDIA_MAX_BYTES', [{ name: 'file', filename: 'big.jpg', data: Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.alloc(250_000, 1)]) }], 413, 'PAYLOAD_TOO_LARGE', /200000 bytes/],
    ['no file part', [{ name: 'alt', value: 'nothing' }], 400, 'VALIDATION_FAILED', /body.file is required/],
    ['an unknown field', [{ name: 'colour', value: 'red' }, { name: 'file', filename: 'a.png', data: pngBomb(2, 2, 2) }], 400, 'VALIDATION_FAILED', /colour/],
    ['a focal point out of range', [{ name: 'focal_x', value: '1.5' }, { name: 'focal_y', value: '0.5' }, { name: 'file', filename: 'a.png', data: pngBomb(2, 2, 2) }], 400, 'VALIDATION_FAILED', /focal_x/],
  ]
  for (const [label, parts, status, code, detail] of cases) {
    const res = await upload(app, author, parts)
    const problem = assertProblem(t, res, status, code)
    t.match(problem.detail, detail, label)
  }
  const json = await app.inject({ method: 'POST', url: '/v1/admin/media', headers: author.auth, payload: { url: 'https://example.com/a.jpg' } })
  assertProblem(t, json, 415, 'UNSUPPORTED_MEDIA_TYPE')
  t.equal((await app.database.db.select({ n: count() }).from(media))[0]!.n, 0, 'no row written')
  t.same(files(), [], 'no file written')
})

t.test('small images are never upscaled; polyglot payloads do not survive re-encoding', async (t) => {
  const { app } = await setup(t)
  const contributor = await createUser(app, 'contributor')
  const small = await sharp({ create: { width: 200, height: 100, channels: 4, background: { r: 10, g: 20, b: 30, alpha: 0.5 } } }).png().toBuffer()
  const res = await upload(app, contributor, [{ name: 'file', filename: 'small.png', data: small }])
  t.equal(res.statusCode, 201)
  t.same((res.json().data.renditions as Rendition[]).map((r) => `${r.format}:${r.width}x${r.height}`), ['webp:200x100', 'jpeg:200x100'])
  t.match(res.json().data, { format: 'png', width: 200, height: 100, alt: '' })

  // A GIF with a script appended after its trailer: accepted as the image it is, served without the script.
  const gif = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#ff0000' } }).gif().toBuffer()
  const polyglot = Buffer.concat([gif, Buffer.from('<script>alert("polyglot")</script>')])
  const uploaded = await upload(app, contributor, [{ name: 'file', filename: 'innocent.gif', data: polyglot }])
  t.equal(uploaded.statusCode, 201)
  const item = uploaded.json().data
  t.equal(item.format, 'gif')
  for (const url of [item.url, ...(item.renditions as Rendition[]).map((r) => r.url)]) {
    const { res: file } = await served(app, url)
    t.equal(file.statusCode, 200)
    t.notOk(file.rawPayload.includes(Buffer.from('<script>')), `no payload in ${url}`)
  }
})

t.test('a decorative featured image: an explicit empty alt wins over the item\'s, for readers and in the admin', async (t) => {
  const { app } = await setup(t)
  await createSection(app.database.db, { slug: 'news', name: 'News' })
  const editor = await createUser(app, 'editor', { author: (await createAuthor(app.database.db, { slug: 'desk', name: 'The Desk' })).slug })
  const small = await sharp({ create: { width: 200, height: 100, channels: 3, background: '#336699' } }).png().toBuffer()
  const item = (await upload(app, editor, [{ name: 'alt', value: 'A blue rectangle' }, { name: 'file', filename: 'rule.png', data: small }])).json().data
  const post = (slug: string, featured: Record<string, unknown>) =>
    app.inject({ method: 'POST', url: '/v1/admin/articles', headers: editor.auth, payload: { title: slug, slug, section: 'news', status: 'published', body: 'Text.', featured_image: { media_id: item.id, ...featured } } })
  const decorative = await post('decorative', { alt: '' })
  t.equal(decorative.statusCode, 201, decorative.body)
  t.equal(decorative.json().data.featured_image.alt, '', 'the admin shows the empty alt readers get')
  t.equal((await app.inject({ url: '/v1/articles/decorative' })).json().data.featured_image.alt, '', 'readers get the empty alt, not the item\'s')
  const inherited = await post('inherited', {})
  t.equal(inherited.json().data.featured_image.alt, 'A blue rectangle', 'omitted: the item\'s alt, shown in the admin too')
  t.equal((await app.inject({ url: '/v1/articles/inherited' })).json().data.featured_image.alt, 'A blue rectangle')
  const nulled = await post('nulled', { alt: null })
  t.equal((await app.inject({ url: '/v1/articles/nulled' })).json().data.featured_image.alt, 'A blue rectangle', 'null: the item\'s alt')
  t.equal(nulled.json().data.featured_image.alt, 'A blue rectangle')
})

t.test('ownership: everyone uploads; only editors change or delete what others uploaded', async (t) => {
  const { app } = await setup(t)
  const contributor = await createUser(app, 'contributor')
  const author = await createUser(app, 'author')
  const editor = await createUser(app, 'editor')
  const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#00ff00' } }).png().toBuffer()
  const mine = (await upload(app, contributor, [{ name: 'file', filename: 'green.png', data: png }, { name: 'caption', value: 'Green' }])).json().data
  t.equal(mine.caption, 'Green')

  const list = await app.inject({ method: 'GET', url: '/v1/admin/media?q=green&limit=5', headers: author.auth })
  t.equal(list.statusCode, 200)
  t.match(list.json(), { data: [{ id: mine.id }], meta: { limit: 5, page: 1, pages: 1, total: 1 } })
  t.equal((await app.inject({ method: 'GET', url: '/v1/admin/media?mine=true', headers: author.auth })).json().meta.total, 0)
  t.equal((await app.inject({ method: 'GET', url: '/v1/admin/media?format=gif', headers: author.auth })).json().meta.total, 0)

  const othersEdit = await app.inject({ method: 'PATCH', url: `/v1/admin/media/${mine.id}`, headers: { ...author.auth, 'if-match': '"v1"' }, payload: { alt: 'Mine now' } })
  assertProblem(t, othersEdit, 403, 'FORBIDDEN')
  const othersDelete = await app.inject({ method: 'DELETE', url: `/v1/admin/media/${mine.id}`, headers: author.auth })
  assertProblem(t, othersDelete, 403, 'FORBIDDEN')
  const own = await app.inject({ method: 'PATCH', url: `/v1/admin/media/${mine.id}`, headers: { ...contributor.auth, 'if-match': '"v1"' }, payload: { alt: 'A green square', focal_point: { x: 0.5, y: 0.5 } } })
  t.equal(own.statusCode, 200)
  t.match(own.json().data, { alt: 'A green square', focal_point: { x: 0.5, y: 0.5 } })
  const bad = await app.inject({ method: 'PATCH', url: `/v1/admin/media/${mine.id}`, headers: { ...contributor.auth, 'if-match': '"v2"' }, payload: { focal_point: { x: 2, y: 0 } } })
  assertProblem(t, bad, 400, 'VALIDATION_FAILED')
  const byEditor = await app.inject({ method: 'DELETE', url: `/v1/admin/media/${mine.id}`, headers: { ...editor.auth, 'if-match': '"v2"' } })
  t.equal(byEditor.statusCode, 204)

  const unknown = await app.inject({ method: 'POST', url: '/v1/admin/articles', headers: editor.auth, payload: { title: 'X', section: 'none', featured_image: { media_id: mine.id } } })
  t.equal(unknown.statusCode, 422)
})

t.test('editing an item refreshes the published articles that show it: content events and article.updated webhooks', async (t) => {
  const receiver = await startReceiver()
  t.teardown(() => receiver.close())
  const { app } = await setup(t, { WEBHOOK_ALLOW_PRIVATE: 'true' })
  const db = app.database.db
  await createSection(db, { slug: 'india', name: 'India' })
  const author = await createAuthor(db, { slug: 'desk', name: 'The Desk' })
  const editor = await createUser(app, 'editor', { author: author.slug })
  const admin = await createUser(app, 'admin')
  const png = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#123456' } }).png().toBuffer()
  const item = (await upload(app, editor, [{ name: 'file', filename: 'radar.png', data: png }, { name: 'caption', value: 'Radar' }])).json().data
  const create = (title: string, status: string, featured: boolean) =>
    app.inject({ method: 'POST', url: '/v1/admin/articles', headers: editor.auth, payload: { title, section: 'india', status, body: featured ? 'Text.' : `![r](media:${item.id})`, ...(featured ? { featured_image: { media_id: item.id } } : {}) } })
  const published = (await create('Radar Story', 'published', true)).json().data
  const inBody = (await create('Radar Explainer', 'published', false)).json().data
  const draft = (await create('Radar Draft', 'draft', true)).json().data
  t.ok(draft.id)
  const hook = await app.inject({ method: 'POST', url: '/v1/admin/webhooks', headers: admin.auth, payload: { url: receiver.url, events: ['article.updated'] } })
  t.equal(hook.statusCode, 201)
  t.equal((await app.inject({ method: 'GET', url: '/v1/articles/radar-story' })).json().data.featured_image.caption, 'Radar', 'cached with the old caption')

  const changes: unknown[] = []
  app.services.events.on((change) => changes.push(change))
  const edited = await app.inject({ method: 'PATCH', url: `/v1/admin/media/${item.id}`, headers: { ...editor.auth, 'if-match': '"v1"' }, payload: { caption: 'Radar array' } })
  t.equal(edited.statusCode, 200)
  t.same(
    changes.map((c) => (c as { id: string }).id).sort(),
    [published.id, inBody.id].sort(),
    'one content event per public article using it; the draft is private',
  )
  t.equal((await app.inject({ method: 'GET', url: '/v1/articles/radar-story' })).json().data.featured_image.caption, 'Radar array', 'the cached article was dropped')

  await app.services.outbox.runOnce()
  const events = receiver.received.map((r) => JSON.parse(r.body) as { type: string; purge_keys: string[]; data: { current: { id: string } } })
  t.same(events.map((e) => e.type), ['article.updated', 'article.updated'])
  t.same(events.map((e) => e.data.current.id).sort(), [published.id, inBody.id].sort())
  for (const event of events) t.ok(event.purge_keys.includes(`article:${event.data.current.id}`) && event.purge_keys.includes('section:india'))
})
