import t from 'tap'
import { articlePurgeKeys, boundKeys, COMMENT_COUNTS, commentPurgeKeys, MAX_KEY_BYTES, MAX_KEYS, purgeKeysFor } from '../../src/services/cache-keys.js'
import { commentCreatedEvent } from '../../src/services/webhook-events.js'
import { siteLinks } from '../../src/services/permalinks.js'

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`
const bytes = (keys: string[]) => keys.join(' ').length

t.test('keys within the bound are sent as they are', async (t) => {
  const keys = new Set(['articles', `article:${id(1)}`, 'section:india', 'tag:drones'])
  t.same(boundKeys(keys, 2048), [...keys])
  t.same(boundKeys(keys, bytes([...keys])), [...keys], 'exactly at the bound')
})

t.test('over the bound: tags, then authors, then sections, then articles give way to coarse keys', async (t) => {
  const keys = new Set<string>(['articles'])
  for (let n = 0; n < 20; n++) {
    keys.add(`article:${id(n)}`)
    keys.add(`section:section-${n % 4}`)
    keys.add(`author:author-${n % 6}`)
    keys.add(`tag:tag-number-${n}`)
    keys.add(`tag:another-tag-${n}`)
  }
  const full = bytes([...keys])
  const withoutTags = boundKeys(keys, full - 1)
  t.notOk(withoutTags.some((k) => k.startsWith('tag:')), 'tags went first')
  t.ok(withoutTags.includes('tags') && withoutTags.includes('articles'))
  t.equal(withoutTags.filter((k) => k.startsWith('article:')).length, 20, 'articles kept')
  t.ok(withoutTags.some((k) => k.startsWith('author:')))
  t.ok(bytes(withoutTags) <= full - 1)

  const articlesOnly = boundKeys(keys, 20 * 45 + 60)
  t.notOk(articlesOnly.some((k) => /^(tag|author|section):/.test(k)))
  t.equal(articlesOnly.filter((k) => k.startsWith('article:')).length, 20)
  t.ok(bytes(articlesOnly) <= 20 * 45 + 60)

  const coarse = boundKeys(keys, 256)
  t.same(coarse.sort(), ['articles', 'authors', COMMENT_COUNTS, 'sections', 'tags'].sort(), 'only coarse keys: every change still reaches it')
  t.ok(bytes(coarse) <= 256)
})

t.test('more keys than Akamai keeps per object: coarser too', async (t) => {
  const keys = new Set(['articles', ...Array.from({ length: 100 }, (_, n) => `article:${id(n)}`), ...Array.from({ length: 40 }, (_, n) => `tag:t${n}`)])
  t.ok(bytes([...keys]) < 16384)
  const bounded = boundKeys(keys, 16384)
  t.ok(bounded.length <= MAX_KEYS)
  t.equal(bounded.filter((k) => k.startsWith('article:')).length, 100, 'tags gave way first')
  t.ok(bounded.includes('tags'))
})

t.test('a key longer than a CDN takes is replaced by its coarse keys', async (t) => {
  const long = `tag:${'x'.repeat(MAX_KEY_BYTES)}`
  t.same(boundKeys(new Set(['articles', long, 'tag:short']), 2048).sort(), ['articles', 'tag:short', 'tags'].sort())
})

t.test('every change that purges a fine key purges one of the coarse keys standing for it', async (t) => {
  const links = siteLinks(undefined, 'http://api.test')
  const article = { id: id(2), slug: 's', title: 'T', sectionSlug: 'india', publishedAt: new Date('2025-01-01T00:00:00Z') }
  const comment = (status: 'approved' | 'pending') => ({ status }) as unknown as Parameters<typeof commentCreatedEvent>[0]
  // The coarse keys, as boundKeys substitutes them: one lone fine key over a tiny bound.
  const coarseOf = (key: string) => boundKeys(new Set([key, 'x'.repeat(200)]), 200).filter((k) => !k.startsWith('xx'))
  const events: [string, string[]][] = [
    ['article change', articlePurgeKeys({ id: id(1), sectionSlug: 'india', authorSlug: 'a', tagSlugs: ['t1', 't2'] }, { id: id(1), sectionSlug: 'europe', authorSlug: 'b', tagSlugs: [] })],
    ['approved comment', commentPurgeKeys(id(2))],
    ['comment.created webhook', commentCreatedEvent(comment('approved'), article, links).purgeKeys],
    ['section change', purgeKeysFor('section', ['india'])],
    ['tag change', purgeKeysFor('tag', ['drones'])],
    ['author change', purgeKeysFor('author', ['someone'])],
    ['page change', purgeKeysFor('page', ['about'])],
    ['settings change', purgeKeysFor('settings', [])],
  ]
  let checked = 0
  for (const [name, purged] of events) {
    for (const key of purged.filter((k) => k.includes(':'))) {
      const coarse = coarseOf(key)
      t.ok(coarse.length > 0 && coarse.some((c) => purged.includes(c)), `${name}: ${key} → one of ${coarse.join(', ')} is purged too`)
      checked++
    }
  }
  t.ok(checked >= 12)
  t.same(commentCreatedEvent(comment('pending'), article, links).purgeKeys, [], 'a held comment changes nothing public')
})
