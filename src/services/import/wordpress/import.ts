import { childrenNamed, childText, readXmlRecords, XmlFileError, type XmlNode } from '../../../lib/xml-records.js'
import { DEFAULT_MAPPING, type ImportMapping, type ArticleItem, type AuthorItem, type CommentItem, type MediaRef, type PageItem, type TermItem } from '../model.js'
import type { ImportWriter } from '../writer.js'
import { commentText, convertWordpressContent, imageSources } from './content.js'

const WORDPRESS_INTERNAL_TYPES = new Set(['nav_menu_item', 'revision', 'custom_css', 'customize_changeset', 'oembed_cache', 'user_request', 'wp_block', 'wp_template', 'wp_template_part', 'wp_global_styles', 'wp_navigation', 'wp_font_family', 'wp_font_face'])

/** Opens the export file again from the start (it is read twice: references, then content). */
export type OpenFile = () => AsyncIterable<Uint8Array>

interface Attachment {
  id: string
  url: string
  title: string
  alt: string
  caption: string
}

/** The records of a WXR file (the children of rss > channel), checking it is one. */
async function* wxrRecords(open: OpenFile): AsyncGenerator<XmlNode> {
  let version: string | undefined
  for await (const { node, path } of readXmlRecords(open, { recordDepth: 3 })) {
    if (path[0] !== 'rss' || path[1] !== 'channel') throw new XmlFileError(`Not a WordPress export: expected <rss><channel>, found <${path.join('><')}>`)
    if (node.name === 'wp:wxr_version') version = node.text.trim()
    else if (!version && (node.name === 'item' || node.name.startsWith('wp:'))) {
      throw new XmlFileError('Not a WordPress export (WXR): no <wp:wxr_version> before its content')
    }
    yield node
  }
  if (!version) throw new XmlFileError('Not a WordPress export (WXR): no <wp:wxr_version>')
}

/** A WordPress date (`2024-05-01 10:00:00`, UTC for the *_gmt fields), or null for WordPress's zero date. */
export function wpDate(text: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/.exec(text.trim())
  if (!m || m[1] === '0000') return null
  const date = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`)
  return Number.isNaN(date.getTime()) ? null : date
}

const postMeta = (item: XmlNode, key: string): string | undefined =>
  childrenNamed(item, 'wp:postmeta').find((m) => childText(m, 'wp:meta_key') === key)
    ? childText(childrenNamed(item, 'wp:postmeta').find((m) => childText(m, 'wp:meta_key') === key)!, 'wp:meta_value')
    : undefined

const urlsOf = (...candidates: string[]) => [...new Set(candidates.map((u) => u.trim()).filter((u) => /^https?:\/\//i.test(u) && !/[?&](p|page_id|attachment_id)=\d+/.test(u)))]

const fileName = (url: string) => {
  try {
    return decodeURIComponent(new URL(url).pathname.split('/').pop() || 'image')
  } catch {
    return 'image'
  }
}

/**
 * Imports a WordPress export (WXR 1.0–1.2) through the writer, streaming: the first pass reads
 * authors, categories, tags and attachments (small, and referenced by posts that may come before
 * them); the second imports posts and pages with their comments, one at a time.
 */
export async function importWordpress(open: OpenFile, writer: ImportWriter, mapping: ImportMapping = DEFAULT_MAPPING): Promise<void> {
  const baseUrl = { site: '' }
  const authors = new Map<string, AuthorItem>()
  const categories = new Map<string, TermItem>()
  const tags = new Map<string, TermItem>()
  const attachments = new Map<string, Attachment>()
  const attachmentsByUrl = new Map<string, Attachment>()

  for await (const node of wxrRecords(open)) {
    switch (node.name) {
      case 'wp:base_blog_url':
      case 'link':
        if (!baseUrl.site) baseUrl.site = node.text.trim().replace(/\/+$/, '')
        break
      case 'wp:author': {
        const login = childText(node, 'wp:author_login').trim()
        if (!login) break
        const author: AuthorItem = {
          sourceId: `author:${login}`,
          slug: login,
          name: childText(node, 'wp:author_display_name').trim() || login,
          bio: '',
          originalUrls: baseUrl.site ? [`${baseUrl.site}/author/${encodeURIComponent(login)}/`] : [],
        }
        authors.set(login, author)
        await writer.author(author)
        break
      }
      case 'wp:category': {
        const slug = childText(node, 'wp:category_nicename').trim()
        if (!slug) break
        const category = term('category', slug, childText(node, 'wp:cat_name'), childText(node, 'wp:category_description'), baseUrl.site)
        categories.set(slug, category)
        await writer.section(category)
        break
      }
      case 'wp:tag': {
        const slug = childText(node, 'wp:tag_slug').trim()
        if (!slug) break
        const tag = term('tag', slug, childText(node, 'wp:tag_name'), childText(node, 'wp:tag_description'), baseUrl.site)
        tags.set(slug, tag)
        await writer.tag(tag)
        break
      }
      case 'item': {
        if (childText(node, 'wp:post_type') !== 'attachment') break
        const url = childText(node, 'wp:attachment_url').trim() || childText(node, 'guid').trim()
        const id = childText(node, 'wp:post_id').trim()
        if (!url || !id) break
        const attachment = { id, url, title: childText(node, 'title'), alt: postMeta(node, '_wp_attachment_image_alt') ?? '', caption: childText(node, 'excerpt:encoded').trim() }
        attachments.set(id, attachment)
        attachmentsByUrl.set(url, attachment)
        break
      }
    }
  }

  /** An image URL in a body: the attachment it is (or is a resized copy of, `photo-300x200.jpg`), else itself. */
  const mediaFor = (url: string): MediaRef => {
    const attachment = attachmentsByUrl.get(url) ?? attachmentsByUrl.get(url.replace(/-\d+x\d+(\.[A-Za-z0-9]+)$/, '$1'))
    if (attachment) return mediaOf(attachment)
    return { sourceId: `media:${url}`, url, filename: fileName(url), alt: '', caption: null }
  }
  const mediaOf = (a: Attachment): MediaRef => ({ sourceId: `media:${a.url}`, url: a.url, filename: fileName(a.url), alt: a.alt, caption: a.caption || null })

  for await (const node of wxrRecords(open)) {
    if (node.name !== 'item') continue
    const type = childText(node, 'wp:post_type')
    const id = childText(node, 'wp:post_id').trim()
    const status = childText(node, 'wp:status')
    if (type === 'attachment') continue
    if ((type !== 'post' && type !== 'page') || !id) {
      // WordPress's own machinery (menus, revisions, theme settings) has no counterpart; other types are named.
      if (!WORDPRESS_INTERNAL_TYPES.has(type)) writer.warn(`post:${id}`, `skipped: posts of type "${type}" are not imported`)
      continue
    }
    if (status === 'trash' || status === 'auto-draft' || status === 'inherit') {
      writer.skip(type === 'page' ? 'page' : 'article')
      writer.warn(`post:${id}`, `skipped: its status is ${status}`)
      continue
    }
    const converted = convertWordpressContent(childText(node, 'content:encoded'))
    for (const name of converted.unknownShortcodes) writer.warn(`post:${id}`, `the shortcode [${name}] has no equivalent here: kept as text`)
    const bodyImages = imageSources(converted.html).map((src) => ({ src, image: mediaFor(src) }))
    const originalUrls = urlsOf(childText(node, 'link'), childText(node, 'guid'))
    const title = childText(node, 'title').trim()
    const slug = decodeURIComponent(childText(node, 'wp:post_name').trim())

    if (type === 'page') {
      const page: PageItem = { sourceId: `post:${id}`, slug, title, html: converted.html, status: status === 'publish' ? 'published' : 'draft', bodyImages, originalUrls }
      await writer.page(page)
      continue
    }

    const gmt = wpDate(childText(node, 'wp:post_date_gmt'))
    const local = wpDate(childText(node, 'wp:post_date'))
    let date = gmt ?? local
    const mapped = ({ publish: 'published', future: 'scheduled', draft: 'draft', pending: 'in_review', private: 'draft' } as const)[status as 'publish']
    if (!mapped) writer.warn(`post:${id}`, `its status "${status}" is unknown: imported as a draft`)
    const articleStatus = mapped ?? 'draft'
    if (status === 'private') writer.warn(`post:${id}`, 'was private: imported as a draft')
    if ((articleStatus === 'published' || articleStatus === 'scheduled') && !gmt) {
      if (!date) {
        writer.warn(`post:${id}`, 'has no date: imported as a draft')
      } else writer.warn(`post:${id}`, 'has no GMT date: its local date was taken as UTC')
    }
    const dated = articleStatus === 'published' || articleStatus === 'scheduled'
    const finalStatus: ArticleItem['status'] = dated && date === null ? 'draft' : articleStatus
    if (!dated) date = null

    const postCategories = childrenNamed(node, 'category').filter((c) => c.attrs.domain === 'category' && c.attrs.nicename)
    const postTags = childrenNamed(node, 'category').filter((c) => c.attrs.domain === 'post_tag' && c.attrs.nicename)
    const [first, ...rest] = postCategories
    const section = first ? (categories.get(first.attrs.nicename!) ?? term('category', first.attrs.nicename!, first.text, '', baseUrl.site)) : term('category', 'uncategorized', 'Uncategorized', '', baseUrl.site)
    const tagItems: TermItem[] = [
      ...(mapping.extraCategories === 'ignore' ? [] : rest).map((c) => {
        const category = categories.get(c.attrs.nicename!)
        return { ...term('tag', c.attrs.nicename!, category?.name ?? c.text, category?.description ?? '', ''), sourceId: `category-tag:${c.attrs.nicename}` }
      }),
      ...postTags.map((c) => tags.get(c.attrs.nicename!) ?? term('tag', c.attrs.nicename!, c.text, '', baseUrl.site)),
    ]
    const login = childText(node, 'dc:creator').trim()
    const author = authors.get(login) ?? { sourceId: `author:${login || 'unknown'}`, slug: login || 'unknown', name: login || 'Unknown', bio: '', originalUrls: [] }
    const thumbnail = postMeta(node, '_thumbnail_id')?.trim()
    const attachment = thumbnail ? attachments.get(thumbnail) : undefined
    if (thumbnail && thumbnail !== '0' && !attachment) writer.warn(`post:${id}`, `its featured image (attachment ${thumbnail}) is not in the file`)

    const article: ArticleItem = {
      sourceId: `post:${id}`,
      slug,
      title,
      excerpt: commentText(childText(node, 'excerpt:encoded')),
      html: converted.html,
      status: finalStatus,
      publishedAt: date,
      createdAt: gmt ?? local,
      section,
      author,
      coAuthors: [],
      tags: tagItems,
      featuredImage: attachment ? mediaOf(attachment) : null,
      bodyImages,
      commentsOpen: childText(node, 'wp:comment_status') !== 'closed',
      originalUrls,
      comments: comments(node, `post:${id}`, writer),
    }
    await writer.article(article)
  }
}

function term(kind: 'category' | 'tag', slug: string, name: string, description: string, site: string): TermItem {
  const decoded = decodeURIComponent(slug)
  return {
    sourceId: `${kind}:${decoded}`,
    slug: decoded,
    name: name.trim() || decoded,
    description: description.trim(),
    originalUrls: site ? [`${site}/${kind}/${slug}/`] : [],
  }
}

const COMMENT_STATUS: Record<string, CommentItem['status']> = { '1': 'approved', approve: 'approved', '0': 'pending', hold: 'pending', spam: 'spam', trash: 'trash', 'post-trashed': 'trash' }

function comments(item: XmlNode, postId: string, writer: ImportWriter): CommentItem[] {
  const out: CommentItem[] = []
  for (const c of childrenNamed(item, 'wp:comment')) {
    const id = childText(c, 'wp:comment_id').trim()
    if (!id) continue
    const type = childText(c, 'wp:comment_type').trim()
    if (type === 'pingback' || type === 'trackback') {
      writer.skip('comment')
      continue
    }
    const approved = childText(c, 'wp:comment_approved').trim()
    const status = COMMENT_STATUS[approved]
    if (!status) writer.warn(`comment:${id}`, `its status "${approved}" is unknown: imported as pending`)
    const parent = childText(c, 'wp:comment_parent').trim()
    const website = childText(c, 'wp:comment_author_url').trim()
    const createdAt = wpDate(childText(c, 'wp:comment_date_gmt')) ?? wpDate(childText(c, 'wp:comment_date'))
    if (!createdAt) writer.warn(`comment:${id}`, `on ${postId} has no date: dated to the import`)
    out.push({
      sourceId: `comment:${id}`,
      parentSourceId: parent && parent !== '0' ? `comment:${parent}` : null,
      authorName: childText(c, 'wp:comment_author'),
      authorEmail: childText(c, 'wp:comment_author_email'),
      authorWebsite: /^https?:\/\/\S+$/i.test(website) ? website.slice(0, 500) : null,
      ip: childText(c, 'wp:comment_author_IP').trim() || null,
      status: status ?? 'pending',
      body: commentText(childText(c, 'wp:comment_content')),
      createdAt,
    })
  }
  return out
}
