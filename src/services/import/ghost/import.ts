import { XmlFileError } from '../../../lib/xml-records.js'
import type { ArticleItem, AuthorItem, MediaRef, PageItem, TermItem } from '../model.js'
import type { ImportWriter } from '../writer.js'
import type { OpenFile } from '../wordpress/import.js'
import { lexicalToHtml } from './lexical.js'

/** The tables of a Ghost export this importer reads (Ghost 5.x/6.x: Settings → Advanced → Export). */
interface GhostData {
  posts?: GhostPost[]
  posts_meta?: { post_id: string; feature_image_alt?: string | null; feature_image_caption?: string | null }[]
  tags?: { id: string; name: string; slug: string; description?: string | null; visibility?: string }[]
  posts_tags?: { post_id: string; tag_id: string; sort_order?: number }[]
  users?: { id: string; name: string; slug: string; bio?: string | null }[]
  posts_authors?: { post_id: string; author_id: string; sort_order?: number }[]
  settings?: { key: string; value: string | null }[]
}

interface GhostPost {
  id: string
  title: string
  slug: string
  html?: string | null
  lexical?: string | null
  mobiledoc?: string | null
  feature_image?: string | null
  type?: string
  status: string
  custom_excerpt?: string | null
  created_at?: string | null
  published_at?: string | null
}

const MAX_FILE = 512 * 1024 * 1024

/** The export as JSON: `{ db: [{ meta, data }] }` (Ghost's download) or `{ meta, data }`. */
async function readExport(open: OpenFile): Promise<GhostData> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of open()) {
    size += chunk.length
    if (size > MAX_FILE) throw new XmlFileError(`The Ghost export is larger than ${MAX_FILE / 1024 / 1024} MB`)
    chunks.push(Buffer.from(chunk))
  }
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks))
  } catch {
    throw new XmlFileError('The Ghost export is not valid UTF-8')
  }
  let json: unknown
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''))
  } catch (error) {
    throw new XmlFileError(`Not a Ghost export: not JSON (${error instanceof Error ? error.message : String(error)})`)
  }
  const root = json as { db?: { data?: unknown }[]; data?: unknown }
  const data = (Array.isArray(root?.db) ? root.db[0]?.data : root?.data) as GhostData | undefined
  if (!data || typeof data !== 'object' || !Array.isArray(data.posts)) throw new XmlFileError('Not a Ghost export: no db[0].data.posts')
  return data
}

const date = (text: string | null | undefined): Date | null => {
  if (!text) return null
  const d = new Date(text)
  return Number.isNaN(d.getTime()) ? null : d
}

const fileName = (url: string) => {
  try {
    return decodeURIComponent(new URL(url).pathname.split('/').pop() || 'image')
  } catch {
    return 'image'
  }
}

/**
 * Imports a Ghost JSON export through the writer: posts and pages (Ghost's rendered `html`, or the
 * Lexical document rendered here), tags (the primary tag — the first — becomes the section; the rest
 * stay tags; Ghost's internal `#tags` are left out), the primary author, the feature image with its
 * alt and caption. Old URLs are `{site}/{slug}/` and Ghost's `/tag/…` and `/author/…` pages.
 */
export async function importGhost(open: OpenFile, writer: ImportWriter): Promise<void> {
  const data = await readExport(open)
  const site = (data.settings?.find((s) => s.key === 'url')?.value ?? '').replace(/\/+$/, '')
  const url = (path: string) => (site ? [`${site}${path}`] : [])

  const tags = new Map<string, TermItem>()
  const internal = new Set<string>()
  for (const tag of data.tags ?? []) {
    if (tag.visibility === 'internal' || tag.name.startsWith('#')) {
      internal.add(tag.id)
      continue
    }
    tags.set(tag.id, { sourceId: `tag:${tag.id}`, slug: tag.slug, name: tag.name, description: tag.description ?? '', originalUrls: url(`/tag/${tag.slug}/`) })
  }
  const authors = new Map<string, AuthorItem>()
  for (const user of data.users ?? []) {
    authors.set(user.id, { sourceId: `author:${user.id}`, slug: user.slug, name: user.name, bio: user.bio ?? '', originalUrls: url(`/author/${user.slug}/`) })
  }
  const sorted = <T extends { post_id: string; sort_order?: number }>(rows: T[] | undefined) => {
    const by = new Map<string, T[]>()
    for (const row of rows ?? []) by.set(row.post_id, [...(by.get(row.post_id) ?? []), row])
    for (const list of by.values()) list.sort((a, b) => (a.sort_order ?? 0) - (b.sort_order ?? 0))
    return by
  }
  const tagsOf = sorted(data.posts_tags)
  const authorsOf = sorted(data.posts_authors)
  const meta = new Map((data.posts_meta ?? []).map((m) => [m.post_id, m]))
  const uncategorised: TermItem = { sourceId: 'tag:uncategorized', slug: 'uncategorized', name: 'Uncategorized', description: '', originalUrls: [] }
  const nobody: AuthorItem = { sourceId: 'author:unknown', slug: 'unknown', name: 'Unknown', bio: '', originalUrls: [] }

  for (const post of data.posts ?? []) {
    const id = `post:${post.id}`
    let html = post.html ?? ''
    if (!html && post.lexical) {
      try {
        html = lexicalToHtml(JSON.parse(post.lexical), (node) => writer.warn(id, `the Lexical node "${node}" has no HTML here: left out`))
      } catch {
        writer.warn(id, 'its Lexical document is not valid JSON: imported without a body')
      }
    } else if (!html && post.mobiledoc) writer.warn(id, 'has only a Mobiledoc body (no html): imported without a body')
    const originalUrls = url(`/${post.slug}/`)
    if (post.type === 'page') {
      await writer.page({ sourceId: id, slug: post.slug, title: post.title, html, status: post.status === 'published' ? 'published' : 'draft', bodyImages: [], originalUrls } satisfies PageItem)
      continue
    }
    const published = date(post.published_at)
    let status: ArticleItem['status']
    if (post.status === 'published') status = 'published'
    else if (post.status === 'scheduled') status = published ? 'scheduled' : 'draft'
    else if (post.status === 'draft') status = 'draft'
    else {
      // "sent": an email-only post, never on the web.
      writer.warn(id, `its status "${post.status}" is not on the web here: imported as a draft`)
      status = 'draft'
    }
    const postTags = (tagsOf.get(post.id) ?? []).filter((row) => !internal.has(row.tag_id)).map((row) => tags.get(row.tag_id)).filter((tag): tag is TermItem => tag !== undefined)
    const [primaryTag, ...rest] = postTags
    // The primary tag as a section: keyed apart from the same Ghost tag as a tag (it may be both).
    const primary = primaryTag ? { ...primaryTag, sourceId: primaryTag.sourceId.replace(/^tag:/, 'section:') } : undefined
    const byline = (authorsOf.get(post.id) ?? []).map((row) => authors.get(row.author_id)).filter((a): a is AuthorItem => a !== undefined)
    if (byline.length > 1) writer.warn(id, `has ${byline.length} authors: the first (${byline[0]!.name}) is the byline`)
    const imageMeta = meta.get(post.id)
    const featuredImage: MediaRef | null = post.feature_image
      ? { sourceId: `media:${post.feature_image}`, url: post.feature_image, filename: fileName(post.feature_image), alt: imageMeta?.feature_image_alt ?? '', caption: imageMeta?.feature_image_caption ?? null }
      : null
    await writer.article({
      sourceId: id,
      slug: post.slug,
      title: post.title,
      excerpt: post.custom_excerpt ?? '',
      html,
      status: status === 'published' && !published ? 'draft' : status,
      publishedAt: status === 'draft' ? null : published,
      createdAt: date(post.created_at),
      section: primary ?? uncategorised,
      author: byline[0] ?? nobody,
      tags: rest,
      featuredImage,
      bodyImages: [],
      commentsOpen: true,
      originalUrls,
      comments: [],
    })
  }
}
