import t from 'tap'
import type { ArticleFullRow } from '../../src/db/repositories/article-reads.js'
import { siteLinks } from '../../src/services/permalinks.js'
import { presentArticle, presentArticleSummary } from '../../src/services/presenters.js'

const links = siteLinks({ url: 'https://site.test', permalinks: {}, permalinkHistory: {} }, 'http://api.test')

const base: ArticleFullRow = {
  id: '3585f59d-bee9-42b8-8f36-7d88f8afd121',
  slug: 'a-slug',
  title: 'A title',
  excerpt: 'An excerpt',
  featuredImageUrl: null,
  featuredImageAlt: null,
  featuredImageCaption: null,
  featuredImageCredit: null,
  featuredMediaId: null,
  featuredMedia: null,
  sectionSlug: 'india',
  sectionName: 'India',
  authorSlug: 'the-defence-times',
  authorName: 'The Defence Times',
  authors: [
    { id: 'a1', slug: 'the-defence-times', name: 'The Defence Times' },
    { id: 'a2', slug: 'second-writer', name: 'Second Writer' },
  ],
  tags: [
    { slug: 'navy', name: 'Navy' },
    { slug: 'china', name: 'China' },
  ],
  publishedAt: new Date('2026-11-01T10:00:00.000Z'),
  updatedAt: new Date('2026-11-02T11:30:00.123Z'),
  readingTimeMinutes: 4,
  commentCount: 7,
  bodyHtml: '<p>Body</p>',
  wordCount: 800,
  commentsOpen: true,
  seoMetaTitle: null,
  seoMetaDescription: 'Described',
  seoCanonicalUrl: null,
  seoOgImage: null,
  authorBio: 'Bio',
  authorWebsite: 'https://example.com',
  authorAvatarUrl: null,
  authorSocialLinks: [{ network: 'x', url: 'https://x.com/dt' }],
  byline: [
    { id: 'a1', slug: 'the-defence-times', name: 'The Defence Times', bio: 'Bio', website: 'https://example.com', avatar_url: null, social_links: [{ network: 'x', url: 'https://x.com/dt' }] },
    { id: 'a2', slug: 'second-writer', name: 'Second Writer', bio: '', website: null, avatar_url: null, social_links: [] },
  ],
  corrections: [{ id: 'c1', kind: 'correction', text: 'Fixed a name.', at: '2026-11-03T08:00:00+00:00' }],
  status: 'published',
}

const variants: [string, ArticleFullRow][] = [
  ['no image', base],
  ['a plain image URL', { ...base, featuredImageUrl: 'https://cdn.test/a.jpg', featuredImageAlt: 'Alt', seoOgImage: null }],
  [
    'a media library image',
    {
      ...base,
      featuredImageUrl: 'https://cdn.test/m.jpg',
      featuredMediaId: '0b0e4a3e-3d7e-4a43-9a55-0a3d6b1c2d3e',
      featuredMedia: { alt: 'Media alt', caption: 'Cap', credit: 'Cred', width: 1600, height: 900, focal_x: 0.5, focal_y: 0.4, renditions: [{ url: 'https://cdn.test/m-800.webp', width: 800, height: 450, format: 'webp' }] },
    } as ArticleFullRow,
  ],
]

t.test('the full article repeats the summary field for field, in its order, then adds its own', async (t) => {
  for (const [name, row] of variants) {
    const summary = presentArticleSummary(row, links) as unknown as Record<string, unknown>
    const article = presentArticle(row, links) as unknown as Record<string, unknown>
    t.same(Object.keys(article).slice(0, Object.keys(summary).length), Object.keys(summary), `${name}: summary keys first, same order`)
    t.same(Object.keys(article).slice(Object.keys(summary).length), ['body_html', 'word_count', 'comments_open', 'seo', 'corrections', 'structured_data'], `${name}: then the article's own`)
    for (const key of Object.keys(summary)) {
      if (key === 'author') t.same({ slug: (article.author as { slug: string }).slug, name: (article.author as { name: string }).name, url: (article.author as { url: string }).url }, summary.author, `${name}: author extends the summary's`)
      else if (key === 'authors') t.same((article.authors as { slug: string; name: string; url: string }[]).map(({ slug, name, url }) => ({ slug, name, url })), summary.authors, `${name}: authors extend the summary's`)
      else t.same(article[key], summary[key], `${name}: ${key}`)
    }
  }
  const article = presentArticle(base, links, false)
  t.equal(article.comments_open, false, 'comments_open as the reader sees it now')
  t.same(article.seo, { meta_title: 'A title', meta_description: 'Described', canonical_url: 'https://site.test/a-slug', og_image: null }, 'canonical_url falls back to the url')
  t.same(article.author, { slug: 'the-defence-times', name: 'The Defence Times', url: 'https://site.test/author/the-defence-times', bio: 'Bio', website: 'https://example.com', avatar_url: null, social_links: [{ network: 'x', url: 'https://x.com/dt' }] })
  t.same(article.authors[0], article.author, 'the first author of the byline is `author`')
  t.same(article.corrections, [{ id: 'c1', kind: 'correction', text: 'Fixed a name.', at: '2026-11-03T08:00:00.000Z' }], 'corrections with ISO 8601 UTC times')
  t.same(article.authors.map((a) => a.slug), ['the-defence-times', 'second-writer'], 'the byline in order')
})
