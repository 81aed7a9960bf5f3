import t from 'tap'
import type { Test as Tap } from 'tap'
import sharp from 'sharp'
import { assertProblem } from '../helpers/assertions.js'
import { createUser, type TestUser } from '../helpers/auth.js'
import { build, type TestApp } from '../helpers/build.js'
import { createAuthor, createSection } from '../helpers/factories.js'
import { multipart } from '../helpers/images.js'

async function draft(t: Tap, app: TestApp, user: TestUser, section: string, title: string, mediaId: string, how: 'featured' | 'body', author?: string) {
  const shows = how === 'featured' ? { featured_image: { media_id: mediaId } } : { body: `Intro\n\n![A square](media:${mediaId})` }
  const payload = { title, section, ...shows, ...(author ? { author } : {}) }
  const res = await app.inject({ method: 'POST', url: '/v1/admin/articles', headers: user.auth, payload })
  t.equal(res.statusCode, 201, `${user.role} drafts "${title}"`)
  return res.json().data as { id: string; slug: string; title: string }
}

t.test("media usage shows only the articles the caller may read; other users' drafts are counted, never shown", async (t) => {
  const app = await build(t)
  const section = (await createSection(app.database.db)).slug
  const desk = (await createAuthor(app.database.db)).slug
  const owner = await createUser(app, 'contributor')
  const otherContributor = await createUser(app, 'contributor')
  const author = await createUser(app, 'author')
  const editor = await createUser(app, 'editor')
  const png = await sharp({ create: { width: 32, height: 32, channels: 3, background: '#336699' } }).png().toBuffer()
  const body = multipart([{ name: 'file', filename: 'square.png', data: png }])
  const item = (await app.inject({ method: 'POST', url: '/v1/admin/media', headers: { ...owner.auth, ...body.headers }, payload: body.payload })).json().data

  const own = await draft(t, app, owner, section, 'Owner Draft', item.id, 'featured')
  const secret = await draft(t, app, otherContributor, section, 'Secret Merger Plans', item.id, 'featured')
  const embargoed = await draft(t, app, editor, section, 'Embargoed Election Result', item.id, 'body', desk)

  const usage = async (user: TestUser) => {
    const res = await app.inject({ method: 'GET', url: `/v1/admin/media/${item.id}/usage`, headers: user.auth })
    t.equal(res.statusCode, 200)
    return { json: res.json() as { data: { id: string }[]; meta: { others: number } }, raw: res.body }
  }

  const byOwner = await usage(owner)
  t.same(byOwner.json, { data: [{ id: own.id, slug: own.slug, title: 'Owner Draft', status: 'draft', section, featured_image: true, body: false }], meta: { others: 2 } })
  const byAuthor = await usage(author)
  t.same(byAuthor.json, { data: [], meta: { others: 3 } }, 'an author who wrote none of them sees none')
  for (const { raw } of [byOwner, byAuthor]) {
    for (const hidden of [secret, embargoed]) {
      for (const value of [hidden.id, hidden.slug, hidden.title]) t.notOk(raw.includes(value), `"${value}" is not revealed`)
    }
  }
  const byEditor = await usage(editor)
  t.same(byEditor.json.data.map((u) => u.id).sort(), [own.id, secret.id, embargoed.id].sort(), 'staff see every article')
  t.equal(byEditor.json.meta.others, 0)

  // The 409 of a delete names only what the caller may read, too.
  const refused = assertProblem(t, await app.inject({ method: 'DELETE', url: `/v1/admin/media/${item.id}`, headers: owner.auth }), 409, 'IN_USE')
  t.match(refused.detail, /used by 3 article\(s\): "Owner Draft", 2 you cannot see/)
  t.notMatch(refused.detail, /Secret|Embargoed/)
  const forEditor = await app.inject({ method: 'DELETE', url: `/v1/admin/media/${item.id}`, headers: editor.auth })
  t.match(forEditor.json().detail, /Secret Merger Plans/, 'staff are told every title')
})
