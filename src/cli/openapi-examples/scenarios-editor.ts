import sharp from 'sharp'
import type { Role } from '../../services/actor.js'
import { dataOf, expectStatus, type Exchange, type Session } from './session.js'

type Versioned = { id: string; slug: string; version: number }
const ifMatch = (item: { version: number }) => ({ 'if-match': `"v${item.version}"` })

export const STAFF: Record<Exclude<Role, 'admin'>, { email: string; name: string; password: string }> = {
  editor: { email: 'lena.fischer@thedefencetimes.example', name: 'Lena Fischer', password: 'correct horse battery staple' },
  author: { email: 'arjun.mehta@thedefencetimes.example', name: 'Arjun Mehta', password: 'harbour-lights-1987' },
  contributor: { email: 'sofia.alvarez@thedefencetimes.example', name: 'Sofia Alvarez', password: 'north-sea-patrol-42' },
}

async function logIn(s: Session, role: Role, credentials: { email: string; password: string }, example = false): Promise<Exchange> {
  const answer = expectStatus(await s.call('login', { body: { email: credentials.email, password: credentials.password }, example }), 200)
  s.tokens[role] = (answer.body as { access_token: string }).access_token
  return answer
}

/** Accounts: the admin logs in, creates the newsroom's staff, each of them logs in. */
export async function accountScenarios(s: Session, admin: { email: string; password: string }): Promise<void> {
  await logIn(s, 'admin', admin, true)
  expectStatus(await s.call('getMe'), 200)
  // A second session (another device) refreshes and logs out; the first one goes on working.
  const device = expectStatus(await s.call('login', { body: { email: admin.email, password: admin.password }, example: false }), 200)
  const refresh = (device.body as { refresh_token: string }).refresh_token
  const renewed = expectStatus(await s.call('refreshToken', { body: { refresh_token: refresh } }), 200)
  expectStatus(await s.call('refreshToken', { body: { refresh_token: 'rt_unknown_or_used_token_value' } }), 401)
  expectStatus(await s.call('logout', { body: { refresh_token: (renewed.body as { refresh_token: string }).refresh_token } }), 204)

  expectStatus(await s.call('adminCreateUser', { body: { ...STAFF.editor, role: 'editor' } }), 201)
  expectStatus(await s.call('adminCreateUser', { body: { ...STAFF.author, role: 'author' }, example: false }), 201)
  const contributor = dataOf<Versioned>(await s.call('adminCreateUser', { body: { ...STAFF.contributor, role: 'contributor' }, example: false }), 201)
  expectStatus(await s.call('adminCreateUser', { body: { ...STAFF.editor, role: 'editor' } }), 409)
  for (const role of ['editor', 'author', 'contributor'] as const) await logIn(s, role, STAFF[role])
  expectStatus(await s.call('adminListUsers'), 200)
  const read = await s.call('adminGetUser', { path: { id: contributor.id } })
  const user = dataOf<Versioned>(read)
  expectStatus(await s.call('adminUpdateUser', { path: { id: user.id }, headers: ifMatch(user), body: { name: 'Sofia Álvarez' } }), 200)
  expectStatus(await s.call('adminUpdateUser', { path: { id: user.id }, headers: ifMatch(user), body: { name: 'Sofia Alvarez' } }), 412)
  const intern = dataOf<Versioned>(
    await s.call('adminCreateUser', { body: { email: 'summer.intern@thedefencetimes.example', name: 'Summer Intern', role: 'contributor', password: 'temporary-pass-2025' }, example: false }),
    201,
  )
  expectStatus(await s.call('adminDeleteUser', { path: { id: intern.id } }), 204)
  const password = await s.call('changePassword', { body: { current_password: STAFF.author.password, new_password: 'harbour-lights-2025' }, as: 'author' })
  s.tokens.author = (expectStatus(password, 200).body as { access_token: string }).access_token
}

const DRAFT_BODY = [
  'Coast guard crews from three Baltic states will share radar pictures in real time from next month, officials said, closing gaps between national surveillance networks.',
  '',
  '## What changes',
  '',
  'Each service keeps its own radars and command, but tracks of ships that switch off their transponders will be passed on automatically.',
].join('\n')

/** Someone forgot their password: two failed logins are answered 401, then the account is throttled. */
export async function failedLoginScenario(s: Session): Promise<void> {
  const attempt = { email: STAFF.contributor.email, password: 'north-sea-patrol-24' }
  expectStatus(await s.call('login', { body: attempt }), 401)
  expectStatus(await s.call('login', { body: attempt, example: false }), 401)
  expectStatus(await s.call('login', { body: { email: attempt.email, password: STAFF.contributor.password } }), 429)
}

/** Articles from draft to published, with revisions, preconditions, previews and a slug change. */
export async function articleScenarios(s: Session): Promise<{ published: Versioned }> {
  expectStatus(await s.call('adminListArticles', { query: { status: ['published'], limit: 2 }, as: 'editor' }), 200)
  const created = await s.call('adminCreateArticle', {
    as: 'author',
    body: {
      title: 'Baltic Coast Guards Agree To Share Radar Tracks',
      section: 'europe',
      excerpt: 'Three coast guards will pass each other the tracks of ships that switch off their transponders.',
      body: DRAFT_BODY,
      tags: ['nato', 'radar', 'naval-power'],
      seo: { meta_description: 'Baltic coast guards will share radar tracks of dark ships in real time.' },
      newsletter: true,
    },
  })
  let article = dataOf<Versioned>(created, 201)
  const preview = dataOf<{ token: string }>(await s.call('adminPreviewArticle', { path: { id: article.id }, as: 'author' }))
  expectStatus(await s.call('getArticle', { path: { slug: article.slug }, query: { preview: preview.token }, example: false }), 200)
  expectStatus(await s.call('adminGetArticle', { path: { id: article.id }, as: 'author' }), 200)
  expectStatus(await s.call('adminUpdateArticle', { path: { id: article.id }, body: { excerpt: 'No If-Match' }, as: 'author' }), 428)
  article = dataOf<Versioned>(
    await s.call('adminUpdateArticle', {
      path: { id: article.id },
      headers: ifMatch(article),
      body: { excerpt: 'Three Baltic coast guards will pass each other, in real time, the tracks of ships that switch off their transponders.' },
      as: 'author',
    }),
  )
  expectStatus(await s.call('adminUpdateArticle', { path: { id: article.id }, headers: { 'if-match': '"v1"' }, body: { excerpt: 'A stale save' }, as: 'author' }), 412)
  expectStatus(await s.call('adminUpdateArticle', { path: { id: article.id }, body: { excerpt: 'A stale save', version: 1 }, as: 'author' }), 409)
  expectStatus(await s.call('adminListRevisions', { path: { id: article.id }, as: 'editor' }), 200)
  expectStatus(await s.call('adminGetRevision', { path: { id: article.id, version: 1 }, as: 'editor' }), 200)
  expectStatus(await s.call('adminRestoreRevision', { path: { id: article.id, version: 1 }, as: 'editor' }), 428)
  expectStatus(await s.call('adminRestoreRevision', { path: { id: article.id, version: 1 }, headers: { 'if-match': '"v1"' }, as: 'editor' }), 412)
  article = dataOf<Versioned>(await s.call('adminRestoreRevision', { path: { id: article.id, version: 1 }, headers: ifMatch(article), as: 'editor' }))
  article = dataOf<Versioned>(
    await s.call('adminUpdateArticle', { path: { id: article.id }, headers: ifMatch(article), body: { status: 'published' }, as: 'editor', example: false }),
  )
  // A new slug: the old one answers 301 from now on.
  const oldSlug = article.slug
  article = dataOf<Versioned>(
    await s.call('adminUpdateArticle', { path: { id: article.id }, headers: ifMatch(article), body: { slug: 'baltic-coast-guards-share-radar-tracks' }, as: 'editor', example: false }),
  )
  expectStatus(await s.call('getArticle', { path: { slug: oldSlug } }), 301)
  // A correction on the published article (its If-Match is the article's version), then reworded.
  expectStatus(await s.call('adminCreateCorrection', { path: { id: article.id }, body: { kind: 'correction', text: 'No If-Match' }, as: 'editor' }), 428)
  const correction = await s.call('adminCreateCorrection', {
    path: { id: article.id },
    headers: ifMatch(article),
    body: { kind: 'correction', text: 'An earlier version of this article said four coast guards share the tracks. Three do.' },
    as: 'editor',
  })
  const correctionId = dataOf<{ id: string }>(correction, 201).id
  article = { ...article, version: article.version + 1 }
  expectStatus(
    await s.call('adminUpdateCorrection', {
      path: { id: article.id, correction_id: correctionId },
      headers: ifMatch(article),
      body: { text: 'An earlier version of this article said four coast guards share the radar tracks. Three do.' },
      as: 'editor',
    }),
    200,
  )
  article = { ...article, version: article.version + 1 }
  expectStatus(await s.call('listCorrections', { query: { limit: 5 } }), 200)
  expectStatus(await s.call('listRelatedArticles', { path: { slug: oldSlug } }), 301)
  expectStatus(await s.call('listArticleComments', { path: { slug: oldSlug } }), 301)

  const note = dataOf<Versioned>(
    await s.call('adminCreateArticle', { as: 'contributor', body: { title: 'Notes From The Harbour Tour', section: 'europe', body: 'First impressions, to be written up.' }, example: false }),
    201,
  )
  expectStatus(await s.call('adminDeleteArticle', { path: { id: note.id }, as: 'contributor' }), 428)
  expectStatus(await s.call('adminDeleteArticle', { path: { id: note.id }, headers: { 'if-match': '"v7"' }, as: 'contributor' }), 412)
  expectStatus(await s.call('adminDeleteArticle', { path: { id: note.id }, headers: ifMatch(note), as: 'contributor' }), 204)
  return { published: article }
}

/** Closing comments on an article, and a reader who tries anyway. */
export async function closedCommentsScenario(s: Session, id: string): Promise<void> {
  const article = dataOf<Versioned>(await s.call('adminGetArticle', { path: { id }, as: 'editor', example: false }))
  dataOf(await s.call('adminUpdateArticle', { path: { id }, headers: ifMatch(article), body: { comments_open: false }, as: 'editor', example: false }))
  const body = { author_name: 'Late Reader', author_email: 'late.reader@example.com', body: 'Is there a map of the patrol areas?' }
  expectStatus(await s.call('createArticleComment', { path: { slug: article.slug }, body }), 403)
}

/** Sections, tags and authors. */
export async function taxonomyScenarios(s: Session): Promise<void> {
  expectStatus(await s.call('adminListSections', { as: 'author' }), 200)
  const section = dataOf<{ slug: string }>(
    await s.call('adminCreateSection', { body: { name: 'Africa', description: 'Security, peacekeeping and defence co-operation across Africa.' }, as: 'editor' }),
    201,
  )
  expectStatus(await s.call('adminCreateSection', { body: { name: 'Africa' }, as: 'editor' }), 409)
  expectStatus(await s.call('adminUpdateSection', { path: { slug: section.slug }, headers: { 'if-match': '"v1"' }, body: { description: 'Security, peacekeeping, counter-terrorism and defence co-operation across Africa.' }, as: 'editor' }), 200)
  expectStatus(await s.call('adminUpdateSection', { path: { slug: section.slug }, headers: { 'if-match': '"v1"' }, body: { description: 'A stale save' }, as: 'editor' }), 412)
  expectStatus(await s.call('adminUpdateSection', { path: { slug: section.slug }, body: { description: 'A blind save' }, as: 'editor' }), 428)
  const order = dataOf<{ slug: string }[]>(await s.call('adminListSections', { as: 'editor', example: false }))
  const slugs = order.map((row) => row.slug)
  expectStatus(await s.call('adminReorderSections', { body: { sections: [section.slug, ...slugs.filter((slug) => slug !== section.slug)] }, as: 'editor' }), 200)
  expectStatus(await s.call('adminReorderSections', { body: { sections: [section.slug] }, as: 'editor' }), 422)
  expectStatus(await s.call('adminDeleteSection', { path: { slug: 'india' }, headers: { 'if-match': '*' }, as: 'editor' }), 409)
  // Moved first by the reorder: version 3.
  expectStatus(await s.call('adminDeleteSection', { path: { slug: section.slug }, headers: { 'if-match': '"v3"' }, as: 'editor' }), 204)

  expectStatus(await s.call('adminListTags', { query: { limit: 3 }, as: 'author' }), 200)
  const key = { 'idempotency-key': '5b0e1f3c-0c3e-4d1e-9a53-3f0f2b7f6a10' }
  const tagBody = { name: 'Arctic', description: 'The High North: shipping routes, patrols and claims in the Arctic.' }
  const tag = dataOf<{ slug: string }>(await s.call('adminCreateTag', { body: tagBody, headers: key, as: 'editor' }), 201)
  // A retry with the same key gets the recorded answer (Idempotent-Replayed), and nothing is created twice.
  expectStatus(await s.call('adminCreateTag', { body: tagBody, headers: key, as: 'editor', example: false }), 201)
  expectStatus(await s.call('adminCreateTag', { body: { ...tagBody, name: 'Antarctic' }, headers: key, as: 'editor' }), 422)
  expectStatus(await s.call('adminUpdateTag', { path: { slug: tag.slug }, headers: { 'if-match': '"v1"' }, body: { description: 'The High North: shipping routes, patrols, bases and claims in the Arctic.' }, as: 'editor' }), 200)
  expectStatus(await s.call('adminDeleteTag', { path: { slug: tag.slug }, headers: { 'if-match': '"v2"' }, as: 'editor' }), 204)

  expectStatus(await s.call('adminListAuthors', { as: 'author' }), 200)
  const author = dataOf<{ slug: string }>(
    await s.call('adminCreateAuthor', {
      body: { name: 'Mara Lindqvist', bio: 'Nordic security correspondent, based in Stockholm.', website: 'https://maralindqvist.example', social_links: [{ network: 'x', url: 'https://x.com/maralindqvist' }] },
      as: 'editor',
    }),
    201,
  )
  expectStatus(await s.call('adminUpdateAuthor', { path: { slug: author.slug }, headers: { 'if-match': '"v1"' }, body: { bio: 'Nordic and Baltic security correspondent, based in Stockholm.' }, as: 'editor' }), 200)
  expectStatus(await s.call('adminDeleteAuthor', { path: { slug: 'the-defence-times' }, headers: { 'if-match': '*' }, as: 'editor' }), 409)
  expectStatus(await s.call('adminDeleteAuthor', { path: { slug: author.slug }, headers: { 'if-match': '"v2"' }, as: 'editor' }), 204)
}

/** Static pages and the site settings. */
export async function siteScenarios(s: Session): Promise<void> {
  expectStatus(await s.call('adminListPages', { as: 'editor' }), 200)
  const body = {
    title: 'Corrections Policy',
    body: 'We correct errors of fact promptly. Corrections are noted at the end of the article with the date of the change.\n\nWrite to corrections@thedefencetimes.example.',
    status: 'published',
    seo: { meta_description: 'How The Defence Times corrects errors.' },
  }
  let page = dataOf<Versioned>(await s.call('adminCreatePage', { body, as: 'editor' }), 201)
  expectStatus(await s.call('adminCreatePage', { body, as: 'editor' }), 409)
  expectStatus(await s.call('adminGetPage', { path: { id: page.id }, as: 'editor' }), 200)
  expectStatus(await s.call('adminUpdatePage', { path: { id: page.id }, body: { title: 'Corrections' }, as: 'editor' }), 428)
  page = dataOf<Versioned>(await s.call('adminUpdatePage', { path: { id: page.id }, headers: ifMatch(page), body: { title: 'Corrections And Clarifications' }, as: 'editor' }))
  expectStatus(await s.call('adminUpdatePage', { path: { id: page.id }, headers: { 'if-match': '"v1"' }, body: { title: 'Corrections' }, as: 'editor' }), 412)
  expectStatus(await s.call('adminUpdatePage', { path: { id: page.id }, body: { title: 'Corrections', version: 1 }, as: 'editor' }), 409)
  expectStatus(await s.call('adminDeletePage', { path: { id: page.id }, as: 'editor' }), 428)
  expectStatus(await s.call('adminDeletePage', { path: { id: page.id }, headers: { 'if-match': '"v1"' }, as: 'editor' }), 412)
  expectStatus(await s.call('adminDeletePage', { path: { id: page.id }, headers: ifMatch(page), as: 'editor' }), 204)

  const settings = dataOf<{ version: number; footer_links: { label: string; url: string }[] }>(await s.call('adminGetSettings'))
  expectStatus(await s.call('adminUpdateSettings', { body: { tagline: 'Defence and geopolitics, every day' } }), 428)
  const footer = [...settings.footer_links, { label: 'Corrections', url: '/corrections' }]
  const newsletter = { autosend: true, digest_hour: 7, digest_time_zone: 'Asia/Kolkata', digest_weekday: 'monday' }
  expectStatus(await s.call('adminUpdateSettings', { headers: ifMatch(settings), body: { tagline: 'Defence and geopolitics, every day', footer_links: footer, newsletter } }), 200)
  expectStatus(await s.call('adminUpdateSettings', { headers: ifMatch(settings), body: { newsletter: { digest_time_zone: 'Mars/Olympus_Mons' } }, example: false }), 400)
  expectStatus(await s.call('adminUpdateSettings', { headers: ifMatch(settings), body: { tagline: 'A stale save' } }), 412)
  expectStatus(await s.call('adminUpdateSettings', { body: { tagline: 'A stale save', version: settings.version } }), 409)
}

/** The media library: an upload, its metadata, where it is used, deleting it. */
export async function mediaScenarios(s: Session, usedMediaId: string): Promise<void> {
  const png = await sharp({ create: { width: 1200, height: 675, channels: 3, background: { r: 24, g: 58, b: 94 } } }).png().toBuffer()
  const upload = await s.call('adminUploadMedia', {
    as: 'author',
    multipart: {
      fields: { alt: 'Coast guard patrol boat at sea', caption: 'A patrol boat off the Estonian coast.', credit: 'The Defence Times / Illustration', focal_x: 0.5, focal_y: 0.4 },
      file: { name: 'patrol-boat.png', type: 'image/png', bytes: png },
    },
  })
  let item = dataOf<Versioned>(upload, 201)
  expectStatus(await s.call('adminListMedia', { query: { limit: 2 }, as: 'author' }), 200)
  expectStatus(await s.call('adminGetMedia', { path: { id: item.id }, as: 'author' }), 200)
  expectStatus(await s.call('adminUpdateMedia', { path: { id: item.id }, body: { alt: 'Patrol boat' }, as: 'author' }), 428)
  item = dataOf<Versioned>(await s.call('adminUpdateMedia', { path: { id: item.id }, headers: ifMatch(item), body: { alt: 'Grey coast guard patrol boat under way', focal_point: { x: 0.45, y: 0.4 } }, as: 'author' }))
  expectStatus(await s.call('adminUpdateMedia', { path: { id: item.id }, headers: { 'if-match': '"v1"' }, body: { alt: 'Stale' }, as: 'author' }), 412)
  expectStatus(await s.call('adminUpdateMedia', { path: { id: item.id }, body: { alt: 'Stale', version: 1 }, as: 'author' }), 409)
  expectStatus(await s.call('adminMediaUsage', { path: { id: usedMediaId }, as: 'editor' }), 200)
  expectStatus(await s.call('adminDeleteMedia', { path: { id: usedMediaId }, as: 'editor' }), 409)
  expectStatus(await s.call('adminDeleteMedia', { path: { id: item.id }, headers: { 'if-match': '"v1"' }, as: 'author' }), 412)
  expectStatus(await s.call('adminDeleteMedia', { path: { id: item.id }, headers: ifMatch(item), as: 'author' }), 204)
}
