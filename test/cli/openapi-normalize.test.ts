import t from 'tap'
import { createNormalizer } from '../../src/cli/openapi-examples/normalize.js'

const since = Date.parse('2026-12-01T04:00:00.000Z')
const now = new Date('2025-06-08T09:00:00.000Z')

const jwt = (claims: object) => `eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.c2lnbmF0dXJlLW9mLWEtcmVhbC1rZXk`

t.test('ids get stand-ins by where they first appear, so two runs with different random ids agree', async (t) => {
  const run = (a: string, b: string) => {
    const n = createNormalizer({ since, now })
    n.enter('adminGetArticle#1')
    const value = { id: a, parent: b, again: a, url: `/v1/admin/articles/${a}`, file: `c0ffee-photo-${a.slice(0, 8)}-320w.webp` }
    n.scan(value)
    return n.value(value)
  }
  const first = run('0b7c2d64-5a3e-4f61-8d2b-9a1e3c5f7d90', 'f3a1b2c4-d5e6-4f70-8a9b-0c1d2e3f4a5b')
  const second = run('9d8e7f60-1a2b-4c3d-9e4f-5a6b7c8d9e0f', '11111111-2222-4333-8444-555555555555')
  t.same(first, second)
  const out = first as Record<string, string>
  t.equal(out.again, out.id, 'one id, one stand-in')
  t.not(out.parent, out.id)
  t.match(out.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, 'still a v4 UUID')
  t.equal(out.url, `/v1/admin/articles/${out.id}`)
  t.equal(out.file, `c0ffee-photo-${out.id!.slice(0, 8)}-320w.webp`, 'the id prefix in media file names follows')

  const elsewhere = createNormalizer({ since, now })
  elsewhere.enter('listArticles#1')
  elsewhere.scan('a3e0d1c2-0000-4000-8000-000000000001')
  elsewhere.enter('adminGetArticle#1')
  elsewhere.scan(['9d8e7f60-1a2b-4c3d-9e4f-5a6b7c8d9e0f'])
  t.equal(elsewhere.string('9d8e7f60-1a2b-4c3d-9e4f-5a6b7c8d9e0f'), out.id, 'an id seen earlier in another call does not shift this one')
})

t.test('only timestamps written during the run become the clock; the content’s own dates stay', async (t) => {
  const n = createNormalizer({ since, now })
  const out = n.value({
    published_at: '2025-06-06T14:20:00.000Z',
    created_at: '2026-12-01T04:26:46.123Z',
    at: '2026-12-01T04:26:46.123456+00:00',
    header: 'Tue, 01 Dec 2026 04:26:46 GMT',
    old: 'Fri, 06 Jun 2025 14:20:00 GMT',
  })
  t.same(out, {
    published_at: '2025-06-06T14:20:00.000Z',
    created_at: '2025-06-08T09:00:00.000Z',
    at: '2025-06-08T09:00:00.000Z',
    header: 'Sun, 08 Jun 2025 09:00:00 GMT',
    old: 'Fri, 06 Jun 2025 14:20:00 GMT',
  })
})

t.test('tokens: registered values are replaced everywhere by stand-ins of the same shape; JWTs are re-issued at the clock', async (t) => {
  const make = (token: string, secret: string, issuedAt: number) => {
    const n = createNormalizer({ since, now })
    n.volatile(token)
    const stand = n.volatile(secret, { keepPrefix: 'whsec_' })
    n.volatile(`…${secret.slice(-4)}`, `…${stand.slice(-4)}`)
    return n.value({
      text: `Confirm: https://api.example/newsletter/confirm?token=${token}`,
      token,
      secret,
      secret_hint: `…${secret.slice(-4)}`,
      access_token: jwt({ sub: '0b7c2d64-5a3e-4f61-8d2b-9a1e3c5f7d90', iat: issuedAt, exp: issuedAt + 900 }),
      durationMs: 731,
    }) as Record<string, string>
  }
  const a = make('Qm9vdHN0cmFwLXRva2VuLXZhbHVlLTEyMzQ1Njc4OQ', 'whsec_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6', 1_796_000_000)
  const b = make('zZ_-9y8x7w6v5u4t3s2r1q0p9o8n7m6l5k4j3i2h1g', 'whsec_Zz9Yy8Xx7Ww6Vv5Uu4Tt3Ss2Rr1Qq0Pp', 1_796_000_123)
  t.same(a, b, 'two runs agree')
  t.equal(a.token!.length, 'Qm9vdHN0cmFwLXRva2VuLXZhbHVlLTEyMzQ1Njc4OQ'.length)
  t.equal(a.text, `Confirm: https://api.example/newsletter/confirm?token=${a.token}`, 'inside longer text too')
  t.match(a.secret, /^whsec_[A-Za-z0-9]{32}$/)
  t.equal(a.secret_hint, `…${a.secret!.slice(-4)}`, 'the hint follows its secret')
  t.equal(a.durationMs, 48, 'measured durations are fixed')
  const claims = JSON.parse(Buffer.from(a.access_token!.split('.')[1]!, 'base64url').toString()) as { iat: number; exp: number; sub: string }
  t.equal(claims.iat, now.getTime() / 1000)
  t.equal(claims.exp - claims.iat, 900, 'the lifetime is kept')
  t.match(claims.sub, /^[0-9a-f-]{36}$/)
  t.not(claims.sub, '0b7c2d64-5a3e-4f61-8d2b-9a1e3c5f7d90', 'ids inside a JWT are replaced too')
})
