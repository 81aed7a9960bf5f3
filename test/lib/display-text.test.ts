import t from 'tap'
import { DISPLAY_TEXT_PATTERN } from '../../src/schemas/common.js'

// The pattern is published in openapi.json, where tools compile it with or without the `u` flag:
// both readings must agree with Unicode's own classes on every code point of the BMP.
const forbidden = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u
const plain = new RegExp(DISPLAY_TEXT_PATTERN)
const unicode = new RegExp(DISPLAY_TEXT_PATTERN, 'u')
/** Test names in ASCII: a raw U+2028 in a name would break the TAP stream itself. */
const shown = (s: string) =>
  [...s].map((c) => (c >= ' ' && c <= '~' ? c : `<U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}>`)).join('')

t.test('each BMP code point is allowed exactly when it is not Cc, Cf, Zl or Zp (ZWNJ and ZWJ allowed)', async (t) => {
  const wrong: string[] = []
  for (let c = 0; c < 0x10000; c++) {
    if (c >= 0xd800 && c <= 0xdfff) continue // lone surrogates are not text
    const ch = String.fromCharCode(c)
    const expected = c === 0x200c || c === 0x200d || !forbidden.test(ch)
    const text = `a${ch}b`
    if (plain.test(text) !== expected || unicode.test(text) !== expected) wrong.push(c.toString(16))
  }
  t.same(wrong, [], 'code points judged differently from \\p{…}')
})

t.test('names readers write pass in both readings; blank and disguised ones fail', async (t) => {
  const good = ['Politics', 'Café', 'Économie', 'Ποιήματα', 'خبرها\u200Cی روز', 'क्ष\u200Dत्र', '👩\u200D💻 Tech', '🏴\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}\u{E007F} Sport', 'p{Cc}']
  const bad = ['', ' ', '\t\n', 'a\u0000b', 'Zero\u200Bwidth', 'evil\u202Egnp.exe', 'soft\u00ADhyphen', '\uFEFFbom', 'line\u2028sep', '\u2066isolated\u2069']
  for (const s of good) {
    t.ok(plain.test(s), `plain accepts ${shown(s)}`)
    t.ok(unicode.test(s), `u accepts ${shown(s)}`)
  }
  for (const s of bad) {
    t.notOk(plain.test(s), `plain rejects ${shown(s)}`)
    t.notOk(unicode.test(s), `u rejects ${shown(s)}`)
  }
})
