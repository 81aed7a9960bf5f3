import t from 'tap'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { subscribers } from '../../src/db/schema/index.js'
import { XmlFileError } from '../../src/lib/xml-records.js'
import { createUser } from '../helpers/auth.js'
import { build } from '../helpers/build.js'
import { actorOf, opener, startUploadsServer } from '../helpers/wordpress.js'

/** A Ghost 5.x JSON export (written for this test): Lexical and HTML posts, tags, two authors, a page. */
const FIXTURE = path.resolve(import.meta.dirname, '../fixtures/import/ghost/newsroom.ghost.json')

function file(content: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ghost-'))
  writeFileSync(path.join(dir, 'export.json'), content)
  return path.join(dir, 'export.json')
}

t.test('Ghost import', async (t) => {
  const uploads = await startUploadsServer()
  t.teardown(uploads.close)
  const app = await build(t, { env: { MEDIA_FETCH_ALLOW_PRIVATE: 'true', PUBLIC_URL: 'https://news.example' } })
  const admin = await createUser(app, 'admin')
  const exportFile = file(readFileSync(FIXTURE, 'utf8').replaceAll('{{ORIGIN}}', uploads.origin))
  const run = (f = exportFile, dryRun = false) => app.services.imports.run({ source: 'ghost', open: opener(f), actor: actorOf(admin), dryRun })
  // An address that unsubscribed here before the move.
  await app.database.db.insert(subscribers).values({ email: 'left@example.com', status: 'unsubscribed', consentAt: new Date('2024-01-01T00:00:00Z'), privacyPolicyVersion: '1', unsubscribedAt: new Date('2024-02-01T00:00:00Z') })

  const report = await run()
  t.match(report.counts, {
    article: { created: 2, failed: 0 },
    page: { created: 1 },
    section: { created: 2 },
    author: { created: 2 },
    media: { created: 1, failed: 0 },
    // m1 (newsletter), m5 (Ghost 4 flag), m4 (already here) · m2 (no consent), m3 (bounced) · m6 (no address)
    subscriber: { created: 3, skipped: 2, failed: 1 },
  })
  const messages = report.warnings.map((w) => `${w.item}: ${w.message}`)
  t.comment(messages.join('\n'))
  t.ok(messages.some((m) => m.includes('the Lexical node "paywall"')), 'an unknown Lexical node is reported')
  t.notOk(messages.some((m) => m.includes('authors')), 'co-authorship is imported, not reported')

  // The published post reads like a native article: primary public tag → section, the rest tags, the first author.
  const res = await app.inject({ url: '/v1/articles/container-rates-ease' })
  t.equal(res.statusCode, 200)
  const article = res.json().data
  t.match(article, {
    title: 'Container Rates Ease Across The Pacific',
    excerpt: 'Spot rates fell for a third week.',
    section: { slug: 'asia-pacific', name: 'Asia-Pacific' },
    author: { slug: 'ines', name: 'Ines Duarte' },
    published_at: '2026-04-02T09:00:00.000Z',
    featured_image: { alt: 'Cranes over a container terminal', caption: 'The terminal at dawn' },
  })
  t.same(article.tags.map((tag: { slug: string }) => tag.slug), ['shipping'], 'the internal #tag is left out')
  t.same(article.authors.map((a: { slug: string; url: string }) => [a.slug, a.url]), [['ines', 'https://news.example/author/ines'], ['tom', 'https://news.example/author/tom']], 'both Ghost authors, in Ghost’s order, each with its page')
  const byTom = (await app.inject({ url: '/v1/articles?author=tom' })).json().data
  t.ok(byTom.some((a: { slug: string }) => a.slug === 'container-rates-ease'), 'the co-author’s article list has the co-authored post')
  t.match(article.body_html, /<p>Spot rates fell for a <strong>third week<\/strong>, brokers said\.<\/p><h2>What changed<\/h2><ul><li>More ships<\/li><li><a href="https:\/\/example\.org\/report"[^>]*><em>the report<\/em><\/a><\/li><\/ul><blockquote>/)

  // The draft stays a draft; its script is gone like in any body.
  const admins = (await app.inject({ url: '/v1/admin/articles?status=draft', headers: admin.auth })).json().data as { slug: string; body_html: string }[]
  const draft = admins.find((a) => a.slug === 'pilots-union-deal')!
  t.ok(draft, 'the draft is imported as a draft')
  t.notMatch(draft.body_html, /script/)
  t.equal((await app.inject({ url: '/v1/articles/pilots-union-deal' })).statusCode, 404, 'and is not public')
  t.equal((await app.inject({ url: '/v1/pages/about' })).statusCode, 200, 'the page')

  // Old Ghost URLs answer with a 301 to the new ones.
  const moved = await app.inject({ url: '/v1/resolve?path=/container-rates-ease/' })
  t.match(moved.json().data ?? moved.json(), { type: 'article' })
  const tagPage = await app.inject({ url: '/v1/resolve?path=/tag/asia-pacific/' })
  t.ok([200, 301].includes(tagPage.statusCode), `the old tag page resolves (${tagPage.statusCode})`)

  // Members who took a newsletter at Ghost are confirmed subscribers, their consent recorded as imported.
  const list = (await app.inject({ url: '/v1/admin/subscribers?limit=50', headers: admin.auth })).json().data as { email: string; status: string; consent_source?: string }[]
  const rows = await app.database.db.select().from(subscribers)
  const byEmail = new Map(rows.map((r) => [r.email.toLowerCase(), r]))
  t.match(byEmail.get('reader.one@example.com'), { email: 'Reader.One@example.com', name: 'Reader One', status: 'confirmed', consentSource: 'import:ghost', privacyPolicyVersion: 'imported', consentAt: new Date('2025-01-02T08:00:00.000Z'), confirmedAt: new Date('2025-01-02T08:00:00.000Z') })
  t.match(byEmail.get('ghost4@example.com'), { status: 'confirmed', consentSource: 'import:ghost' }, 'a Ghost 4 member with subscribed: true')
  t.match(byEmail.get('left@example.com'), { status: 'unsubscribed', consentSource: 'api' }, 'an address that unsubscribed here stays unsubscribed')
  t.notOk(byEmail.has('no.newsletter@example.com'), 'a member without newsletter consent is not a subscriber')
  t.notOk(byEmail.has('bounced@example.com'), 'nor one whose address Ghost disabled')
  t.equal(list.filter((s) => s.status === 'confirmed').length, 2, 'the admin list shows the two confirmed')
  t.ok(messages.some((m) => m === 'members: 1 member(s) not subscribed to any newsletter at Ghost: not imported as subscribers'))
  t.ok(messages.some((m) => m.startsWith('member:m3: its address bounced')))
  t.ok(messages.some((m) => m.startsWith('member:m6: not imported: its email address is not valid')))
  t.ok(messages.some((m) => m.startsWith('member:m4: its address is already a subscriber here (unsubscribed)')))

  // Ghost's redirects, as redirects.yaml (Ghost 4+) or redirects.json: literal paths lead to the imported items.
  const yaml = file(['301:', '  /2026/04/container-rates/: /container-rates-ease/', '  ^\\/rates\\/?$: https://old.example/container-rates-ease/', '  ^/blog/(.*)$: /$1', '302:', '  /about-us/: /about/', '  /gone/: /never-imported/', ''].join('\n'))
  const redirects = await run(yaml)
  t.match(redirects.counts, { redirect: { created: 3, skipped: 1, failed: 1 } })
  const redirectWarnings = redirects.warnings.map((w) => `${w.item}: ${w.message}`)
  t.ok(redirectWarnings.some((m) => m.includes('"^/blog/(.*)$" is a pattern, not a path')), 'a pattern is reported')
  t.ok(redirectWarnings.some((m) => m.includes('/gone/: not imported: its target /never-imported is not the old URL of an imported item') || m.includes('its target /never-imported/')), redirectWarnings.join('\n'))
  t.ok(redirectWarnings.some((m) => m.startsWith('redirect:/about-us/: was temporary (302)')))
  for (const old of ['/2026/04/container-rates/', '/rates/', '/rates']) {
    const res = await app.inject({ url: `/v1/resolve?path=${encodeURIComponent(old)}` })
    t.match(res.json().data ?? res.json(), { type: 'article' }, `${old} leads to the article`)
  }
  const aboutUs = await app.inject({ url: '/v1/resolve?path=/about-us/' })
  t.match(aboutUs.json().data ?? aboutUs.json(), { type: 'page' })
  t.match((await run(yaml)).counts, { redirect: { created: 0, skipped: 4 } }, 'again: nothing changes')
  const json = file(JSON.stringify([{ from: '^\\/old-about\\/$', to: '/about/', permanent: true }]))
  t.match((await run(json)).counts, { redirect: { created: 1 } }, 'redirects.json')
  t.match((await app.inject({ url: '/v1/resolve?path=/old-about/' })).json().data ?? {}, { type: 'page' })

  // Ghost's members CSV (Members → Export) comes in the same way.
  const csv = file(['id,email,name,note,subscribed_to_emails,complimentary_plan,stripe_customer_id,created_at,deleted_at,labels,tiers', 'c1,csv.reader@example.com,"Reader, CSV",,true,,,2024-05-01T10:00:00.000Z,,,', 'c2,csv.no@example.com,No,,false,,,2024-05-02T10:00:00.000Z,,,', 'c3,csv.deleted@example.com,Gone,,true,,,2024-05-03T10:00:00.000Z,2024-06-01T00:00:00.000Z,,', ''].join('\r\n'))
  t.match((await run(csv)).counts, { subscriber: { created: 1, skipped: 1 } })
  const csvRows = await app.database.db.select().from(subscribers)
  t.match(csvRows.find((r) => r.email === 'csv.reader@example.com'), { name: 'Reader, CSV', status: 'confirmed', consentAt: new Date('2024-05-01T10:00:00.000Z') })
  t.notOk(csvRows.some((r) => r.email === 'csv.no@example.com' || r.email === 'csv.deleted@example.com'))
  await t.rejects(run(file('id,email,name\n"unterminated,x@example.com,y\n')), { message: /Not a Ghost members CSV: the file ends inside a quoted field/ })
  await t.rejects(run(file('301:\n  - /a/\n')), { message: /Not a Ghost redirects file/ })
  await t.rejects(run(file('[{"to":"/x/"}]')), { message: /entry 1 has no "from" and "to"/ })

  // The primary tag as a tag instead of the section: every post would change (dry run).
  const asTags = await app.services.imports.run({ source: 'ghost', open: opener(exportFile), actor: actorOf(admin), dryRun: true, mapping: { primaryTag: 'tag' } })
  t.match(asTags.counts, { article: { updated: 2 }, section: { created: 1 } }, 'both articles move to Uncategorized; that section would be created')

  // Again: nothing changes.
  const again = await run()
  t.match(again.counts, { article: { created: 0, updated: 0, skipped: 2 }, page: { created: 0, skipped: 1 }, subscriber: { created: 0, skipped: 5 } })

  // The source's byline order changes: the re-import follows it.
  const swapped = JSON.parse(readFileSync(exportFile, 'utf8'))
  for (const row of swapped.db[0].data.posts_authors) if (row.post_id === '6650a1b2c3d4e5f603000001') row.sort_order = row.author_id.endsWith('1') ? 1 : 0
  const reordered = await run(file(JSON.stringify(swapped)))
  t.match(reordered.counts, { article: { updated: 1 } })
  const after = (await app.inject({ url: '/v1/articles/container-rates-ease' })).json().data
  t.same(after.authors.map((a: { slug: string }) => a.slug), ['tom', 'ines'], 'the byline follows the source’s new order')
  t.equal(after.author.slug, 'tom', '`author` is the first of them')

  // A published post without its date is a draft here, and the report says so.
  const undated = await run(file(JSON.stringify({ db: [{ data: { posts: [{ id: 'p9', title: 'Undated', slug: 'undated', html: '<p>x</p>', status: 'published', published_at: null }] } }] })))
  t.match(undated.counts, { article: { created: 1 } })
  t.ok(undated.warnings.some((w) => w.item === 'post:p9' && w.message === 'is published at Ghost but has no published_at: imported as a draft'))

  // Files that are not Ghost exports are refused with the reason.
  await t.rejects(run(file('{"db":[{"data":{}}]}')), XmlFileError, 'no posts')
  await t.rejects(run(file('<rss/>')), { message: /Not a Ghost file: expected the JSON export, redirects/ })
  await t.rejects(run(file('{"db": [')), { message: /Not a Ghost file: not valid JSON/ })
  await t.rejects(run(file(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]).toString('latin1'))), XmlFileError)
})
