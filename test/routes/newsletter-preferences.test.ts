import t from 'tap'
import { eq, sql } from 'drizzle-orm'
import { outbox, subscribers } from '../../src/db/schema/index.js'
import { assertProblem } from '../helpers/assertions.js'
import { createUser } from '../helpers/auth.js'
import { build, type TestApp } from '../helpers/build.js'

/**
 * Newsletter preferences (issue 18 §1): sections (none = everything) and a cadence — instant, daily
 * or weekly — chosen at signup and changed later through the signed link every email carries, as
 * JSON for frontends and as a page like the confirm page.
 */
const FAST = { NEWSLETTER_RESPONSE_FLOOR_MS: '0' }

async function signup(app: TestApp, payload: Record<string, unknown>) {
  const res = await app.inject({ method: 'POST', url: '/v1/newsletter/subscriptions', payload })
  if (res.statusCode !== 202) throw new Error(`signup: ${res.statusCode} ${res.body}`)
  const admin = await createUser(app, 'admin')
  const mail = ((await app.inject({ url: '/v1/admin/outbox?topic=email.send&limit=100', headers: admin.auth })).json().data as { to: string; text: string }[]).find(
    (m) => m.to.toLowerCase() === String(payload.email).trim().toLowerCase(),
  )!
  const token = /\/newsletter\/preferences\?token=([A-Za-z0-9._-]+)/.exec(mail.text)?.[1]
  return { token: token! }
}

t.test('chosen at signup, read and changed through the signed link; only what is sent changes', async (t) => {
  const app = await build(t, { seed: true, env: FAST })
  const { token } = await signup(app, { email: 'asha@example.com', name: 'Asha', sections: ['india'], cadence: 'daily' })
  t.ok(token, 'the confirmation email carries the preferences link')
  const [job] = await app.database.db.select().from(outbox).where(sql`payload->>'to' = 'asha@example.com'`)
  t.match((job!.payload as { html: string }).html, /href="http:\/\/api\.test\/newsletter\/preferences\?token=/, 'in the HTML part too')

  let res = await app.inject({ url: `/v1/newsletter/preferences?token=${token}` })
  t.equal(res.statusCode, 200)
  t.equal(res.headers['cache-control'], 'private, no-store')
  const data = res.json().data
  t.match(data, { email: 'asha@example.com', name: 'Asha', status: 'pending', sections: ['india'], cadence: 'daily' })
  t.equal(data.available_sections.length, 7, 'every section one may follow')
  t.match(data.available_sections[0], { slug: String, name: String })

  res = await app.inject({ method: 'POST', url: '/v1/newsletter/preferences', payload: { token, cadence: 'weekly' } })
  t.equal(res.statusCode, 200)
  t.match(res.json().data, { sections: ['india'], cadence: 'weekly', name: 'Asha' }, 'only the cadence changed')
  res = await app.inject({ method: 'POST', url: '/v1/newsletter/preferences', payload: { token, sections: ['europe', 'india', 'europe'], name: null } })
  t.match(res.json().data, { sections: ['europe', 'india'], cadence: 'weekly', name: null })
  res = await app.inject({ method: 'POST', url: '/v1/newsletter/preferences', payload: { token, sections: [] } })
  t.same(res.json().data.sections, [], 'an empty list: everything')

  // Moderators see the choice.
  const editor = await createUser(app, 'editor')
  const listed = (await app.inject({ url: '/v1/admin/subscribers?q=asha', headers: editor.auth })).json().data
  t.match(listed[0], { email: 'asha@example.com', cadence: 'weekly', sections: [] })
  // A signup without a cadence is instant.
  const other = await signup(app, { email: 'ben@example.com' })
  t.equal((await app.inject({ url: `/v1/newsletter/preferences?token=${other.token}` })).json().data.cadence, 'instant')
})

t.test('bad links and bad choices are refused with nothing changed; an erased subscriber’s link is gone', async (t) => {
  const app = await build(t, { seed: true, env: FAST })
  const { token } = await signup(app, { email: 'chen@example.com', sections: ['india'] })
  const [before] = await app.database.db.select().from(subscribers).where(eq(subscribers.email, 'chen@example.com'))

  const forged = `${token.slice(0, 33)}${token.at(33) === 'A' ? 'B' : 'A'}${token.slice(34)}`
  assertProblem(t, await app.inject({ url: `/v1/newsletter/preferences?token=${forged}` }), 400, 'VALIDATION_FAILED')
  assertProblem(t, await app.inject({ method: 'POST', url: '/v1/newsletter/preferences', payload: { token: forged, cadence: 'daily' } }), 400, 'VALIDATION_FAILED')
  assertProblem(t, await app.inject({ url: '/v1/newsletter/preferences' }), 400, 'VALIDATION_FAILED')
  assertProblem(t, await app.inject({ method: 'POST', url: '/v1/newsletter/preferences', payload: { token, cadence: 'hourly' } }), 400, 'VALIDATION_FAILED')
  assertProblem(t, await app.inject({ method: 'POST', url: '/v1/newsletter/preferences', payload: { token, sections: ['atlantis'] } }), 422, 'UNPROCESSABLE')
  assertProblem(t, await app.inject({ method: 'POST', url: '/v1/newsletter/preferences', payload: { token, sections: ['india'], email: 'x@example.com' } }), 400, 'VALIDATION_FAILED')
  // The unsubscribe link is not a preferences link (each link does one thing).
  const unsubscribeToken = (await app.services.newsletter.list({ q: 'chen' }, { limit: 1, offset: 0 })).rows[0]!.id
  assertProblem(t, await app.inject({ url: `/v1/newsletter/preferences?token=${unsubscribeToken.replaceAll('-', '')}.AAAAAAAAAAAAAAAAAAAAAAAA` }), 400, 'VALIDATION_FAILED')
  const [after] = await app.database.db.select().from(subscribers).where(eq(subscribers.email, 'chen@example.com'))
  t.same({ sections: after!.sections, cadence: after!.cadence }, { sections: before!.sections, cadence: before!.cadence }, 'nothing changed')

  const admin = await createUser(app, 'admin')
  t.equal((await app.inject({ method: 'DELETE', url: `/v1/admin/subscribers/${before!.id}?reason=asked`, headers: admin.auth })).statusCode, 204)
  assertProblem(t, await app.inject({ url: `/v1/newsletter/preferences?token=${token}` }), 410, 'GONE')
  assertProblem(t, await app.inject({ method: 'POST', url: '/v1/newsletter/preferences', payload: { token, cadence: 'daily' } }), 410, 'GONE')
})

t.test('the preferences page: opening it changes nothing, the form saves ticked sections and the cadence', async (t) => {
  const app = await build(t, { seed: true, env: FAST })
  const { token } = await signup(app, { email: 'dana@example.com', sections: ['india'] })
  let res = await app.inject({ url: `/newsletter/preferences?token=${token}` })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^text\/html/)
  t.match(res.headers['content-security-policy'], /form-action 'self'/)
  t.match(res.body, /<input type="checkbox" name="section" value="india" checked>/)
  t.match(res.body, /<input type="radio" name="cadence" value="instant" checked>/)
  t.notMatch(res.body, /value="europe" checked/)

  res = await app.inject({
    method: 'POST',
    url: '/newsletter/preferences',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams([['token', token], ['section', 'europe'], ['section', 'asia-pacific'], ['cadence', 'weekly']]).toString(),
  })
  t.equal(res.statusCode, 200)
  t.match(res.body, /Saved\./)
  t.match(res.body, /value="europe" checked/)
  t.match(res.body, /value="weekly" checked/)
  const [row] = await app.database.db.select().from(subscribers).where(eq(subscribers.email, 'dana@example.com'))
  t.same(row!.sections.sort(), ['asia-pacific', 'europe'])
  t.equal(row!.cadence, 'weekly')

  res = await app.inject({ method: 'POST', url: '/newsletter/preferences', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `token=${token}&section=atlantis` })
  t.equal(res.statusCode, 422)
  t.match(res.body, /Your choices could not be saved/)
  res = await app.inject({ url: '/newsletter/preferences?token=short' })
  t.equal(res.statusCode, 400)
  t.match(res.body, /This link is incomplete/)
  res = await app.inject({ method: 'POST', url: '/newsletter/preferences', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `token=${'a'.repeat(32)}.${'b'.repeat(24)}&cadence=daily` })
  t.equal(res.statusCode, 400)
  t.match(res.body, /This link is not valid/)
})
