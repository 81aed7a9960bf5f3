import t from 'tap'
import { mediaReferences, renderBody, type BodyImage } from '../../src/lib/markdown.js'

const ID = '3b241101-e2bb-4255-8caf-4136c566a962'
const image: BodyImage = {
  src: 'https://api.example/media/aaaa-1600w.jpg',
  srcset: 'https://api.example/media/aaaa-320w.webp 320w, https://api.example/media/aaaa-1600w.webp 1600w',
  width: 1600,
  height: 900,
}

t.test('media references are found in Markdown and HTML, once each', async (t) => {
  t.same(mediaReferences(`![a](media:${ID}) and <img src="media:${ID.toUpperCase()}"> and media:nope`), [ID])
  t.same(mediaReferences('no images'), [])
})

t.test('a resolved media image gets its URLs, srcset and size; nothing else survives the sanitiser', async (t) => {
  const html = (await renderBody(`![A drone](media:${ID})`, 'markdown', new Map([[ID, image]]))).html
  t.equal(
    html,
    `<p><img src="${image.src}" alt="A drone" srcset="${image.srcset}" sizes="(max-width: 1600px) 100vw, 1600px" width="1600" height="900" loading="lazy" /></p>`,
  )
  const hostile = (await renderBody(`<img src="media:${ID}" srcset="javascript:alert(1) 1x" onerror="alert(1)" width="1">`, 'html', new Map([[ID, image]]))).html
  t.notMatch(hostile, /javascript|onerror/)
  t.match(hostile, `srcset="${image.srcset}"`)
  const unresolved = (await renderBody(`![x](media:${ID})`, 'markdown')).html
  t.notMatch(unresolved, 'media:', 'an unresolved reference loses its src rather than keeping a media: URL')
})
