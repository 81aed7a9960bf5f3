import t from 'tap'
import { createReadStream } from 'node:fs'
import { readXmlRecords, XmlFileError, type XmlNode } from '../../src/lib/xml-records.js'

/** The document cut into chunks of `size` bytes (so every boundary — inside a tag, a CDATA, a character — is met). */
async function* chunks(text: string | Buffer, size: number) {
  const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text)
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size)
}

async function records(text: string | Buffer, size = 7, options: { maxRecordChars?: number; maxPrologueChars?: number } = {}) {
  const out: { node: XmlNode; path: string[] }[] = []
  for await (const record of readXmlRecords(() => chunks(text, size), { recordDepth: 3, ...options })) out.push(record)
  return out
}

const refused = async (text: string | Buffer, options: { maxRecordChars?: number; maxPrologueChars?: number } = {}) =>
  records(text, 7, options).then(
    () => null,
    (error: unknown) => (error instanceof XmlFileError ? error.message : `not an XmlFileError: ${String(error)}`),
  )

t.test('records are the elements at the record depth, with their text, CDATA and attributes, whatever the chunking', async (t) => {
  const doc = '<?xml version="1.0" encoding="utf-8"?>\n<rss><channel><title>Café &amp; <![CDATA[<b>bar</b>]]></title><item a="1"><x>é🙂</x><x>2</x></item></channel></rss>'
  for (const size of [1, 3, 7, 1000]) {
    const found = await records(doc, size)
    t.same(
      found.map((r) => [r.path.join('>'), r.node.name, r.node.text, r.node.attrs, r.node.children.map((c) => c.text)]),
      [
        ['rss>channel', 'title', 'Café & <b>bar</b>', {}, []],
        ['rss>channel', 'item', '', { a: '1' }, ['é🙂', '2']],
      ],
      `chunks of ${size}`,
    )
  }
})

t.test('hostile or broken input is refused with the reason', async (t) => {
  t.match(await refused('<!DOCTYPE rss [<!ENTITY a "b">]><rss/>'), /document type declaration/)
  t.match(await refused('<?xml version="1.0"?>\n<!-- c -->\n<!DOCTYPE rss SYSTEM "http://evil.example/x.dtd"><rss/>'), /document type declaration/)
  t.match(await refused('<rss><channel><item>&xxe;</item></channel></rss>'), /not well-formed XML/)
  t.match(await refused('<?xml version="1.0" encoding="ISO-8859-1"?><rss/>'), /encoding ISO-8859-1.*only UTF-8/)
  t.match(await refused(Buffer.concat([Buffer.from('<rss><channel><t>'), Buffer.from([0xc3, 0x28]), Buffer.from('</t></channel></rss>')])), /not valid UTF-8/)
  t.match(await refused(Buffer.concat([Buffer.from('<rss><channel><t>ok</t></channel></rss>'), Buffer.from([0xe2, 0x82])])), /not valid UTF-8/)
  t.match(await refused('<rss><channel><item>unclosed</channel></rss>'), /not well-formed XML/)
  t.match(await refused(''), /empty/)
  t.match(await refused(`<!-- ${'x'.repeat(200)} -->`, { maxPrologueChars: 100 }), /No root element/)
  t.match(await refused(`<rss><channel><item><a>${'y'.repeat(500)}</a></item></channel></rss>`, { maxRecordChars: 100 }), /longer than 100 characters/)
  t.match(await refused(`<rss><channel>${'z'.repeat(500)}</channel></rss>`, { maxRecordChars: 100 }), /longer than 100 characters/)
})

t.test('the source is opened when reading starts (after the parser is loaded), and a file that cannot be opened fails the read', async (t) => {
  let opened = 0
  const reading = readXmlRecords(
    () => {
      opened++
      return createReadStream('/nonexistent/newsroom-export.xml')
    },
    { recordDepth: 3 },
  )
  t.equal(opened, 0, 'not opened by asking for the records')
  await t.rejects(reading.next(), { code: 'ENOENT' }, 'the open error is the read error, not an unhandled stream error')
  t.equal(opened, 1)
})
