import { dataOf, expectStatus, type Session } from './session.js'

type Versioned = { id: string; slug: string; version: number }
const ifMatch = (item: { version: number }) => ({ 'if-match': `"v${item.version}"` })

/** The front page: featured and breaking articles, curated collections with pins, the news sitemap. */
export async function frontPageScenarios(s: Session): Promise<void> {
  const [lead, pick] = dataOf<Versioned[]>(await s.call('listArticles', { query: { limit: 2 }, example: false }))
  const article = dataOf<Versioned>(await s.call('adminGetArticle', { path: { id: lead!.id }, as: 'editor', example: false }))
  expectStatus(
    await s.call('adminUpdateArticle', { path: { id: article.id }, headers: ifMatch(article), body: { featured: true, breaking_until: '2025-06-08T18:00:00.000Z' }, as: 'editor', example: false }),
    200,
  )
  expectStatus(await s.call('listArticles', { query: { breaking: true }, example: false }), 200)

  expectStatus(await s.call('listCollections'), 200)
  expectStatus(await s.call('getCollection', { path: { slug: 'top-stories' } }), 200)
  expectStatus(await s.call('getCollection', { path: { slug: 'no-such-collection' } }), 404)
  expectStatus(await s.call('adminListCollections', { as: 'editor' }), 200)
  const created = dataOf<Versioned>(
    await s.call('adminCreateCollection', { body: { name: "Editor's Picks", slug: 'editors-picks', size: 4, rule: { kind: 'featured' }, position: 1 }, as: 'editor' }),
    201,
  )
  expectStatus(await s.call('adminCreateCollection', { body: { name: "Editor's Picks", slug: 'editors-picks' }, as: 'editor' }), 409)
  expectStatus(await s.call('adminCreateCollection', { body: { name: 'Asia Desk', rule: { kind: 'section' } }, as: 'editor' }), 422)
  expectStatus(await s.call('adminGetCollection', { path: { slug: created.slug }, as: 'editor' }), 200)
  expectStatus(await s.call('adminGetCollection', { path: { slug: 'no-such-collection' }, as: 'editor' }), 404)
  const items = { items: [{ slot: 1, article_id: pick!.id, expires_at: '2025-06-09T09:00:00.000Z' }] }
  expectStatus(await s.call('adminPutCollectionItems', { path: { slug: created.slug }, body: items, as: 'editor' }), 428)
  expectStatus(await s.call('adminPutCollectionItems', { path: { slug: created.slug }, headers: { 'if-match': '"v9"' }, body: items, as: 'editor' }), 412)
  expectStatus(await s.call('adminPutCollectionItems', { path: { slug: created.slug }, headers: ifMatch(created), body: { items: [{ slot: 5, article_id: pick!.id }] }, as: 'editor' }), 422)
  const pinned = dataOf<Versioned>(await s.call('adminPutCollectionItems', { path: { slug: created.slug }, headers: ifMatch(created), body: items, as: 'editor' }))
  expectStatus(await s.call('adminUpdateCollection', { path: { slug: created.slug }, body: { size: 6 }, as: 'editor' }), 428)
  expectStatus(await s.call('adminUpdateCollection', { path: { slug: created.slug }, headers: { 'if-match': '"v1"' }, body: { size: 6 }, as: 'editor' }), 412)
  expectStatus(await s.call('adminUpdateCollection', { path: { slug: created.slug }, headers: ifMatch(pinned), body: { size: 6, description: 'Chosen by the desk' }, as: 'editor' }), 200)
  expectStatus(await s.call('getCollection', { path: { slug: created.slug }, example: false }), 200)
  const scratch = dataOf<Versioned>(await s.call('adminCreateCollection', { body: { name: 'Scratch Pad' }, as: 'editor', example: false }), 201)
  // Renamed: the old slug answers 301 to the current one.
  const renamed = dataOf<Versioned>(await s.call('adminUpdateCollection', { path: { slug: scratch.slug }, headers: ifMatch(scratch), body: { slug: 'scratch' }, as: 'editor', example: false }))
  expectStatus(await s.call('getCollection', { path: { slug: scratch.slug } }), 301)
  Object.assign(scratch, renamed)
  expectStatus(await s.call('adminDeleteCollection', { path: { slug: scratch.slug }, as: 'editor' }), 428)
  expectStatus(await s.call('adminDeleteCollection', { path: { slug: scratch.slug }, headers: { 'if-match': '"v9"' }, as: 'editor' }), 412)
  expectStatus(await s.call('adminDeleteCollection', { path: { slug: scratch.slug }, headers: ifMatch(scratch), as: 'editor' }), 204)
}
