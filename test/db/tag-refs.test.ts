import t from 'tap'
import { sql } from 'drizzle-orm'
import { createUser } from '../helpers/auth.js'
import { build } from '../helpers/build.js'

/**
 * articles.tag_refs (the tags public reads show, kept on the row by triggers) always equals what
 * joining article_tags and tags gives, whichever way tags change: an article's tags set or
 * reordered, a tag renamed or re-slugged, a tag deleted, an article deleted.
 */
t.test('tag_refs follows every change to article tags and to tags', async (t) => {
  const app = await build(t, { seed: true })
  const db = app.testDb.database.db
  const editor = await createUser(app, 'editor', { author: 'the-defence-times' })
  const drift = async () =>
    (
      (await db.execute(sql`
        select a.slug, a.tag_refs as stored,
          coalesce((select jsonb_agg(jsonb_build_object('slug', t.slug, 'name', t.name) order by at.position, t.name)
                    from article_tags at join tags t on t.id = at.tag_id where at.article_id = a.id), '[]'::jsonb) as joined
        from articles a
      `)) as unknown as { rows: { slug: string; stored: unknown; joined: unknown }[] }
    ).rows.filter((row) => JSON.stringify(row.stored) !== JSON.stringify(row.joined))
  const tagsOf = async (slug: string) => ((await app.inject({ method: 'GET', url: `/v1/articles/${slug}` })).json().data.tags as { slug: string; name: string }[])

  t.same(await drift(), [], 'the seed (written before and after the triggers) agrees')

  const created = await app.inject({ method: 'POST', url: '/v1/admin/articles', headers: editor.auth, payload: { title: 'Tags In Order', section: 'india', status: 'published', tags: ['Zeta Tag', 'Alpha Tag', 'china'] } })
  t.equal(created.statusCode, 201)
  const slug = created.json().data.slug as string
  t.same((await tagsOf(slug)).map((tag) => tag.slug), ['zeta-tag', 'alpha-tag', 'china'], 'in the editor’s order')

  const reordered = await app.inject({ method: 'PATCH', url: `/v1/admin/articles/${created.json().data.id}`, headers: { ...editor.auth, 'if-match': '"v1"' }, payload: { tags: ['china', 'Zeta Tag'] } })
  t.equal(reordered.statusCode, 200)
  t.same((await tagsOf(slug)).map((tag) => tag.slug), ['china', 'zeta-tag'], 'reordered, one removed')

  const renamed = await app.inject({ method: 'PATCH', url: '/v1/admin/tags/zeta-tag', headers: { ...editor.auth, 'if-match': '*' }, payload: { name: 'Omega Tag', slug: 'omega-tag' } })
  t.equal(renamed.statusCode, 200)
  t.same((await tagsOf(slug)).map(({ slug, name }) => ({ slug, name })), [{ slug: 'china', name: (await tagsOf(slug))[0]!.name }, { slug: 'omega-tag', name: 'Omega Tag' }], 'a renamed tag shows renamed')
  const list = (await app.inject({ method: 'GET', url: '/v1/articles?tag=omega-tag' })).json().data as { slug: string; tags: { slug: string }[] }[]
  t.same(list.map((a) => a.slug), [slug])
  t.ok(list[0]!.tags.some((tag) => tag.slug === 'omega-tag'), 'lists show it too')

  const deleted = await app.inject({ method: 'DELETE', url: '/v1/admin/tags/omega-tag', headers: { ...editor.auth, 'if-match': '*' } })
  t.equal(deleted.statusCode, 204)
  t.same((await tagsOf(slug)).map((tag) => tag.slug), ['china'], 'a deleted tag leaves its articles')

  await db.execute(sql`update article_tags set position = 5 where article_id = ${created.json().data.id}`)
  t.same(await drift(), [], 'SQL by hand, and every article after all of it, still agree')
})
