import { csvObjects } from '../../../lib/csv.js'
import { XmlFileError } from '../../../lib/xml-records.js'
import { DEFAULT_MAPPING, type ArticleItem, type AuthorItem, type ImportMapping, type MediaRef, type PageItem, type RedirectItem, type TermItem } from '../model.js'
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
  /** In a full backup (Ghost's BACKUP_TABLES), not in the default content export. */
  members?: GhostMember[]
  members_newsletters?: { member_id: string; newsletter_id: string }[]
}

interface GhostMember {
  id: string
  email: string
  name?: string | null
  /** Ghost 4: one newsletter, a flag. Ghost 5+: members_newsletters rows. */
  subscribed?: boolean | number | null
  /** Set by Ghost when the address bounced or complained. */
  email_disabled?: boolean | number | null
  created_at?: string | null
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

/** The whole file as text (Ghost files are JSON, YAML or CSV, read whole: at most MAX_FILE). */
async function readText(open: OpenFile): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of open()) {
    size += chunk.length
    if (size > MAX_FILE) throw new XmlFileError(`The Ghost file is larger than ${MAX_FILE / 1024 / 1024} MB`)
    chunks.push(Buffer.from(chunk))
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks)).replace(/^\uFEFF/, '')
  } catch {
    throw new XmlFileError('The Ghost file is not valid UTF-8')
  }
}

/** The export's tables: `{ db: [{ meta, data }] }` (Ghost's download) or `{ meta, data }`. */
function exportData(json: unknown): GhostData {
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
 * stay tags; Ghost's internal `#tags` are left out), every author in the byline's order, the feature image with its
 * alt and caption. Old URLs are `{site}/{slug}/` and Ghost's `/tag/…` and `/author/…` pages.
 */
export async function importGhost(open: OpenFile, writer: ImportWriter, mapping: ImportMapping = DEFAULT_MAPPING): Promise<void> {
  const text = await readText(open)
  const start = text.trimStart()[0]
  if (start === '{' || start === '[') {
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch (error) {
      throw new XmlFileError(`Not a Ghost file: not valid JSON (${error instanceof Error ? error.message : String(error)})`)
    }
    if (Array.isArray(json)) return importRedirects(redirectsFromJson(json), writer)
    return importExport(exportData(json), writer, mapping)
  }
  const firstLine = text.slice(0, text.search(/\r?\n|$/)).toLowerCase()
  if (/^\s*30[12]\s*:/m.test(text.slice(0, 4096))) return importRedirects(await redirectsFromYaml(text), writer)
  if (/(^|,)\s*"?email"?\s*(,|$)/.test(firstLine)) return importMembersCsv(text, writer)
  throw new XmlFileError('Not a Ghost file: expected the JSON export, redirects (redirects.json or redirects.yaml) or the members CSV')
}

/** Members who had consented to Ghost's newsletter(s), as confirmed subscribers; the others are counted, not imported. */
async function importMembers(members: { sourceId: string; email: string; name: string | null; consented: boolean; disabled: boolean; createdAt: string | null | undefined }[], writer: ImportWriter): Promise<void> {
  let withoutConsent = 0
  for (const member of members) {
    if (member.disabled) {
      writer.skip('subscriber')
      writer.warn(member.sourceId, 'its address bounced or complained at Ghost (email disabled): not imported')
    } else if (!member.consented) {
      writer.skip('subscriber')
      withoutConsent++
    } else await writer.subscriber({ sourceId: member.sourceId, email: member.email, name: member.name, consentAt: date(member.createdAt) })
  }
  if (withoutConsent > 0) writer.warn('members', `${withoutConsent} member(s) not subscribed to any newsletter at Ghost: not imported as subscribers`)
}

const truthy = (value: unknown) => value === true || value === 1 || (typeof value === 'string' && /^(true|1|yes)$/i.test(value.trim()))

/** Ghost's members CSV (Members → Export): id, email, name, subscribed_to_emails, created_at, deleted_at, … */
async function importMembersCsv(text: string, writer: ImportWriter): Promise<void> {
  let parsed: ReturnType<typeof csvObjects>
  try {
    parsed = csvObjects(text)
  } catch (error) {
    throw new XmlFileError(`Not a Ghost members CSV: ${(error as Error).message}`)
  }
  if (!parsed.header.includes('email') || !parsed.header.includes('subscribed_to_emails')) throw new XmlFileError('Not a Ghost members CSV: no email and subscribed_to_emails columns')
  const live = parsed.rows.filter((row) => !row.deleted_at)
  await importMembers(
    live.map((row, i) => ({
      sourceId: `member:${row.id || row.email?.trim().toLowerCase() || `row-${i + 2}`}`,
      email: row.email ?? '',
      name: row.name || null,
      consented: truthy(row.subscribed_to_emails),
      disabled: false,
      createdAt: row.created_at,
    })),
    writer,
  )
}

/**
 * A Ghost redirect's `from` is a regular expression. Those that only spell a path (`^/old/$`,
 * `^\/old\/?$`) come in as old URLs; real patterns cannot be a path alias and are reported.
 */
export function literalRedirectPath(from: string): string | null {
  let path = from.trim().replace(/^\^/, '').replace(/\$$/, '').replace(/\/\?$/, '/')
  path = path.replace(/\\([/.\-_~])/g, '$1')
  if (/[\\^$|?*+()[\]{}]/.test(path)) return null
  return path.startsWith('/') ? path : null
}

function redirectsFromJson(json: unknown[]): { from: string; to: string; permanent: boolean }[] {
  return json.map((entry, i) => {
    const e = entry as { from?: unknown; to?: unknown; permanent?: unknown }
    if (typeof e?.from !== 'string' || typeof e?.to !== 'string') throw new XmlFileError(`Not a Ghost redirects file: entry ${i + 1} has no "from" and "to"`)
    return { from: e.from, to: e.to, permanent: e.permanent === true }
  })
}

async function redirectsFromYaml(text: string): Promise<{ from: string; to: string; permanent: boolean }[]> {
  // The YAML parser (~0.25 MB) is loaded for the files that need it, not by every start.
  const { parse: parseYaml } = await import('yaml')
  let doc: unknown
  try {
    doc = parseYaml(text, { maxAliasCount: 0, uniqueKeys: false })
  } catch (error) {
    throw new XmlFileError(`Not a Ghost redirects file: ${(error as Error).message.split('\n')[0]}`)
  }
  if (!doc || typeof doc !== 'object') throw new XmlFileError('Not a Ghost redirects file: expected 301: and 302: maps')
  const out: { from: string; to: string; permanent: boolean }[] = []
  for (const [status, map] of Object.entries(doc as Record<string, unknown>)) {
    if (status !== '301' && status !== '302') throw new XmlFileError(`Not a Ghost redirects file: "${status}" is not 301 or 302`)
    if (map === null) continue
    if (typeof map !== 'object' || Array.isArray(map)) throw new XmlFileError(`Not a Ghost redirects file: ${status} is not a map of from: to`)
    for (const [from, to] of Object.entries(map as Record<string, unknown>)) {
      if (typeof to !== 'string') throw new XmlFileError(`Not a Ghost redirects file: the target of ${from} is not a path`)
      out.push({ from, to, permanent: status === '301' })
    }
  }
  return out
}

/** Ghost's redirects (redirects.yaml or redirects.json), after its export: each literal one leads to its imported item. */
async function importRedirects(entries: { from: string; to: string; permanent: boolean }[], writer: ImportWriter): Promise<void> {
  for (const entry of entries) {
    const sourceId = `redirect:${entry.from}`
    const from = literalRedirectPath(entry.from)
    if (from === null) {
      writer.skip('redirect')
      writer.warn(sourceId, `"${entry.from}" is a pattern, not a path: not imported (add it to your web server or CDN rules)`)
      continue
    }
    const item: RedirectItem = { sourceId, from, to: entry.to }
    const id = await writer.redirect(item)
    if (id && !entry.permanent) writer.warn(sourceId, 'was temporary (302) at Ghost: it answers 301 here')
  }
}

async function importExport(data: GhostData, writer: ImportWriter, mapping: ImportMapping): Promise<void> {
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
    const [primaryTag, ...others] = postTags
    const rest = mapping.primaryTag === 'tag' ? postTags : others
    // The primary tag as a section: keyed apart from the same Ghost tag as a tag (it may be both).
    const primary = primaryTag && mapping.primaryTag === 'section' ? { ...primaryTag, sourceId: primaryTag.sourceId.replace(/^tag:/, 'section:') } : undefined
    const byline = (authorsOf.get(post.id) ?? []).map((row) => authors.get(row.author_id)).filter((a): a is AuthorItem => a !== undefined)
    const imageMeta = meta.get(post.id)
    if ((post.status === 'published' || post.status === 'scheduled') && !published) writer.warn(id, `is ${post.status} at Ghost but has no published_at: imported as a draft`)
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
      coAuthors: byline.slice(1),
      tags: rest,
      featuredImage,
      bodyImages: [],
      commentsOpen: true,
      originalUrls,
      comments: [],
    })
  }
  if (data.members) {
    const subscribed = new Set((data.members_newsletters ?? []).map((row) => row.member_id))
    await importMembers(
      data.members.map((m) => ({
        sourceId: `member:${m.id}`,
        email: m.email,
        name: m.name ?? null,
        consented: subscribed.has(m.id) || truthy(m.subscribed),
        disabled: truthy(m.email_disabled),
        createdAt: m.created_at,
      })),
      writer,
    )
  }
}
