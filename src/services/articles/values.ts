import type { ArticleRecord, ArticleValues } from '../../db/repositories/articles.js'
import type { Repositories } from '../../db/repositories/index.js'
import { parseStrictDate } from '../../lib/dates.js'
import { mediaReferences, renderBody, type BodyImage } from '../../lib/markdown.js'
import { slugify } from '../../lib/slugify.js'
import type { Actor } from '../actor.js'
import { bodyImageOf } from '../media/library.js'
import type { ArticleInput } from './input.js'
import { authorize, autoExcerpt, unprocessable } from './rules.js'
import { checkReviewTransition, nextWorkflowState } from './workflow.js'

/** An assignee is an active editor (or admin): a user id that is not one is a 422 naming it. */
async function assigneeId(repos: Repositories, id: string | null): Promise<string | null> {
  if (id === null) return null
  const user = await repos.users.findById(id)
  if (!user || user.disabled) unprocessable('assignee', `No active account has the id ${id}`)
  if (user.role !== 'editor' && user.role !== 'admin') unprocessable('assignee', `${user.name} is ${user.role === 'author' ? 'an' : 'a'} ${user.role}: articles are assigned to editors`)
  return user.id
}

/** The media library images a body references, resolved (an unknown id is a 422). */
async function bodyImages(repos: Repositories, source: string): Promise<Map<string, BodyImage>> {
  const ids = mediaReferences(source)
  const rows = await repos.media.findByIds(ids)
  const missing = ids.filter((id) => !rows.some((r) => r.id === id))
  if (missing.length > 0) unprocessable('body', `No media item has the id ${missing.join(', ')}`)
  return new Map(rows.map((r) => [r.id, bodyImageOf(r)]))
}

/**
 * The byline the write asks for, as author ids in order; undefined when it names none. `authors`
 * replaces the whole byline; `author` alone (the single-author field) replaces the first author and
 * keeps the co-authors, so a client that only knows `author` never drops them.
 */
async function byline(repos: Repositories, current: ArticleRecord | null, input: ArticleInput): Promise<string[] | undefined> {
  if (input.authors !== undefined && input.author !== undefined) unprocessable('authors', 'Send either `author` (the first author) or `authors` (the whole byline), not both')
  if (input.authors !== undefined) {
    const slugs = input.authors
    const repeated = slugs.findIndex((slug, i) => slugs.indexOf(slug) !== i)
    if (repeated >= 0) unprocessable(`authors.${repeated}`, `"${slugs[repeated]}" is named twice in the byline`)
    const ids: string[] = []
    for (const [i, slug] of slugs.entries()) ids.push((await repos.authors.findIdBySlug(slug)) ?? unprocessable(`authors.${i}`, `No author has the slug "${slug}"`))
    return ids
  }
  if (input.author !== undefined) {
    const first = (await repos.authors.findIdBySlug(input.author)) ?? unprocessable('author', `No author has the slug "${input.author}"`)
    return [first, ...(current?.authors ?? []).map((a) => a.id).filter((id) => id !== first)]
  }
  return undefined
}

/** Turns the input into column values, resolving slugs to ids and applying the workflow. */
export async function articleValues(repos: Repositories, actor: Actor, current: ArticleRecord | null, input: ArticleInput, now: Date) {
  const values: ArticleValues = {}
  let bodyMediaIds: string[] | undefined
  if (input.title !== undefined) values.title = input.title.trim()
  if (input.excerpt !== undefined) values.excerpt = input.excerpt.trim()
  if (input.body !== undefined || input.body_format !== undefined) {
    const format = input.body_format ?? current?.bodyFormat ?? 'markdown'
    const source = input.body ?? current?.bodySource ?? ''
    const images = await bodyImages(repos, source)
    bodyMediaIds = [...images.keys()]
    const body = await renderBody(source, format, images)
    Object.assign(values, { bodyFormat: format, bodySource: source, bodyHtml: body.html, bodyText: body.text, wordCount: body.wordCount, readingTimeMinutes: body.readingTimeMinutes })
    if (!current && input.excerpt === undefined) values.excerpt = autoExcerpt(body.text)
  }
  if (input.featured_image !== undefined) {
    const image = input.featured_image
    if (image && 'media_id' in image) {
      const item = (await repos.media.findById(image.media_id)) ?? unprocessable('featured_image.media_id', `No media item has the id ${image.media_id}`)
      // The URL is kept too (it never changes: content-hashed), so feeds and og:image need no lookup.
      Object.assign(values, {
        featuredMediaId: item.id,
        featuredImageUrl: item.url,
        featuredImageAlt: image.alt ?? null, // "" is kept: a decorative image, not the item's alt
        featuredImageCaption: image.caption ?? null,
        featuredImageCredit: image.credit ?? null,
      })
    } else {
      Object.assign(values, {
        featuredMediaId: null,
        featuredImageUrl: image?.url ?? null,
        featuredImageAlt: image?.alt ?? null,
        featuredImageCaption: image?.caption ?? null,
        featuredImageCredit: image?.credit ?? null,
      })
    }
  }
  if (input.section !== undefined) {
    values.sectionId = (await repos.sections.findIdBySlug(input.section)) ?? unprocessable('section', `No section has the slug "${input.section}"`)
  }
  const authorIds = await byline(repos, current, input)
  if (authorIds) values.authorId = authorIds[0]
  if (input.seo) {
    const seo = input.seo
    if (seo.meta_title !== undefined) values.seoMetaTitle = seo.meta_title
    if (seo.meta_description !== undefined) values.seoMetaDescription = seo.meta_description
    if (seo.canonical_url !== undefined) values.seoCanonicalUrl = seo.canonical_url
    if (seo.og_image !== undefined) values.seoOgImage = seo.og_image
  }
  if (input.comments_open !== undefined) values.commentsOpen = input.comments_open
  if (input.newsletter !== undefined) values.newsletter = input.newsletter
  if (input.featured !== undefined) values.featured = input.featured
  if (input.breaking_until !== undefined) {
    const until = input.breaking_until === null ? null : (parseStrictDate(input.breaking_until) ?? unprocessable('breaking_until', 'is not a valid date-time'))
    if (until && until <= now) unprocessable('breaking_until', 'must be in the future (null ends breaking news)')
    values.breakingUntil = until
  }

  let publishedAt: Date | null | undefined
  if (input.published_at !== undefined) {
    publishedAt = input.published_at === null ? null : (parseStrictDate(input.published_at) ?? unprocessable('published_at', 'is not a valid date-time'))
  }
  authorize(actor, current, input, authorIds)
  if (input.assignee !== undefined) values.assigneeId = await assigneeId(repos, input.assignee)
  checkReviewTransition(current?.status ?? null, input.status)
  if (input.status === 'changes_requested' && current?.status !== 'changes_requested' && !input.note?.trim()) {
    unprocessable('note', 'Say what needs changing: requesting changes needs a note')
  }
  const state = nextWorkflowState(current ? { status: current.status, publishedAt: current.publishedAt } : null, { status: input.status, publishedAt }, now)
  values.status = state.status
  values.publishedAt = state.publishedAt
  if (state.status === 'in_review' && current?.status !== 'in_review') {
    // A (re)submission joins the back of the queue.
    values.submittedAt = now
    values.submittedBy = actor.id
  }
  return { values, bodyMediaIds, authorIds }
}

/**
 * Each listed tag's slug: made from the name, or — for a name with nothing to make a slug from
 * ("Москва", "!!!") — the slug of the existing tag of that name. Such a name is never dropped
 * silently: with no tag of that name it is refused, naming the entry.
 */
async function tagSlugs(repos: Repositories, names: string[]): Promise<{ slug: string; name: string }[]> {
  const entries = names.map((raw) => ({ name: raw.trim(), slug: slugify(raw) }))
  const unslugged = entries.filter((e) => !e.slug)
  if (unslugged.length === 0) return entries
  const existing = new Map((await repos.tags.findByNames(unslugged.map((e) => e.name))).map((row) => [row.name.toLowerCase(), row.slug]))
  return entries.map((entry, index) => {
    if (entry.slug) return entry
    const slug = existing.get(entry.name.toLowerCase())
    if (!slug) unprocessable(`tags.${index}`, `"${entry.name}" has no Latin letters or digits to make a tag slug from, and no tag has this name: create the tag with a slug first (POST /v1/admin/tags)`)
    return { name: entry.name, slug }
  })
}

/** The article's rows beside its own: byline, body media, tags and pinned related articles. */
export async function applyRelations(repos: Repositories, articleId: string, input: ArticleInput, bodyMediaIds: string[] | undefined, authorIds?: string[]): Promise<void> {
  if (authorIds !== undefined) await repos.articles.setAuthors(articleId, authorIds)
  if (bodyMediaIds !== undefined) await repos.media.setBodyMedia(articleId, bodyMediaIds)
  if (input.tags !== undefined) {
    const wanted = new Map<string, string>()
    for (const { slug, name } of await tagSlugs(repos, input.tags)) if (!wanted.has(slug)) wanted.set(slug, name)
    const rows = await repos.tags.ensure([...wanted].map(([slug, name]) => ({ slug, name })))
    const idBySlug = new Map(rows.map((r) => [r.slug, r.id]))
    await repos.articles.setTags(articleId, [...wanted.keys()].map((slug) => idBySlug.get(slug)!))
  }
  if (input.related_article_ids !== undefined) {
    const ids = [...new Set(input.related_article_ids)]
    if (ids.includes(articleId)) unprocessable('related_article_ids', 'An article cannot be related to itself')
    const existing = new Set(await repos.articles.existingIds(ids))
    const missing = ids.filter((id) => !existing.has(id))
    if (missing.length > 0) unprocessable('related_article_ids', `Unknown articles: ${missing.join(', ')}`)
    await repos.articles.setRelatedPins(articleId, ids)
  }
}
