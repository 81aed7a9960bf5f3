import path from 'node:path'
import t from 'tap'
import ts from 'typescript'
import { build } from '../helpers/build.js'

/**
 * The served JSON-LD checked against schema.org's vocabulary: each document becomes a TypeScript
 * constant typed with schema-dts (types generated from schema.org) and is compiled. An unknown
 * property, a misspelt @type or a value of the wrong type is a compile error; the negative
 * controls below show the check does fail on such documents.
 */
const ROOT = path.resolve(import.meta.dirname, '..', '..')
const FILE = path.join(ROOT, 'test', '__jsonld_check__.ts')

const PRELUDE = `import type { NewsArticle, Organization, SearchAction, WebSite, WithContext } from 'schema-dts'
// Google's search-box convention: the one name outside schema.org's vocabulary, allowed by name.
type SearchActionWithInput = SearchAction & { 'query-input': string }
type WebSiteWithSearch = Omit<WebSite, 'potentialAction'> & { potentialAction: SearchActionWithInput }
export {}
`

/** Compiles the declarations once; each diagnostic is counted against the constant it falls in. */
function vocabularyErrorsByConstant(declarations: string): Map<string, string[]> {
  const options: ts.CompilerOptions = { strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, skipLibCheck: true, types: [] }
  const source = PRELUDE + declarations
  const host = ts.createCompilerHost(options)
  const getSourceFile = host.getSourceFile.bind(host)
  host.getSourceFile = (name, language, onError, create) => (path.resolve(name) === FILE ? ts.createSourceFile(name, source, language, true) : getSourceFile(name, language, onError, create))
  const fileExists = host.fileExists.bind(host)
  host.fileExists = (name) => path.resolve(name) === FILE || fileExists(name)
  const readFile = host.readFile.bind(host)
  host.readFile = (name) => (path.resolve(name) === FILE ? source : readFile(name))
  const program = ts.createProgram([FILE], options, host)
  const starts = [...source.matchAll(/export const (\w+)/g)].map((m) => ({ name: m[1]!, at: m.index }))
  const out = new Map<string, string[]>(starts.map((s) => [s.name, []]))
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const owner = [...starts].reverse().find((s) => (d.start ?? 0) >= s.at)?.name ?? '(prelude)'
    out.set(owner, [...(out.get(owner) ?? []), ts.flattenDiagnosticMessageText(d.messageText, '\n').split('\n')[0]!])
  }
  return out
}

const asConst = (name: string, type: string, value: unknown) => `export const ${name}: ${type} = ${JSON.stringify(value, null, 2)}\n`

t.test('articles and the site carry structured data valid against schema.org', async (t) => {
  const app = await build(t, { seed: true })
  const article = (await app.inject({ url: '/v1/articles/china-working-on-resumption-of-dialogue-with-us-report' })).json().data
  const site = (await app.inject({ url: '/v1/site' })).json().data
  const ld = article.structured_data
  const [organization, website] = site.structured_data['@graph']

  t.match(ld, { '@context': 'https://schema.org', '@type': 'NewsArticle', headline: article.title, datePublished: article.published_at, dateModified: article.updated_at, articleSection: article.section.name, isAccessibleForFree: true, url: article.url })
  t.same(ld.author, article.authors.map((a: { name: string; url: string }) => ({ '@type': 'Person', name: a.name, url: a.url })), 'every author of the byline, with its url')
  t.same(ld.keywords, article.tags.map((tag: { name: string }) => tag.name))
  t.equal(ld.publisher.name, site.title, 'the publication is the publisher')
  t.ok(ld.image.length >= 2, 'the featured image and its renditions')
  t.ok(ld.image.every((url: string) => /^https?:\/\//.test(url)), 'as absolute URLs')
  t.equal(ld.image[0], article.featured_image.url)
  t.equal(website.potentialAction.target.urlTemplate, `${site.url}/search?q={search_term_string}`, 'the search box points at the frontend’s search page')
  t.equal(organization['@id'], website.publisher['@id'], 'the website is published by the organisation')

  // Negative controls, compiled with them: the check fails on what schema.org does not define.
  const broken: [string, string, unknown][] = [
    ['a misspelt property', 'WithContext<NewsArticle>', { ...ld, headlines: ld.headline }],
    ['an unknown @type', 'WithContext<NewsArticle>', { ...ld, '@type': 'NewsArtcle' }],
    ['a wrong value type', 'WithContext<NewsArticle>', { ...ld, isAccessibleForFree: 'yes please' }],
    ['an author as a number', 'WithContext<NewsArticle>', { ...ld, author: [42] }],
    ['a wrong action type', 'WebSiteWithSearch', { ...website, potentialAction: { ...website.potentialAction, '@type': 'SearchAktion' } }],
  ]
  const errors = vocabularyErrorsByConstant(
    asConst('article', 'WithContext<NewsArticle>', ld) +
      asConst('organization', 'Organization', organization) +
      asConst('website', 'WebSiteWithSearch', website) +
      broken.map(([, type, doc], i) => asConst(`broken${i}`, type, doc)).join(''),
  )
  t.same(errors.get('(prelude)') ?? [], [], 'the prelude compiles')
  for (const name of ['article', 'organization', 'website']) t.same(errors.get(name), [], `${name}: no property, type or value outside schema.org’s vocabulary`)
  broken.forEach(([name], i) => t.not(errors.get(`broken${i}`)!.length, 0, `${name} fails the check`))
})

t.test('headlines are cut at 110 characters; an article without an image has an empty list', async (t) => {
  const app = await build(t, { seed: true })
  const { createUser } = await import('../helpers/auth.js')
  const editor = await createUser(app, 'editor', { author: 'the-defence-times' })
  const title = `A very long headline ${'about defence procurement '.repeat(6)}`.trim()
  const created = await app.inject({ method: 'POST', url: '/v1/admin/articles', headers: editor.auth, payload: { title, section: 'india', status: 'published', body: 'Body.' } })
  t.equal(created.statusCode, 201)
  const ld = (await app.inject({ url: `/v1/articles/${created.json().data.slug}` })).json().data.structured_data
  t.equal(ld.headline.length, 110)
  t.ok(ld.headline.endsWith('…'))
  t.same(ld.image, [])
})
