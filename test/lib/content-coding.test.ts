import t from 'tap'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { codedEtag, createEncoder, isCompressible, negotiateCoding } from '../../src/lib/content-coding.js'

t.test('Accept-Encoding negotiation (RFC 9110 §12.5.3)', async (t) => {
  const cases: [string | undefined, 'br' | 'gzip' | null][] = [
    [undefined, null],
    ['', null],
    ['identity', null],
    ['gzip', 'gzip'],
    ['x-gzip', 'gzip'],
    ['GZIP', 'gzip'],
    ['br', 'br'],
    ['gzip, deflate, br, zstd', 'br'],
    ['gzip, deflate, br;q=0', 'gzip'],
    ['br;q=0.5, gzip;q=0.8', 'gzip'],
    ['br;q=0.8, gzip;q=0.8', 'br'],
    ['gzip;q=0.4, identity;q=0.9', null],
    ['gzip;q=0.9, identity;q=0.9', 'gzip'],
    ['deflate', null],
    ['*', 'br'],
    ['*;q=0.5, br;q=0', 'gzip'],
    ['*;q=0', null],
    ['identity;q=0', null],
    ['identity;q=0, deflate', null],
    ['br;q=0, gzip;q=0', null],
    ['gzip;q=0.001', 'gzip'],
    ['gzip;q=nonsense', null],
    ['gzip ; q = 0.7 , br ; q=0.6', 'gzip'],
    [' , ;q=1, gzip', 'gzip'],
  ]
  for (const [header, expected] of cases) t.equal(negotiateCoding(header), expected, `${JSON.stringify(header)} → ${expected ?? 'identity'}`)
  t.equal(negotiateCoding(['gzip;q=0.5', 'br']), 'br', 'repeated header fields are one list')
})

t.test('compressible types, coded ETags, and the encoder round-trips', async (t) => {
  for (const type of ['application/json; charset=utf-8', 'application/problem+json', 'application/feed+json; charset=utf-8', 'application/rss+xml', 'application/xml', 'text/html; charset=utf-8', 'image/svg+xml']) {
    t.ok(isCompressible(type), type)
  }
  for (const type of ['image/webp', 'image/jpeg', 'application/octet-stream', 'application/jsonx', undefined, 42]) t.notOk(isCompressible(type), String(type))
  t.equal(codedEtag('"abc"', 'br'), '"abc-br"')
  t.equal(codedEtag('"v3"', 'gzip'), '"v3-gzip"')
  t.equal(codedEtag('W/"abc"', 'gzip'), 'W/"abc-gzip"')
  t.equal(codedEtag('"abc"', null), '"abc"')
  const encode = createEncoder({ brotliQuality: 5, gzipLevel: 6 })
  // A small body is encoded at once, a large one on the thread pool; each with a window its size.
  for (const items of [50, 5000]) {
    const body = Buffer.from(JSON.stringify({ data: Array.from({ length: items }, (_, i) => ({ id: i, title: `Article ${i}` })) }))
    const br = await encode(body, 'br')
    const gz = await encode(body, 'gzip')
    t.ok(br.length < body.length / 3 && gz.length < body.length / 3, `${body.length} bytes compress`)
    t.same(brotliDecompressSync(br), body)
    t.same(gunzipSync(gz), body)
  }
  t.ok((await encode(Buffer.from('x'), 'gzip')).length > 0, 'a one-byte body still gets a valid stream')
  t.same(gunzipSync(await encode(Buffer.from('x'), 'gzip')), Buffer.from('x'))
  t.same(brotliDecompressSync(await encode(Buffer.from('x'), 'br')), Buffer.from('x'))
})
