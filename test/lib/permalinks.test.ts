import t from 'tap'
import { compilePattern, DEFAULT_PERMALINKS, normalizeWebsitePath, patternProblems } from '../../src/lib/permalinks.js'

const ID = '3585f59d-bee9-42b8-8f36-7d88f8afd121'

t.test('the default patterns are valid and give today’s navigation paths', async (t) => {
  for (const [kind, pattern] of Object.entries(DEFAULT_PERMALINKS)) t.same(patternProblems(kind as keyof typeof DEFAULT_PERMALINKS, pattern), [], kind)
  t.equal(compilePattern(DEFAULT_PERMALINKS.article).path({ slug: 'a-story' }), '/a-story')
  t.equal(compilePattern(DEFAULT_PERMALINKS.section).path({ slug: 'india' }), '/section/india')
  t.equal(compilePattern(DEFAULT_PERMALINKS.tag).path({ slug: 'navy' }), '/tag/navy')
  t.equal(compilePattern(DEFAULT_PERMALINKS.author).path({ slug: 'jane' }), '/author/jane')
})

t.test('every token builds and matches', async (t) => {
  const p = compilePattern('/{section}/{year}/{month}/{day}/{slug}-{id}.html')
  const facts = { slug: 'a-story', id: ID, sectionSlug: 'india', publishedAt: new Date('2026-03-04T23:30:00.000Z') }
  t.equal(p.path(facts), `/india/2026/03/04/a-story-${ID}.html`, 'dates in UTC, zero-padded')
  t.same(p.match(`/india/2026/03/04/a-story-${ID}.html`), { section: 'india', year: '2026', month: '03', day: '04', slug: 'a-story', id: ID })
  t.equal(p.match(`/india/2026/3/04/a-story-${ID}.html`), null, 'a month is two digits')
  t.equal(p.match('/india/2026/03/04/a-story-not-a-uuid-at-all-000000000000.html'), null, 'an id must be a UUID')
  t.equal(compilePattern('/{year}/{slug}').path({ slug: 'draft' }), null, 'no date, no dated path')
  t.equal(compilePattern('/{slug}/').path({ slug: 'x' }), '/x/', 'the editor’s trailing slash is kept in URLs')
  t.same(compilePattern('/{slug}/').match('/x'), { slug: 'x' }, 'and ignored when matching')
  t.equal(compilePattern('/{slug}').path({ slug: 'ünïcode slug' }), '/%C3%BCn%C3%AFcode%20slug', 'unusual slugs are percent-encoded')
})

t.test('bad patterns are refused with reasons', async (t) => {
  const cases: [Parameters<typeof patternProblems>[0], string, RegExp][] = [
    ['article', 'news/{slug}', /starting with \//],
    ['article', '/news/', /must contain \{slug\} or \{id\}/],
    ['article', '/{title}', /unknown token \{title\}/],
    ['article', '/{slug', /unbalanced/],
    ['article', '/{year}{slug}', /separated by a literal/],
    ['article', '/{slug}/{slug}', /token twice/],
    ['article', '/a//{slug}', /empty segment/],
    ['article', '/../{slug}', /\. or \.\. segments/],
    ['article', '/news?x=1/{slug}', /letters, digits/],
    ['article', '//evil.example/{slug}', /must not start with \/\//],
    ['section', '/{year}/{slug}', /\{year\} cannot be used in a section permalink/],
    ['tag', '/t/{id}', /\{id\} cannot be used in a tag permalink/],
    ['author', '/people', /must contain \{slug\}$/],
    ['page', `/${'a'.repeat(200)}/{slug}`, /at most 200 characters/],
  ]
  for (const [kind, pattern, reason] of cases) {
    const problems = patternProblems(kind, pattern)
    t.ok(problems.some((p) => reason.test(p)), `${kind} ${pattern}: ${problems.join('; ')}`)
  }
  t.same(patternProblems('page', '/p/{id}'), [], 'pages may use their id')
})

t.test('website paths are normalised, and malformed ones refused', async (t) => {
  const origin = 'https://site.example'
  const ok: [string, string][] = [
    ['/a-story', '/a-story'],
    ['/a-story/', '/a-story'],
    ['/a-story?utm_source=x#top', '/a-story'],
    ['/%C3%BCber', '/über'],
    ['/', '/'],
    ['https://site.example/news/a-story/?x=1', '/news/a-story'],
  ]
  for (const [input, path] of ok) t.same(normalizeWebsitePath(input, origin), { ok: true, path }, input)
  const bad: [string, RegExp][] = [
    ['a-story', /start with \//],
    ['//evil.example/x', /another host/],
    ['https://evil.example/a-story', /site’s own origin/],
    ['javascript:alert(1)', /site’s own origin/],
    ['/a/../b', /\.\. segments/],
    ['/a/%2e%2e/b', /\.\. segments/],
    ['/a%2Fb', /encoded slashes/],
    ['/a%5Cb', /encoded slashes/],
    ['/a\\b', /backslashes/],
    ['/a%00b', /control/],
    ['/a\u0007b', /control/],
    ['/a%E2%80%AEb', /bidi/],
    ['/a%zz', /percent-encoding/],
    ['/a//b', /empty segments/],
    ['/a b', /spaces/],
    [`/${'a'.repeat(2000)}`, /at most 2000/],
  ]
  for (const [input, reason] of bad) {
    const result = normalizeWebsitePath(input, origin)
    t.equal(result.ok, false, input.slice(0, 40))
    if (!result.ok) t.match(result.reason, reason, input.slice(0, 40))
  }
})
