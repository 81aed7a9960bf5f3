import t from 'tap'
import { csvObjects, parseCsv } from '../../src/lib/csv.js'

t.test('RFC 4180 records: quotes, doubled quotes, commas and line breaks inside quotes, CRLF and LF', async (t) => {
  t.same(parseCsv('a,b,c\r\n1,"two, too","say ""hi"""\n"multi\nline",,x\n'), [
    ['a', 'b', 'c'],
    ['1', 'two, too', 'say "hi"'],
    ['multi\nline', '', 'x'],
  ])
  t.same(parseCsv('\uFEFFid,email\n1,a@b.c'), [['id', 'email'], ['1', 'a@b.c']], 'a byte-order mark is ignored; no final newline is fine')
  t.same(parseCsv('a\n\n\nb\n'), [['a'], ['b']], 'blank lines are no records')
  t.same(parseCsv(''), [])
  t.same(parseCsv('x,""\n'), [['x', '']], 'an empty quoted field')
})

t.test('a file cut inside a quoted field is an error, not a merged record', async (t) => {
  t.throws(() => parseCsv('a,"unfinished\nb,c\n'), /inside a quoted field/)
})

t.test('objects by header name', async (t) => {
  const { header, rows } = csvObjects('ID, Email ,name\n1,a@example.com,Ann\n2,b@example.com\n')
  t.same(header, ['id', 'email', 'name'])
  t.same(rows, [
    { id: '1', email: 'a@example.com', name: 'Ann' },
    { id: '2', email: 'b@example.com', name: '' },
  ])
})
