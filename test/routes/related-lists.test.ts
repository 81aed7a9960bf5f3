import t, { type Test } from 'tap'
import { sql } from 'drizzle-orm'
import { createRelatedRepository } from '../../src/db/repositories/related.js'
import { RELATED_WEIGHTS } from '../../src/services/related.js'
import { createUser } from '../helpers/auth.js'
import { build, type TestApp } from '../helpers/build.js'
import { createArticle } from '../helpers/factories.js'

/**
 * Precomputed Related Posts (article_related_lists): a read answers what ranking every pool
 * would, whether the list is computed, stale or missing; publishing, editing tags or section,
 * unpublishing and deleting an article make the lists it can enter or leave invalid (triggers,
 * whichever code writes), and the next pass ranks them again.
 */
const SOURCE = 'china-working-on-resumption-of-dialogue-with-us-report'
const POOL = { perTag: 100, perSection: 40, latest: 20 }

type Item = { id: string; slug: string }

async function related(app: TestApp, slug: string, limit = 6): Promise<Item[]> {
  const res = await app.inject({ method: 'GET', url: `/v1/articles/${slug}/related?limit=${limit}` })
  if (res.statusCode !== 200) throw new Error(`related ${slug}: ${res.statusCode}`)
  return res.json().data
}

/** What ranking every pool gives now (the list ignored). */
async function ranked(app: TestApp, slug: string, limit = 6): Promise<string[]> {
  const repo = createRelatedRepository(app.database.db)
  const total = ((await app.database.db.execute(sql`select count(*)::int as n from articles where status in ('published', 'scheduled') and published_at <= ${app.clock.now().toISOString()}::timestamptz`)) as unknown as { rows: { n: number }[] }).rows[0]!.n
  const rows = await repo.related(slug, app.clock.now(), { ...POOL, limit, totalPublic: total, weights: RELATED_WEIGHTS, useList: false })
  return rows.map((r) => r.id)
}

/** Ids of the public articles whose list must be ranked again. */
async function pending(app: TestApp): Promise<string[]> {
  return (await createRelatedRepository(app.database.db).listsToCompute(app.clock.now(), null, 1000)).map((r) => r.id)
}

async function storedList(app: TestApp, articleId: string): Promise<string[] | undefined> {
  const result = (await app.database.db.execute(sql`select candidate_ids from article_related_lists where article_id = ${articleId}::uuid`)) as unknown as { rows: { candidate_ids: string[] }[] }
  return result.rows[0]?.candidate_ids
}

async function assertMatchesRanking(t: Test, app: TestApp, slug: string, what: string) {
  for (const limit of [6, 24]) {
    const got = (await related(app, slug, limit)).map((a) => a.id)
    const want = await ranked(app, slug, limit)
    t.same(got, want, `${what}: limit ${limit} as ranked from the pools`)
  }
}

t.test('lists are computed for every public article and answer what the pools rank', async (t) => {
  const app = await build(t, { seed: true })
  const publicCount = (await app.inject({ url: '/v1/articles?limit=1' })).json().meta.total as number
  t.equal((await pending(app)).length, publicCount, 'before the first pass every public article needs a list')
  t.equal(await app.services.relatedLists.computeAll(), publicCount)
  t.same(await pending(app), [], 'then none')
  t.equal(await app.services.relatedLists.computeAll(), 0, 'a second pass ranks nothing')
  const slugs = (await app.inject({ url: '/v1/articles?limit=100' })).json().data.map((a: Item) => a.slug) as string[]
  for (const slug of slugs) await assertMatchesRanking(t, app, slug, slug)
})

t.test('publish, change tags and section, unpublish, delete: the lists follow', async (t) => {
  const app = await build(t, { seed: true })
  const editor = await createUser(app, 'editor', { author: 'the-defence-times' })
  const source = (await app.inject({ url: `/v1/articles/${SOURCE}` })).json().data as { id: string; tags: { slug: string }[] }
  const tagSlugs = source.tags.map((tag) => tag.slug)
  await app.services.relatedLists.computeAll()
  t.same(await pending(app), [])
  const patch = (id: string, payload: Record<string, unknown>) =>
    app.inject({ method: 'PATCH', url: `/v1/admin/articles/${id}`, headers: { ...editor.auth, 'if-match': '*' }, payload })

  const created = await app.inject({
    method: 'POST',
    url: '/v1/admin/articles',
    headers: editor.auth,
    payload: { title: 'China working on resumption of dialogue with US', section: 'asia-pacific', tags: tagSlugs, status: 'published', body: 'Talks.' },
  })
  t.equal(created.statusCode, 201)
  const twin = created.json().data as { id: string; slug: string }
  t.ok((await pending(app)).includes(source.id), 'published: the source’s list is invalid')
  t.equal((await related(app, SOURCE))[0]!.id, twin.id, 'and the read already ranks the new twin first')
  await assertMatchesRanking(t, app, SOURCE, 'published, before the pass')
  t.ok((await app.services.relatedLists.computeChanged()) >= 2, 'the pass after a change ranks the twin’s and the source’s lists')
  t.same(await pending(app), [])
  t.ok((await storedList(app, source.id))!.includes(twin.id), 'the new list holds the twin')
  await assertMatchesRanking(t, app, SOURCE, 'published, after the pass')

  t.equal((await patch(twin.id, { tags: [], section: 'india', title: 'Cricket scores' })).statusCode, 200)
  t.ok((await pending(app)).includes(source.id), 'tags and section changed: invalid')
  t.not((await related(app, SOURCE))[0]!.id, twin.id, 'no longer first')
  await assertMatchesRanking(t, app, SOURCE, 'moved away')
  await app.services.relatedLists.computeAll()
  t.notOk((await storedList(app, source.id))!.includes(twin.id), 'out of the source’s tag and section pools, out of its list')

  t.equal((await patch(twin.id, { tags: tagSlugs, section: 'asia-pacific', title: 'China working on resumption of dialogue with US' })).statusCode, 200)
  await app.services.relatedLists.computeAll()
  t.ok((await storedList(app, source.id))!.includes(twin.id), 'back in')

  t.equal((await patch(twin.id, { status: 'draft' })).statusCode, 200)
  t.ok((await pending(app)).includes(source.id), 'unpublished: invalid')
  t.notOk((await related(app, SOURCE, 24)).some((a) => a.id === twin.id), 'an unpublished article never appears')
  await assertMatchesRanking(t, app, SOURCE, 'unpublished')
  await app.services.relatedLists.computeAll()
  t.notOk((await storedList(app, source.id))!.includes(twin.id))

  t.equal((await patch(twin.id, { status: 'published' })).statusCode, 200)
  await app.services.relatedLists.computeAll()
  t.ok((await storedList(app, source.id))!.includes(twin.id), 'published again')
  t.equal((await app.inject({ method: 'DELETE', url: `/v1/admin/articles/${twin.id}`, headers: { ...editor.auth, 'if-match': '*' } })).statusCode, 204)
  t.ok((await pending(app)).includes(source.id), 'deleted: invalid')
  t.notOk((await related(app, SOURCE, 24)).some((a) => a.id === twin.id))
  await assertMatchesRanking(t, app, SOURCE, 'deleted')
  await app.services.relatedLists.computeAll()
  t.notOk((await storedList(app, source.id))!.includes(twin.id))
  t.same(await pending(app), [])
})

t.test('writes by any code invalidate lists; a list never shows an unpublished article', async (t) => {
  // SQL writes emit no change event: with the response cache on, the reads below would be stale answers.
  const app = await build(t, { seed: true, env: { RESPONSE_CACHE: 'false' } })
  const db = app.database.db
  const source = (await app.inject({ url: `/v1/articles/${SOURCE}` })).json().data as { id: string; section: { slug: string } }
  const ids = (await db.execute(sql`
    select a.section_id, a.author_id, (select array_agg(tag_id) from article_tags where article_id = a.id) as tag_ids
    from articles a where a.id = ${source.id}::uuid`)) as unknown as { rows: { section_id: string; author_id: string; tag_ids: string[] }[] }
  const { section_id: sectionId, author_id: authorId, tag_ids: tagIds } = ids.rows[0]!
  await app.services.relatedLists.computeAll()

  // Straight SQL (the factory), no service, no event: the triggers still see it.
  const other = await createArticle(db, { sectionId, authorId, tagIds: tagIds.slice(0, 1), title: 'China US dialogue resumes', publishedAt: new Date('2025-06-30T00:00:00.000Z') })
  t.ok((await pending(app)).includes(source.id), 'inserted by SQL: the source’s list is invalid')
  await assertMatchesRanking(t, app, SOURCE, 'after an SQL insert')
  await app.services.relatedLists.computeAll()
  await db.execute(sql`update articles set title = 'Unrelated weather report' where id = ${other.id}::uuid`)
  t.ok((await pending(app)).includes(source.id), 'a candidate’s title changed by SQL: invalid')
  await app.services.relatedLists.computeAll()

  // A pass after a change looks only at the changed pools' articles; the timer's full pass at all.
  const unrelated = (await db.execute(sql`
    select a.id from articles a where a.status = 'published' and a.section_id <> ${sectionId}::uuid
      and not exists (select 1 from article_tags x where x.article_id = a.id and x.tag_id = any(${`{${tagIds.join(',')}}`}::uuid[]))
    limit 1`)) as unknown as { rows: { id: string }[] }
  const lonely = unrelated.rows[0]!.id
  await db.execute(sql`delete from article_related_lists where article_id = ${lonely}::uuid`)
  await db.execute(sql`update articles set title = 'China US dialogue, again' where id = ${other.id}::uuid`)
  const due = await pending(app)
  t.ok(due.includes(lonely) && due.includes(source.id), 'a missing list and the changed pools’ lists')
  t.ok((await app.services.relatedLists.computeChanged()) >= 1)
  t.same(await pending(app), [lonely], 'the pass after the change left the unrelated article alone')
  t.equal(await app.services.relatedLists.computeAll(), 1, 'the full pass ranked it')

  // A list that claims to be valid but names a draft: the read still leaves the draft out.
  const draft = await createArticle(db, { sectionId, authorId, status: 'draft', publishedAt: null, title: 'Draft' })
  await db.execute(sql`update article_related_lists set candidate_ids = array[${draft.id}::uuid] || candidate_ids where article_id = ${source.id}::uuid`)
  t.same(await pending(app), [], 'the doctored list is still taken as valid')
  t.notOk((await related(app, SOURCE, 24)).some((a) => a.id === draft.id), 'the draft is not shown')
  await assertMatchesRanking(t, app, SOURCE, 'doctored list')
})
