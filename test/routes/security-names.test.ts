import t from 'tap'
import { authors, pages, sections, tags } from '../../src/db/schema/index.js'
import { DISPLAY_TEXT_REASON } from '../../src/schemas/common.js'
import { assertProblem } from '../helpers/assertions.js'
import { createUser } from '../helpers/auth.js'
import { build, type TestApp } from '../helpers/build.js'
import { createAuthor, createSection } from '../helpers/factories.js'

/**
 * Names that make no slug, and names that display as something they are not. A section, tag,
 * author or page with the empty slug could never be read, edited or deleted again.
 */

const kinds = [
  { kind: 'section', url: '/v1/admin/sections', field: 'name', table: sections },
  { kind: 'tag', url: '/v1/admin/tags', field: 'name', table: tags },
  { kind: 'author', url: '/v1/admin/authors', field: 'name', table: authors },
  { kind: 'page', url: '/v1/admin/pages', field: 'title', table: pages },
] as const

const INVISIBLE = {
  'zero-width space': '\u200B',
  'zero-width space around text': '\u200BNews\u200B',
  'right-to-left override': 'Breaking\u202Eswen',
  'left-to-right embedding': 'a\u202Ab',
  'pop directional formatting': 'a\u202Cb',
  'first strong isolate': 'a\u2068b',
  'pop directional isolate': 'a\u2069b',
  'right-to-left mark': 'a\u200Fb',
  'soft hyphen': 'News\u00ADroom',
  'byte order mark': '\uFEFFNews',
  'word joiner': 'News\u2060room',
  'a newline': 'News\nroom',
  'a line separator': 'News\u2028room',
}

async function rowsOf(app: TestApp) {
  const db = app.database.db
  return { sections: await db.select().from(sections), tags: await db.select().from(tags), authors: await db.select().from(authors), pages: await db.select().from(pages) }
}

t.test('a name that makes no slug is 422 naming body.slug unless a slug is sent; invisible and bidi characters are 400', async (t) => {
  const app = await build(t)
  const editor = await createUser(app, 'editor')
  const before = await rowsOf(app)
  for (const { kind, url, field } of kinds) {
    for (const name of ['!!!', '—', 'Москва', '北京']) {
      const problem = assertProblem(t, await app.inject({ method: 'POST', url, headers: editor.auth, payload: { [field]: name } }), 422, 'UNPROCESSABLE')
      t.same(problem.invalid_params, [{ name: 'body.slug', reason: `is required when the ${field} makes no slug` }], `${kind} "${name}"`)
    }
    for (const [what, name] of Object.entries(INVISIBLE)) {
      const problem = assertProblem(t, await app.inject({ method: 'POST', url, headers: editor.auth, payload: { [field]: name, slug: `x-${kind}` } }), 400, 'VALIDATION_FAILED')
      t.same(problem.invalid_params, [{ name: `body.${field}`, reason: DISPLAY_TEXT_REASON }], `${kind}: ${what}`)
    }
    for (const slug of ['', 'a\u202Eb', 'news\u200B', 'caf\u00e9']) {
      const problem = assertProblem(t, await app.inject({ method: 'POST', url, headers: editor.auth, payload: { [field]: 'Fine', slug } }), 400, 'VALIDATION_FAILED')
      t.match(problem.invalid_params, [{ name: 'body.slug' }], `${kind} slug ${JSON.stringify(slug)}`)
    }
  }
  t.same(await rowsOf(app), before, 'nothing was written')

  for (const { kind, url, field } of kinds) {
    const created = await app.inject({ method: 'POST', url, headers: editor.auth, payload: { [field]: 'Москва', slug: `moskva-${kind}` } })
    t.equal(created.statusCode, 201, `${kind} with a non-Latin name and a slug`)
    t.equal(created.json().data.slug, `moskva-${kind}`)
    const joined = await app.inject({ method: 'POST', url, headers: editor.auth, payload: { [field]: 'نامه\u200Cها', slug: `zwnj-${kind}` } })
    t.equal(joined.statusCode, 201, `${kind}: a zero-width non-joiner between letters (Persian) is text`)
  }
  const renamed = await app.inject({ method: 'PATCH', url: '/v1/admin/tags/moskva-tag', headers: { ...editor.auth, 'if-match': '*' }, payload: { name: 'Mos\u202Ekva' } })
  assertProblem(t, renamed, 400, 'VALIDATION_FAILED')
  const all = await rowsOf(app)
  t.notOk([...all.sections, ...all.tags, ...all.authors, ...all.pages].some((row) => row.slug === ''), 'no empty slug anywhere')
})

t.test("an article's tags given by name: a name that makes no slug names an existing tag or is refused, never dropped", async (t) => {
  const app = await build(t)
  const db = app.database.db
  const editor = await createUser(app, 'editor')
  const section = (await createSection(db)).slug
  const author = (await createAuthor(db)).slug
  t.equal((await app.inject({ method: 'POST', url: '/v1/admin/tags', headers: editor.auth, payload: { name: 'Москва', slug: 'moskva' } })).statusCode, 201)
  const tagsBefore = await db.select().from(tags)

  const create = (tagList: string[]) => app.inject({ method: 'POST', url: '/v1/admin/articles', headers: editor.auth, payload: { title: 'Tagged story', section, author, tags: tagList } })
  const refused = assertProblem(t, await create(['Radar', '!!!']), 422, 'UNPROCESSABLE')
  t.match(refused.invalid_params, [{ name: 'body.tags.1', reason: /"!!!" has no Latin letters or digits.*no tag has this name/ }])
  assertProblem(t, await create(['Пекин']), 422, 'UNPROCESSABLE')
  const hidden = assertProblem(t, await create(['Radar', 'evil\u202Egnp.exe']), 400, 'VALIDATION_FAILED')
  t.same(hidden.invalid_params, [{ name: 'body.tags.1', reason: DISPLAY_TEXT_REASON }])
  t.same(await db.select().from(tags), tagsBefore, 'no tag was created by a refused article')
  t.equal((await app.inject({ method: 'GET', url: '/v1/admin/articles', headers: editor.auth })).json().meta.total, 0, 'no article was created')

  const accepted = await create(['москва', 'Radar', 'radar'])
  t.equal(accepted.statusCode, 201)
  t.same(accepted.json().data.tags, [{ slug: 'moskva', name: 'Москва', url: 'http://api.test/tag/moskva' }, { slug: 'radar', name: 'Radar', url: 'http://api.test/tag/radar' }], 'the existing tag is found by its name; in order, once, named as first written')
  t.equal((await db.select().from(tags)).length, tagsBefore.length + 1, 'only Radar was created')
  const updated = await app.inject({ method: 'PATCH', url: `/v1/admin/articles/${accepted.json().data.id}`, headers: { ...editor.auth, 'if-match': '"v1"' }, payload: { tags: ['Radar', '???'] } })
  assertProblem(t, updated, 422, 'UNPROCESSABLE')
  const unchanged = await app.inject({ method: 'GET', url: `/v1/admin/articles/${accepted.json().data.id}`, headers: editor.auth })
  t.match(unchanged.json().data, { version: 1, tags: [{ slug: 'moskva' }, { slug: 'radar' }] }, 'a refused update leaves the article as it was')
})

t.test('the database refuses the empty slug too', async (t) => {
  const app = await build(t)
  const db = app.database.db
  const violated = (write: Promise<unknown>) => write.then(() => 'written', (error: { cause?: { constraint?: string } }) => error.cause?.constraint)
  t.equal(await violated(db.insert(sections).values({ slug: '', name: '!!!' })), 'sections_slug_not_empty')
  t.equal(await violated(db.insert(tags).values({ slug: '', name: '!!!' })), 'tags_slug_not_empty')
  t.equal(await violated(db.insert(authors).values({ slug: '', name: '!!!' })), 'authors_slug_not_empty')
  t.equal(await violated(db.insert(pages).values({ slug: '', title: '!!!' })), 'pages_slug_not_empty')
})
