import t from 'tap'
import { Ajv } from 'ajv'
import addFormats from 'ajv-formats'
import { sharedSchemas } from '../../src/plugins/schemas.js'
import { WEBHOOK_PAYLOADS, webhookEventSchema, type WebhookEventType } from '../../src/schemas/webhook-events.js'
import { createManualClock } from '../../src/lib/clock.js'
import { createUser } from '../helpers/auth.js'
import { build } from '../helpers/build.js'
import { commentableArticle, postComment } from '../helpers/comments.js'
import { startReceiver } from '../helpers/receiver.js'

const SITE = 'https://thedefencetimes.example'

interface EventBody {
  id: string
  type: WebhookEventType
  created_at: string
  data: { current: Record<string, unknown> | null; previous: Record<string, unknown> | null }
  purge_keys: string[]
}

/** The shape of a value: its keys all the way down, and the type at each leaf (null counts as its own type). */
function shape(value: unknown): unknown {
  if (value === null) return 'null'
  if (Array.isArray(value)) return [...new Set(value.map((v) => JSON.stringify(shape(v))))].map((s) => JSON.parse(s) as unknown)
  if (typeof value === 'object') return Object.fromEntries(Object.keys(value).sort().map((k) => [k, shape((value as Record<string, unknown>)[k])]))
  return typeof value
}

const ajv = new Ajv({ strict: false, allErrors: true })
addFormats.default(ajv)
for (const schema of sharedSchemas) ajv.addSchema(schema)
const validators = new Map((Object.keys(WEBHOOK_PAYLOADS) as WebhookEventType[]).map((type) => [type, ajv.compile(webhookEventSchema(type))]))

t.test('typed webhook payloads', async (t) => {
  const receiver = await startReceiver()
  t.teardown(() => receiver.close())
  const clock = createManualClock('2026-06-01T12:00:00.000Z')
  const app = await build(t, { seed: true, clock, env: { WEBHOOK_ALLOW_PRIVATE: 'true' } })
  const admin = await createUser(app, 'admin')
  t.equal((await app.inject({ method: 'POST', url: '/v1/admin/webhooks', headers: admin.auth, payload: { url: receiver.url, events: ['*'] } })).statusCode, 201)
  const editor = await createUser(app, 'editor', { author: 'the-defence-times' })
  const h = editor.auth
  const delivered = async () => {
    await app.services.outbox.runOnce()
    await app.services.outbox.runOnce()
    return receiver.received.map((r) => JSON.parse(r.body) as EventBody)
  }
  const story = { section: 'india', tags: ['Radar', 'Navy'], excerpt: 'Same fields', body: 'Same **body**.' }

  await t.test('article.published looks the same whether an editor or the scheduler publishes', async (t) => {
    const now = (await app.inject({ method: 'POST', url: '/v1/admin/articles', headers: h, payload: { ...story, title: 'Published By Hand' } })).json().data
    clock.advance(1000)
    t.equal((await app.inject({ method: 'PATCH', url: `/v1/admin/articles/${now.id}`, headers: { ...h, 'if-match': '"v1"' }, payload: { status: 'scheduled', published_at: '2026-06-01T12:30:00.000Z' } })).statusCode, 200)
    t.equal((await app.inject({ method: 'PATCH', url: `/v1/admin/articles/${now.id}`, headers: { ...h, 'if-match': '"v2"' }, payload: { status: 'published', published_at: null } })).statusCode, 200)
    const later = (await app.inject({ method: 'POST', url: '/v1/admin/articles', headers: h, payload: { ...story, title: 'Published On Time', status: 'scheduled', published_at: '2026-06-01T13:00:00.000Z' } })).json().data
    clock.set('2026-06-01T13:00:00.000Z')
    t.equal(await app.services.scheduler.publishDue(), 1)
    const events = (await delivered()).filter((e) => e.type === 'article.published')
    const byEditor = events.find((e) => e.data.current?.id === now.id)!
    const byScheduler = events.find((e) => e.data.current?.id === later.id)!
    t.ok(byEditor && byScheduler)
    t.same(shape(byScheduler.data), shape(byEditor.data), 'the same shape, all the way down')
    t.same(Object.keys(byScheduler.data.current!), Object.keys(byEditor.data.current!), 'in the same key order')
    t.same(Object.keys(byScheduler.data.previous!), Object.keys(byEditor.data.previous!))
    t.same(byScheduler.data.previous, { id: later.id, slug: 'published-on-time', title: 'Published On Time', status: 'scheduled', published_at: '2026-06-01T13:00:00.000Z', section: 'india', authors: ['the-defence-times'], url: `${SITE}/published-on-time` }, 'the scheduler keeps title, section and byline')
    t.same((byEditor.data.current!.authors as { slug: string }[]).map((a) => a.slug), ['the-defence-times'], 'the byline is in the payload')
    t.match(byEditor.data.current, { url: `${SITE}/published-by-hand`, section: { slug: 'india', url: `${SITE}/section/india` }, tags: [{ slug: 'radar', url: `${SITE}/tag/radar` }, { slug: 'navy', url: `${SITE}/tag/navy` }] })
    t.equal(byScheduler.data.current!.url, `${SITE}/published-on-time`, 'url is on the website, not the API')
    t.equal(byScheduler.data.current!.public_url, `${SITE}/published-on-time`, 'public_url too: the site\'s address (site.url), not the API\'s')
    t.equal(byEditor.data.current!.public_url, `${SITE}/published-by-hand`)
    t.same(byScheduler.purge_keys.sort(), byEditor.purge_keys.map((k) => k.replace(now.id, later.id)).sort(), 'the same purge keys')
  })

  await t.test('every event validates against its schema, and carries website URLs', async (t) => {
    receiver.received.length = 0
    const article = (await app.inject({ method: 'GET', url: '/v1/articles/chinas-6th-generation-fighter-jet-takes-first-flight' })).json().data
    const full = (await app.inject({ method: 'GET', url: `/v1/admin/articles/${article.id}`, headers: h })).json().data
    await app.inject({ method: 'PATCH', url: `/v1/admin/articles/${article.id}`, headers: { ...h, 'if-match': `"v${full.version}"` }, payload: { slug: 'sixth-gen' } })
    await app.inject({ method: 'PATCH', url: `/v1/admin/articles/${article.id}`, headers: { ...h, 'if-match': `"v${full.version + 1}"` }, payload: { status: 'draft' } })
    await app.inject({ method: 'PATCH', url: `/v1/admin/articles/${article.id}`, headers: { ...h, 'if-match': `"v${full.version + 2}"` }, payload: { status: 'published' } })
    await app.inject({ method: 'DELETE', url: `/v1/admin/articles/${article.id}`, headers: { ...h, 'if-match': `"v${full.version + 3}"` } })
    const mediaId = (await app.inject({ method: 'GET', url: '/v1/articles?limit=100' })).json().data.find((a: { featured_image: { media_id: string | null } | null }) => a.featured_image?.media_id).featured_image.media_id
    await app.inject({ method: 'PATCH', url: `/v1/admin/media/${mediaId}`, headers: { ...h, 'if-match': '"v1"' }, payload: { caption: 'New caption' } })
    await app.inject({ method: 'POST', url: '/v1/admin/sections', headers: h, payload: { name: 'Africa' } })
    await app.inject({ method: 'PATCH', url: '/v1/admin/sections/africa', headers: { ...h, 'if-match': '*' }, payload: { slug: 'africa-news' } })
    const order = (await app.inject({ method: 'GET', url: '/v1/sections' })).json().data.map((s: { slug: string }) => s.slug).reverse()
    await app.inject({ method: 'PUT', url: '/v1/admin/sections/order', headers: h, payload: { sections: order } })
    await app.inject({ method: 'DELETE', url: '/v1/admin/sections/africa-news', headers: { ...h, 'if-match': '*' } })
    await app.inject({ method: 'POST', url: '/v1/admin/tags', headers: h, payload: { name: 'Lasers' } })
    await app.inject({ method: 'PATCH', url: '/v1/admin/tags/lasers', headers: { ...h, 'if-match': '*' }, payload: { slug: 'directed-energy' } })
    await app.inject({ method: 'DELETE', url: '/v1/admin/tags/directed-energy', headers: { ...h, 'if-match': '*' } })
    await app.inject({ method: 'POST', url: '/v1/admin/authors', headers: h, payload: { name: 'Guest Writer' } })
    await app.inject({ method: 'PATCH', url: '/v1/admin/authors/guest-writer', headers: { ...h, 'if-match': '*' }, payload: { bio: 'Writes' } })
    await app.inject({ method: 'DELETE', url: '/v1/admin/authors/guest-writer', headers: { ...h, 'if-match': '*' } })
    const page = (await app.inject({ method: 'POST', url: '/v1/admin/pages', headers: h, payload: { title: 'Ethics', status: 'published' } })).json().data
    await app.inject({ method: 'PATCH', url: `/v1/admin/pages/${page.id}`, headers: { ...h, 'if-match': '"v1"' }, payload: { slug: 'ethics-policy' } })
    await app.inject({ method: 'DELETE', url: `/v1/admin/pages/${page.id}`, headers: { ...h, 'if-match': '"v2"' } })
    const settings = (await app.inject({ method: 'GET', url: '/v1/admin/settings', headers: admin.auth })).json().data
    await app.inject({ method: 'PATCH', url: '/v1/admin/settings', headers: { ...admin.auth, 'if-match': `"v${settings.version}"` }, payload: { permalinks: { tag: '/topics/{slug}' } } })
    await app.inject({ method: 'POST', url: '/v1/admin/collections', headers: h, payload: { name: 'Hero', size: 1 } })
    const lead = (await app.inject({ method: 'GET', url: '/v1/articles?limit=1' })).json().data[0]
    await app.inject({ method: 'PUT', url: '/v1/admin/collections/hero/items', headers: { ...h, 'if-match': '"v1"' }, payload: { items: [{ slot: 1, article_id: lead.id }] } })
    await app.inject({ method: 'DELETE', url: '/v1/admin/collections/hero', headers: { ...h, 'if-match': '"v2"' } })
    const commentable = await commentableArticle(app)
    await postComment(app, commentable.slug)
    const review = (await app.inject({ method: 'POST', url: '/v1/admin/articles', headers: h, payload: { ...story, title: 'For Review' } })).json().data
    await app.inject({ method: 'PATCH', url: `/v1/admin/articles/${review.id}`, headers: { ...h, 'if-match': '"v1"' }, payload: { status: 'in_review' } })
    await app.inject({ method: 'PATCH', url: `/v1/admin/articles/${review.id}`, headers: { ...h, 'if-match': '"v2"' }, payload: { status: 'changes_requested', note: 'Shorter, please' } })
    const events = await delivered()
    const seen = new Set(events.map((e) => e.type))
    for (const type of Object.keys(WEBHOOK_PAYLOADS)) if (!['subscriber.confirmed', 'webhook.test'].includes(type)) t.ok(seen.has(type as WebhookEventType), `saw ${type}`)
    for (const event of events) {
      const validate = validators.get(event.type)!
      t.ok(validate(event), `${event.type} matches its schema ${JSON.stringify(validate.errors ?? [])}`)
    }
    const of = (type: string) => events.filter((e) => e.type === type)
    t.match(of('article.updated')[0]!.data, { current: { slug: 'sixth-gen', url: `${SITE}/sixth-gen` }, previous: { slug: 'chinas-6th-generation-fighter-jet-takes-first-flight', url: `${SITE}/chinas-6th-generation-fighter-jet-takes-first-flight` } })
    t.match(of('article.deleted')[0]!.data, { current: null, previous: { slug: 'sixth-gen', status: 'published', url: `${SITE}/sixth-gen` } })
    t.match(of('section.updated')[0], { data: { current: { slug: 'africa-news', url: `${SITE}/section/africa-news` }, previous: { slug: 'africa', url: `${SITE}/section/africa` } } })
    t.ok(of('section.updated')[0]!.purge_keys.includes('section:africa') && of('section.updated')[0]!.purge_keys.includes('section:africa-news'), 'both slugs purged')
    t.match(of('tag.deleted')[0]!.data, { current: null, previous: { slug: 'directed-energy', url: `${SITE}/tag/directed-energy` } })
    t.match(of('page.updated')[0]!.data, { current: { slug: 'ethics-policy', url: `${SITE}/ethics-policy` }, previous: { slug: 'ethics' } })
    t.match(of('settings.updated')[0]!.data, { current: { permalinks: { tag: '/topics/{slug}' } }, previous: { permalinks: { tag: '/tag/{slug}' } } })
    t.match(of('comment.created')[0]!.data.current, { article: { id: commentable.id, slug: commentable.slug, url: `${SITE}/${commentable.slug}` } })
  })
})
