import t from 'tap'
import { htmlToText } from '../../src/lib/body-renderer.js'
import { renderBody } from '../../src/lib/markdown.js'
import { countWords, readingTimeMinutes } from '../../src/lib/reading-time.js'

t.test('Markdown renders to HTML with text and counts', async (t) => {
  const body = await renderBody('# Title\n\nHello **world**, a [link](https://example.com).\n\n- one\n- two', 'markdown')
  t.equal(body.html, '<h2>Title</h2>\n<p>Hello <strong>world</strong>, a <a href="https://example.com">link</a>.</p>\n<ul>\n<li>one</li>\n<li>two</li>\n</ul>')
  t.equal(body.text, 'Title Hello world, a link. one two')
  t.equal(body.wordCount, 7)
  t.equal(body.readingTimeMinutes, 1)
})

t.test('HTML input is sanitised: scripts, handlers, javascript: URLs and styles are dropped', async (t) => {
  const body = await renderBody(
    '<p onclick="x()">Hi<script>alert(1)</script><img src="javascript:alert(1)" onerror="alert(2)"><a href="javascript:alert(3)">x</a><iframe src="https://evil"></iframe><style>p{}</style></p><a href="https://ok.example" target="_blank">ok</a>',
    'html',
  )
  t.notMatch(body.html, /script|onclick|onerror|javascript:|iframe|style/i)
  t.match(body.html, /<a href="https:\/\/ok\.example" target="_blank" rel="noopener noreferrer">ok<\/a>/)
})

t.test('Markdown cannot smuggle raw HTML either', async (t) => {
  const body = await renderBody('Text <script>alert(1)</script> and <img src=x onerror=alert(1)>', 'markdown')
  t.notMatch(body.html, /<script|onerror/)
})

t.test('plain text keeps block boundaries and decodes entities', async (t) => {
  t.equal(htmlToText('<p>a&amp;b</p><p>c &lt; d</p>'), 'a&b c < d')
})

t.test('reading time is words / 225 rounded up', async (t) => {
  t.equal(readingTimeMinutes(0), 0)
  t.equal(readingTimeMinutes(1), 1)
  t.equal(readingTimeMinutes(225), 1)
  t.equal(readingTimeMinutes(226), 2)
  t.equal(readingTimeMinutes(1125), 5)
  t.equal(countWords('  one, two — three 4 '), 4)
})
