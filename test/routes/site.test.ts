import t from 'tap'
import { build } from '../helpers/build.js'

const SECTION_ORDER = ['asia-pacific', 'europe', 'india', 'middle-east', 'north-america', 'south-asia', 'russia-ukraine-war']

t.test('GET /v1/site: identity, navigation (sections in order, then About Us), footer pages', async (t) => {
  const app = await build(t, { seed: true })
  const res = await app.inject({ method: 'GET', url: '/v1/site' })
  t.equal(res.statusCode, 200)
  const { data } = res.json()
  t.match(data, { title: 'The Defence Times', tagline: 'Get The Latest Geo-Political News', url: 'https://thedefencetimes.example' })
  t.same(data.navigation.map((n: { section: string | null }) => n.section), [...SECTION_ORDER, null])
  t.same(data.navigation[0], { label: 'Asia-Pacific', url: 'https://thedefencetimes.example/section/asia-pacific', type: 'section', slug: 'asia-pacific', section: 'asia-pacific' })
  t.same(data.navigation.at(-1), { label: 'About Us', url: 'https://thedefencetimes.example/about-us', type: 'page', slug: 'about-us', section: null })
  t.same(data.footer_links.map((l: { label: string }) => l.label), ['About Us', 'Contact Us', 'Privacy Policy', 'Terms Of Use', 'Disclaimer'])
  t.ok(data.social_links.length >= 3)
  t.ok(data.social_links.every((l: { network: string; url: string }) => l.network && l.url.startsWith('https://')))
})

t.test('GET /v1/site before any setup is a 404 problem', async (t) => {
  const app = await build(t)
  const res = await app.inject({ method: 'GET', url: '/v1/site' })
  t.equal(res.statusCode, 404)
  t.equal(res.json().code, 'NOT_FOUND')
})

t.test('sections: ordered, with published article counts', async (t) => {
  const app = await build(t, { seed: true })
  const list = await app.inject({ method: 'GET', url: '/v1/sections' })
  t.equal(list.statusCode, 200)
  const { data, meta } = list.json()
  t.same(data.map((s: { slug: string }) => s.slug), SECTION_ORDER)
  t.same(meta, { total: 7 })
  t.same(data.map((s: { position: number }) => s.position), [0, 1, 2, 3, 4, 5, 6])
  const counts = Object.fromEntries(data.map((s: { slug: string; article_count: number }) => [s.slug, s.article_count]))
  t.same(counts, { 'asia-pacific': 7, europe: 2, india: 3, 'middle-east': 2, 'north-america': 2, 'south-asia': 1, 'russia-ukraine-war': 1 })

  const one = await app.inject({ method: 'GET', url: '/v1/sections/india' })
  t.equal(one.statusCode, 200)
  t.same(Object.keys(one.json().data).sort(), ['article_count', 'description', 'name', 'position', 'slug', 'url'])
  t.match(one.json().data, { slug: 'india', name: 'India', position: 2, article_count: 3 })
  const missing = await app.inject({ method: 'GET', url: '/v1/sections/atlantis' })
  t.equal(missing.statusCode, 404)
  t.match(missing.json(), { code: 'NOT_FOUND', status: 404, detail: /atlantis/ })
})

t.test('authors', async (t) => {
  const app = await build(t, { seed: true })
  const res = await app.inject({ method: 'GET', url: '/v1/authors/the-defence-times' })
  t.equal(res.statusCode, 200)
  t.match(res.json().data, { slug: 'the-defence-times', name: 'The Defence Times', website: 'https://thedefencetimes.example', article_count: 18 })
  t.same(Object.keys(res.json().data).sort(), ['article_count', 'avatar_url', 'bio', 'name', 'slug', 'social_links', 'url', 'website'])
  const list = await app.inject({ method: 'GET', url: '/v1/authors' })
  t.same(list.json().data.map((a: { slug: string }) => a.slug), ['meera-kapoor', 'the-defence-times'], 'by name: the demo co-author too')
  t.equal((await app.inject({ method: 'GET', url: '/v1/authors/nobody' })).statusCode, 404)
})

t.test('tags: paginated, by name or by use', async (t) => {
  const app = await build(t, { seed: true })
  const res = await app.inject({ method: 'GET', url: '/v1/tags?limit=5' })
  t.equal(res.statusCode, 200)
  const body = res.json()
  t.equal(body.data.length, 5)
  t.match(body.meta, { limit: 5, page: 1, total: 20, pages: 4 })
  const names = body.data.map((tag: { name: string }) => tag.name)
  t.same(names, [...names].sort((a: string, b: string) => a.localeCompare(b)))
  t.match(res.headers.link, /page=2>; rel="next"/)

  const popular = (await app.inject({ method: 'GET', url: '/v1/tags?sort=-article_count&limit=3' })).json().data
  t.equal(popular[0].slug, 'china')
  t.ok(popular[0].article_count >= popular[1].article_count && popular[1].article_count >= popular[2].article_count)

  const china = await app.inject({ method: 'GET', url: '/v1/tags/china' })
  t.match(china.json().data, { slug: 'china', name: 'China' })
  t.equal(china.json().data.article_count, popular[0].article_count)
  t.equal((await app.inject({ method: 'GET', url: '/v1/tags/nope' })).statusCode, 404)
  const cursor = await app.inject({ method: 'GET', url: '/v1/tags?cursor=abc' })
  t.equal(cursor.statusCode, 400, 'tags paginate by page only')
})

t.test('static pages', async (t) => {
  const app = await build(t, { seed: true })
  const list = await app.inject({ method: 'GET', url: '/v1/pages' })
  t.equal(list.statusCode, 200)
  t.same(list.json().data.map((p: { slug: string }) => p.slug).sort(), ['about-us', 'contact-us', 'disclaimer', 'privacy-policy', 'terms-of-use'])
  const page = await app.inject({ method: 'GET', url: '/v1/pages/privacy-policy' })
  t.equal(page.statusCode, 200)
  const { data } = page.json()
  t.equal(data.title, 'Privacy Policy')
  t.match(data.body_html, /<p>/)
  t.match(data.body_html, /opt-in/i)
  t.equal(data.seo.meta_title, 'Privacy Policy')
  t.ok(data.seo.meta_description.length > 0)
  t.equal((await app.inject({ method: 'GET', url: '/v1/pages/missing' })).statusCode, 404)
})
