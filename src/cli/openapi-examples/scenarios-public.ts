import { dataOf, expectStatus, type Session } from './session.js'

type Summary = { id: string; slug: string; section: { slug: string }; featured_image: { url: string; media_id: string | null } | null }

/** What a reader's frontend does: the home page, an article, its thread, feeds, search, signup. */
export async function readerScenarios(s: Session): Promise<{ articles: Summary[] }> {
  expectStatus(await s.call('healthLive'), 200)
  expectStatus(await s.call('healthReady'), 200)
  expectStatus(await s.call('getSite'), 200)
  expectStatus(await s.call('listSections', { query: { include: 'latest', latest_limit: 1 } }), 200)
  expectStatus(await s.call('getSection', { path: { slug: 'india' } }), 200)

  const articles = dataOf<Summary[]>(await s.call('listArticles', { query: { limit: 2 } }))
  const all = dataOf<Summary[]>(await s.call('listArticles', { query: { limit: 100 }, example: false }))
  const article = articles[0]!
  expectStatus(await s.call('getArticle', { path: { slug: article.slug } }), 200)
  expectStatus(await s.call('getArticle', { path: { slug: article.slug }, query: { preview: 'an-expired-or-forged-preview-token' } }), 401)
  expectStatus(await s.call('listRelatedArticles', { path: { slug: article.slug }, query: { limit: 3 } }), 200)
  expectStatus(await s.call('resolvePath', { query: { path: `/${article.slug}` } }), 200)
  expectStatus(await s.call('resolvePath', { query: { path: '/section/india/' } }), 200)
  expectStatus(await s.call('resolvePath', { query: { path: '/no-such-page' } }), 404)

  expectStatus(await s.call('listAuthors'), 200)
  expectStatus(await s.call('getAuthor', { path: { slug: 'the-defence-times' } }), 200)
  expectStatus(await s.call('listTags', { query: { limit: 3 } }), 200)
  expectStatus(await s.call('getTag', { path: { slug: 'missiles' } }), 200)
  expectStatus(await s.call('listPages'), 200)
  expectStatus(await s.call('getPage', { path: { slug: 'about-us' } }), 200)
  expectStatus(await s.call('search', { query: { q: 'air defence', limit: 2 } }), 200)

  expectStatus(await s.call('getRssFeed', { query: { limit: 2 } }), 200)
  expectStatus(await s.call('getJsonFeed', { query: { limit: 2 } }), 200)
  expectStatus(await s.call('getSectionRssFeed', { path: { slug: 'india' }, query: { limit: 2 } }), 200)
  expectStatus(await s.call('getSectionJsonFeed', { path: { slug: 'india' }, query: { limit: 2 } }), 200)
  expectStatus(await s.call('getSitemap', { query: { limit: 3 } }), 200)
  expectStatus(await s.call('getSitemapXml'), 200)
  expectStatus(await s.call('getNewsSitemapXml'), 200)
  expectStatus(await s.call('getSitemapPart', { path: { file: 'pages.xml' } }), 200)

  const image = article.featured_image?.url ?? all.find((a) => a.featured_image)?.featured_image?.url
  if (!image) throw new Error('the demo articles have no featured image')
  const mediaKey = image.slice(image.lastIndexOf('/') + 1)
  expectStatus(await s.call('getMediaFile', { path: { key: mediaKey } }), 200)
  expectStatus(await s.call('getMediaFile', { path: { key: mediaKey }, headers: { range: 'bytes=0-1023' } }), 206)
  expectStatus(await s.call('getMediaFile', { path: { key: mediaKey }, headers: { 'if-none-match': `"${mediaKey}"` } }), 304)
  expectStatus(await s.call('getMediaFile', { path: { key: mediaKey }, headers: { range: 'bytes=100000000-' } }), 416)
  return { articles: all }
}

const CONFIRM = /\/newsletter\/confirm\?token=([A-Za-z0-9._-]+)/
const UNSUBSCRIBE = /\/newsletter\/unsubscribe\?token=([A-Za-z0-9._-]+)/
const PREFERENCES = /\/newsletter\/preferences\?token=([A-Za-z0-9._-]+)/

/** Double opt-in signup: the tokens come from the email in the outbox, as a tester would read them. */
export async function newsletterScenarios(s: Session): Promise<{ pendingSubscriber: string }> {
  const reader = { email: 'priya.raman@example.com', name: 'Priya Raman', sections: ['india', 'south-asia'], cadence: 'daily', source: 'article-footer' }
  expectStatus(await s.call('subscribeNewsletter', { body: reader }), 202)
  expectStatus(await s.call('subscribeNewsletter', { body: { email: 'reader@example.net', sections: ['sport'] } }), 422)
  const outbox = dataOf<{ to: string | null; text: string | null }[]>(await s.call('adminListOutbox', { query: { topic: 'email.send', limit: 5 }, example: false }))
  const mail = outbox.find((m) => m.to === reader.email)?.text ?? ''
  const confirm = CONFIRM.exec(mail)?.[1]
  const unsubscribe = UNSUBSCRIBE.exec(mail)?.[1]
  const preferences = PREFERENCES.exec(mail)?.[1]
  if (!confirm || !unsubscribe || !preferences) throw new Error(`no confirmation link in the outbox: ${mail}`)
  s.normalizer.volatile(confirm)
  s.normalizer.volatile(unsubscribe)
  s.normalizer.volatile(preferences)
  expectStatus(await s.call('confirmNewsletter', { body: { token: confirm } }), 200)
  expectStatus(await s.call('confirmNewsletter', { body: { token: confirm } }), 410)
  expectStatus(await s.call('getNewsletterPreferences', { query: { token: preferences } }), 200)
  expectStatus(await s.call('updateNewsletterPreferences', { body: { token: preferences, sections: ['india'], cadence: 'weekly' } }), 200)
  expectStatus(await s.call('updateNewsletterPreferences', { body: { token: preferences, sections: ['sport'] } }), 422)
  expectStatus(await s.call('unsubscribeNewsletter', { body: { token: unsubscribe } }), 200)

  // A second reader stays pending (for the editors' resend and erase examples), then signs up too often.
  const second = { email: 'tom.becker@example.org', name: 'Tom Becker', source: 'homepage' }
  expectStatus(await s.call('subscribeNewsletter', { body: second, example: false }), 202)
  expectStatus(await s.call('subscribeNewsletter', { body: second, example: false }), 202)
  expectStatus(await s.call('subscribeNewsletter', { body: second }), 429)
  const subscribers = dataOf<{ id: string; email: string }[]>(await s.call('adminListSubscribers', { query: { status: ['pending'] }, example: false }))
  const pending = subscribers.find((row) => row.email === second.email)
  if (!pending) throw new Error('the second reader is not pending')
  return { pendingSubscriber: pending.id }
}

/** Leaving comments, moderating them, and the thread readers see. */
export async function commentScenarios(s: Session, articleSlug: string): Promise<void> {
  const path = { slug: articleSlug }
  const reader = { author_name: 'Anika Sharma', author_email: 'anika.sharma@example.com', author_website: 'https://anika.example' }
  const first = dataOf<{ id: string }>(
    await s.call('createArticleComment', { path, body: { ...reader, body: 'Good to see the radar upgrade done locally; the maintenance cycle should be much shorter now.', honeypot: '' } }),
    202,
  )
  const queue = await s.call('adminListComments', { query: { status: ['pending'], limit: 5 }, as: 'editor' })
  expectStatus(queue, 200)
  const held = dataOf<{ version: number }>(await s.call('adminGetComment', { path: { id: first.id }, as: 'editor' }), 200)
  expectStatus(await s.call('adminUpdateComment', { path: { id: first.id }, body: { status: 'approved' }, as: 'editor' }), 428)
  expectStatus(await s.call('adminUpdateComment', { path: { id: first.id }, headers: { 'if-match': `"v${held.version}"` }, body: { status: 'approved' }, as: 'editor' }), 200)
  expectStatus(await s.call('adminUpdateComment', { path: { id: first.id }, headers: { 'if-match': `"v${held.version}"` }, body: { status: 'spam' }, as: 'editor' }), 412)
  // An approved commenter is approved at once.
  const second = dataOf<{ id: string }>(
    await s.call('createArticleComment', { path, body: { ...reader, body: 'Does anyone know whether the upgraded sets will be offered for export?' } }),
    201,
  )
  const other = { author_name: 'Rahul Verma', author_email: 'rahul.verma@example.net' }
  const reply = dataOf<{ id: string }>(
    await s.call('createArticleComment', { path, body: { ...other, body: 'The ministry said export enquiries are being considered case by case.', parent_id: second.id }, example: false }),
    202,
  )
  expectStatus(await s.call('adminReplyToComment', { path: { id: second.id }, body: { body: 'Thanks for reading. We will follow up on the export question in our next report.' }, as: 'editor' }), 201)
  expectStatus(await s.call('adminBulkModerateComments', { body: { ids: [reply.id, '7d0c3c4e-9b7a-4c55-8f3e-2a6f1b9d0e11'], status: 'approved' }, as: 'editor' }), 200)
  expectStatus(await s.call('createArticleComment', { path, body: { ...reader, body: 'Does anyone know whether the upgraded sets will be offered for export?' } }), 409)
  expectStatus(await s.call('createArticleComment', { path, body: { ...reader, body: 'Third comment in a minute.' } }), 429)
  const spam = dataOf<{ id: string }>(
    await s.call('createArticleComment', { path, body: { author_name: 'Best Deals', author_email: 'deals@spam.example', body: 'Cheap watches here', honeypot: 'https://spam.example' }, example: false }),
    202,
  )
  expectStatus(await s.call('adminDeleteComment', { path: { id: spam.id }, headers: { 'if-match': '"v1"' }, as: 'editor' }), 204)
  expectStatus(await s.call('listArticleComments', { path, query: { limit: 10 } }), 200)

  const block = dataOf<{ id: string }>(await s.call('adminCreateCommentBlock', { body: { kind: 'email', value: '@spam.example', reason: 'Repeated link spam' }, as: 'editor' }), 201)
  expectStatus(await s.call('adminListCommentBlocks', { as: 'editor' }), 200)
  expectStatus(await s.call('adminCreateCommentBlock', { body: { kind: 'email', value: '@spam.example' }, as: 'editor' }), 409)
  expectStatus(await s.call('adminDeleteCommentBlock', { path: { id: block.id }, as: 'editor' }), 204)
}
