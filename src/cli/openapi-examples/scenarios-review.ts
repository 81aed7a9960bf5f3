import { dataOf, expectStatus, type Session } from './session.js'

type Versioned = { id: string; version: number }
const ifMatch = (item: { version: number }) => ({ 'if-match': `"v${item.version}"` })

/** The review desk: a contributor submits, the editor leaves a note, returns it, then schedules it. */
export async function reviewScenarios(s: Session): Promise<void> {
  expectStatus(await s.call('getMyNotifications', { as: 'contributor' }), 200)
  expectStatus(await s.call('updateMyNotifications', { body: { notify_email: true }, as: 'contributor' }), 200)
  let article = dataOf<Versioned>(
    await s.call('adminCreateArticle', {
      as: 'contributor',
      body: { title: 'Harbour Pilots Train For Unmanned Ships', section: 'europe', body: 'Pilots in three ports rehearse guiding remotely operated vessels.' },
      example: false,
    }),
    201,
  )
  article = dataOf<Versioned>(
    await s.call('adminUpdateArticle', { path: { id: article.id }, headers: ifMatch(article), body: { status: 'in_review', note: 'Ready for the desk.' }, as: 'contributor', example: false }),
  )
  expectStatus(await s.call('adminListArticles', { query: { status: ['in_review'] }, as: 'editor', example: false }), 200)
  expectStatus(await s.call('adminCreateArticleNote', { path: { id: article.id }, body: { body: 'Which ports? Name them in the first paragraph.' }, as: 'editor' }), 201)
  expectStatus(await s.call('adminListArticleNotes', { path: { id: article.id }, as: 'contributor' }), 200)
  dataOf<Versioned>(
    await s.call('adminUpdateArticle', {
      path: { id: article.id },
      headers: ifMatch(article),
      body: { status: 'changes_requested', note: 'Name the three ports, please.' },
      as: 'editor',
      example: false,
    }),
  )
}
