import t from 'tap'
import { commentText, convertWordpressContent, imageSources } from '../../src/services/import/wordpress/content.js'
import { wpDate } from '../../src/services/import/wordpress/import.js'

t.test('WordPress content becomes body HTML', async (t) => {
  t.same(convertWordpressContent('<!-- wp:paragraph -->\n<p>One</p>\n<!-- /wp:paragraph -->\n<!-- wp:separator /-->'), { html: '<p>One</p>', unknownShortcodes: [] })
  t.equal(convertWordpressContent('First line\nsecond line\n\nNext paragraph').html, '<p>First line<br>\nsecond line</p>\n<p>Next paragraph</p>')
  t.equal(convertWordpressContent('<h2>Kept</h2>\n\nText').html, '<h2>Kept</h2>\n<p>Text</p>')
  t.equal(
    convertWordpressContent('[caption id="attachment_5" width="300"]<a href="/big.jpg"><img src="https://x.example/a.jpg" alt="A" /></a> The caption[/caption]').html,
    '<figure><a href="/big.jpg"><img src="https://x.example/a.jpg" alt="A" /></a><figcaption>The caption</figcaption></figure>',
  )
  t.equal(convertWordpressContent('<!-- wp:html -->[caption caption="Old style"]<img src="https://x.example/b.jpg" />[/caption]<!-- /wp:html -->').html, '<figure><img src="https://x.example/b.jpg" /><figcaption>Old style</figcaption></figure>')
  t.same(convertWordpressContent('<!-- wp:p --><p>[[caption]] is literal; [gallery ids="1,2"] and [contact-form] are not known</p><!-- /wp:p -->'), {
    html: '<p>[caption] is literal; [gallery ids="1,2"] and [contact-form] are not known</p>',
    unknownShortcodes: ['gallery', 'contact-form'],
  })
  t.equal(convertWordpressContent('[embed]https://video.example/v/1?a=1&b=2[/embed]').html, '<p><a href="https://video.example/v/1?a=1&amp;b=2">https://video.example/v/1?a=1&amp;b=2</a></p>')
  t.same(imageSources('<img src="https://a.example/1.jpg"><img alt="x" src=\'https://a.example/2.jpg?w=1&amp;h=2\'><img src="data:image/png;base64,xx"><img src="https://a.example/1.jpg">'), ['https://a.example/1.jpg', 'https://a.example/2.jpg?w=1&h=2'])
})

t.test('comments become plain text; WordPress dates are UTC or absent', async (t) => {
  t.equal(commentText('<p>Hello <em>there</em></p><p>Second &amp; last<br />line</p>'), 'Hello there\n\nSecond & last\nline')
  t.equal(wpDate('2026-04-30 06:30:00')?.toISOString(), '2026-04-30T06:30:00.000Z')
  t.equal(wpDate('0000-00-00 00:00:00'), null)
  t.equal(wpDate('yesterday'), null)
})
