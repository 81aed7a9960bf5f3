import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { DomUtils, parseDocument } from 'htmlparser2'
import t, { type Test } from 'tap'
import type { Static } from 'typebox'
import type { CollectionBody } from '../src/schemas/collections.js'
import type { ArticleBody, ArticleSummaryBody, CorrectionEntry, SiteBody } from '../src/schemas/content.js'
import { build } from './helpers/build.js'

/**
 * A frontend built from the API alone, checked in a real browser: the pages in
 * test/fixtures/frontend fetch the public API from another origin (CORS) and render the front
 * page from collections, a co-authored article with its corrections box and JSON-LD, and the
 * transparency page. Headless Chromium loads them and the rendered DOM is read back.
 */
const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((file) => existsSync(file))
const FRONTEND = path.resolve(import.meta.dirname, 'fixtures', 'frontend')
const FILES: Record<string, string> = { '/index.html': 'text/html', '/article.html': 'text/html', '/corrections.html': 'text/html', '/frontend.js': 'text/javascript' }
const run = promisify(execFile)

type Node = ReturnType<typeof parseDocument>
type Element = ReturnType<typeof DomUtils.getElementsByTagName>[number]

/** Elements matching a predicate, in document order. */
const all = (root: Node | Element, match: (e: Element) => boolean) => DomUtils.findAll(match, [root])
const attr = (e: Element, name: string) => DomUtils.getAttributeValue(e, name)
const text = (e: Element) => DomUtils.textContent(e).replace(/\s+/g, ' ').trim()
const byTag = (tag: string) => (e: Element) => e.name === tag
const byClass = (name: string) => (e: Element) => (attr(e, 'class') ?? '').split(' ').includes(name)
function one(root: Node | Element, match: (e: Element) => boolean, what: string): Element {
  const found = all(root, match)
  if (found.length !== 1) throw new Error(`expected one ${what}, found ${found.length}`)
  return found[0]!
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

t.test('a frontend renders bylines, collections, corrections and JSON-LD from the API', { skip: CHROMIUM ? false : 'Chromium is not installed (apt-get install chromium)' }, async (t) => {
  const statics = createServer((req, res) => {
    const file = new URL(req.url ?? '/', 'http://x').pathname
    const type = FILES[file]
    if (!type) return void res.writeHead(404).end()
    res.writeHead(200, { 'content-type': `${type}; charset=utf-8` }).end(readFileSync(path.join(FRONTEND, file)))
  })
  const origin = await listen(statics)
  t.teardown(() => statics.close())
  const app = await build(t, { seed: true, env: { CORS_ORIGINS: origin } })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const api = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
  const profile = mkdtempSync(path.join(tmpdir(), 'newsroom-chromium-'))
  t.teardown(() => rmSync(profile, { recursive: true, force: true }))

  /** The page's DOM once its scripts ran: virtual time waits for the fetches, not the wall clock. */
  async function open(page: string, query: Record<string, string>): Promise<{ dom: Node; state: string | undefined }> {
    const url = `${origin}/${page}?${new URLSearchParams({ api, ...query })}`
    const { stdout } = await run(CHROMIUM!, ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', `--user-data-dir=${profile}`, '--virtual-time-budget=60000', '--dump-dom', url], { timeout: 150_000, maxBuffer: 64 * 1024 * 1024 })
    const dom = parseDocument(stdout)
    return { dom, state: attr(one(dom, byTag('body'), '<body>'), 'data-state') }
  }
  async function render(t: Test, page: string, query: Record<string, string> = {}): Promise<Node> {
    const { dom, state } = await open(page, query)
    t.equal(state, 'ready', `${page} rendered`)
    return dom
  }
  const json = async <T>(url: string): Promise<T> => ((await app.inject({ url })).json() as { data: T }).data

  t.test('front page: every collection, full, in the API’s order', async (t) => {
    const dom = await render(t, 'index.html')
    const collections = await json<CollectionBody[]>('/v1/collections')
    const blocks = all(dom, byClass('collection'))
    t.same(blocks.map((b) => attr(b, 'data-slug')), collections.map((c) => c.slug), 'one block per collection, in order')
    t.ok(blocks.some((b) => attr(b, 'data-slug') === 'top-stories'), 'the seed’s Top Stories block')
    for (const [i, block] of blocks.entries()) {
      const links = all(block, byTag('a'))
      t.equal(links.length, collections[i]!.size, `${attr(block, 'data-slug')}: never short (${collections[i]!.size} slots filled)`)
      t.same(links.map((a) => attr(a, 'data-slug')), collections[i]!.articles.map((a) => a.slug), `${attr(block, 'data-slug')}: the API's articles in order`)
    }
    const site = JSON.parse(DomUtils.textContent(one(dom, (e) => attr(e, 'id') === 'site-jsonld', 'site JSON-LD'))) as SiteBody['structured_data']
    t.same(site['@graph'].map((n) => n['@type']), ['Organization', 'WebSite'], 'site JSON-LD: Organization + WebSite')
    t.match((site['@graph'][1] as Extract<SiteBody['structured_data']['@graph'][number], { '@type': 'WebSite' }>).potentialAction.target.urlTemplate, /\/search\?q=\{search_term_string\}$/, 'with its SearchAction')
  })

  t.test('article page: two-author byline, corrections box, NewsArticle JSON-LD', async (t) => {
    const slug = 'china-working-on-resumption-of-dialogue-with-us-report'
    const dom = await render(t, 'article.html', { slug })
    const article = await json<ArticleBody>(`/v1/articles/${slug}`)
    t.equal(text(one(dom, byTag('h1'), '<h1>')), article.title, 'headline')
    const byline = one(dom, byClass('byline'), 'byline')
    const authors = all(byline, (e) => e.name === 'a' && attr(e, 'rel') === 'author')
    t.equal(authors.length, 2, 'two authors in the byline')
    t.equal(text(byline), `By ${article.authors[0]!.name} and ${article.authors[1]!.name}`, 'the byline reads "By A and B"')
    t.same(authors.map((a) => attr(a, 'href')), article.authors.map((a) => a.url), 'each name links to its author page')
    const box = one(dom, byClass('corrections'), 'corrections box')
    const notes = all(box, byTag('li'))
    t.equal(notes.length, 1, 'one note in the corrections box')
    t.equal(attr(notes[0]!, 'data-kind'), 'correction')
    t.match(text(notes[0]!), 'They met in Bali.', 'the correction’s text')
    t.ok(all(one(dom, byClass('body'), 'body'), byTag('p')).length > 3, 'the body is rendered')
    const ld = JSON.parse(DomUtils.textContent(one(dom, (e) => attr(e, 'id') === 'article-jsonld', 'article JSON-LD'))) as ArticleBody['structured_data']
    t.same(ld, article.structured_data, 'the page carries the API’s JSON-LD unchanged (its vocabulary is checked in structured-data.test.ts)')
    t.equal(ld['@type'], 'NewsArticle')
    t.same(ld.author.map((a) => a.url), article.authors.map((a) => a.url), 'JSON-LD names both authors with their urls')
    for (const field of ['headline', 'image', 'datePublished', 'dateModified', 'publisher'] as const) t.ok(ld[field], `JSON-LD has ${field}`)
  })

  t.test('a single-author article has a one-name byline and no corrections box', async (t) => {
    const articles = await json<ArticleSummaryBody[]>('/v1/articles?limit=50')
    const solo = articles.find((a) => a.authors.length === 1 && a.slug !== 'china-working-on-resumption-of-dialogue-with-us-report')
    const dom = await render(t, 'article.html', { slug: solo!.slug })
    t.equal(text(one(dom, byClass('byline'), 'byline')), `By ${solo!.authors[0]!.name}`)
    t.equal(all(dom, byClass('corrections')).length, 0, 'no corrections box')
  })

  t.test('transparency page: the site’s recent corrections, each linking to its article', async (t) => {
    const dom = await render(t, 'corrections.html')
    const corrections = await json<Static<typeof CorrectionEntry>[]>('/v1/corrections')
    const items = all(one(dom, byClass('transparency'), 'corrections list'), byTag('li'))
    t.ok(corrections.length >= 1, 'the seed has a correction')
    t.equal(items.length, corrections.length, 'one entry per correction')
    t.same(items.map((li) => attr(all(li, byTag('a'))[0]!, 'data-slug')), corrections.map((c) => c.article.slug), 'each links to its article, newest first')
  })

  t.test('a page whose API call fails says so instead of rendering a blank page', async (t) => {
    const { state } = await open('article.html', { slug: 'no-such-article' })
    t.match(state, /^error: .*HTTP 404/, 'the 404 reaches the page')
  })
})
