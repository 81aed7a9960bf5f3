import t from 'tap'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
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

  const report = await run()
  t.match(report.counts, { article: { created: 2, failed: 0 }, page: { created: 1 }, section: { created: 2 }, author: { created: 2 }, media: { created: 1, failed: 0 } })
  const messages = report.warnings.map((w) => `${w.item}: ${w.message}`)
  t.comment(messages.join('\n'))
  t.ok(messages.some((m) => m.includes('the Lexical node "paywall"')), 'an unknown Lexical node is reported')
  t.ok(messages.some((m) => m.includes('has 2 authors: the first (Ines Duarte) is the byline')), 'co-authors reported')

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

  // Again: nothing changes.
  const again = await run()
  t.match(again.counts, { article: { created: 0, updated: 0, skipped: 2 }, page: { created: 0, skipped: 1 } })

  // Files that are not Ghost exports are refused with the reason.
  await t.rejects(run(file('{"db":[{"data":{}}]}')), XmlFileError, 'no posts')
  await t.rejects(run(file('<rss/>')), { message: /Not a Ghost export: not JSON/ })
  await t.rejects(run(file(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]).toString('latin1'))), XmlFileError)
})
