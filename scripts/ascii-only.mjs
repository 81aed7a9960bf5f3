// Used by scripts/bundle-server.mjs (npm run build); tested in test/bundle.test.ts.
import { parse } from 'acorn'

/**
 * `code` (an ES module) with every character ASCII, meaning the same. esbuild escapes non-ASCII
 * characters in most code (its default charset) but keeps comments and regular expression
 * literals as they are: one `—` in a comment made a whole chunk UTF-8 text, which Node decodes into
 * a two-byte string on every start and V8 then hashes and scans at twice the bytes (~17 ms of
 * importing the app chunk). A non-ASCII character in a comment becomes `?` (one per UTF-16 unit:
 * columns stay put; U+2028 and U+2029 are refused); in a string or regular expression literal, its
 * `\uXXXX` escape, which means the same character there (a regular expression's `source` shows the
 * escape; source-map columns after it on that line shift, and nothing loads the maps at run time);
 * anywhere else (a template literal's raw text, an identifier) it fails the build.
 */
export function asciiOnly(code, name = 'code') {
  if (!/[^\x00-\x7f]/.test(code)) return code
  const spans = []
  parse(code, {
    ecmaVersion: 'latest',
    sourceType: 'module',
    onComment: (_block, _text, start, end) => spans.push({ start, end, kind: 'comment' }),
    onToken: (token) => {
      if (token.type.label === 'string' || token.type.label === 'regexp') spans.push({ start: token.start, end: token.end, kind: 'literal' })
    },
  })
  let out = ''
  let from = 0
  for (const match of code.matchAll(/[^\x00-\x7f]+/g)) {
    const at = match.index
    const span = spans.find(({ start, end }) => start <= at && at < end)
    if (!span) {
      throw new Error(`${name}: a non-ASCII character outside a comment, string or regular expression at offset ${at}: ${JSON.stringify(code.slice(Math.max(0, at - 40), at + 10))}`)
    }
    const text = match[0]
    // A line or paragraph separator ends a line comment and is a line break for semicolon insertion:
    // as `?` it would change the program. esbuild writes none; refused if one ever comes.
    if (at + text.length > span.end || (span.kind === 'comment' && /[\u2028\u2029]/.test(text))) {
      throw new Error(`${name}: a line or paragraph separator (U+2028, U+2029) in a comment, or non-ASCII text running past the end of a comment or literal, at offset ${at}`)
    }
    // `\’` (an identity escape) would become `\\u2019`, a backslash and "u2019": refused.
    if (span.kind === 'literal' && /(^|[^\\])(\\\\)*\\$/.test(code.slice(Math.max(span.start, at - 64), at))) {
      throw new Error(`${name}: an escaped non-ASCII character at offset ${at}: ${JSON.stringify(code.slice(Math.max(0, at - 40), at + 10))}`)
    }
    out += code.slice(from, at) + (span.kind === 'comment' ? '?'.repeat(text.length) : [...Array(text.length).keys()].map((i) => `\\u${text.charCodeAt(i).toString(16).padStart(4, '0')}`).join(''))
    from = at + text.length
  }
  return out + code.slice(from)
}
