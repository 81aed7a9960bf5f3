import type { Repositories, UnitOfWork } from '../db/repositories/index.js'
import type { RedirectKind } from '../db/repositories/redirects.js'
import { isUniqueViolation } from '../db/errors.js'
import { AppError } from '../errors.js'
import type { Clock } from '../lib/clock.js'
import type { AuthorBody, SectionBody, TagBody } from '../schemas/content.js'
import { forbid, isStaff, type Actor } from './actor.js'
import { audit } from './audit.js'
import type { ContentEvents } from './events.js'
import type { Permalinks } from './permalinks.js'
import { createContentWriter } from './webhook-events.js'
import { presentAuthor, presentSection, presentTag } from './presenters.js'
import { slugFromName } from './slugs.js'
import { changedMeanwhile, checkVersion, expectedVersion, type Precondition } from './preconditions.js'

/** A taxonomy item as the admin answers it: the public representation and its version (the ETag). */
export interface Versioned<T> {
  value: T
  version: number
}

export interface SectionInput {
  name?: string | undefined
  slug?: string | undefined
  description?: string | undefined
}
export interface TagInput {
  name?: string | undefined
  slug?: string | undefined
  description?: string | undefined
}
export interface AuthorInput {
  name?: string | undefined
  slug?: string | undefined
  bio?: string | undefined
  website?: string | null | undefined
  avatar_url?: string | null | undefined
  social_links?: { network: string; url: string }[] | undefined
}

function taken(kind: string, slug: string): never {
  throw new AppError('SLUG_TAKEN', `Another ${kind} uses the slug "${slug}"`, { invalidParams: [{ name: 'body.slug', reason: 'already in use' }] })
}

async function guardSlug<T>(kind: string, slug: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write()
  } catch (error) {
    if (isUniqueViolation(error)) taken(kind, slug)
    throw error
  }
}

export function createTaxonomyAdmin(deps: { uow: UnitOfWork; clock: Clock; events: ContentEvents; permalinks: Permalinks; kickOutbox: () => void }) {
  const { uow, clock } = deps
  const write = createContentWriter(deps)

  async function section(repos: Repositories, slug: string) {
    const row = await repos.sections.findBySlug(slug, clock.now())
    if (!row) throw new AppError('NOT_FOUND', `No section has the slug "${slug}"`)
    return row
  }
  async function tag(repos: Repositories, slug: string) {
    const row = await repos.tags.findBySlug(slug, clock.now())
    if (!row) throw new AppError('NOT_FOUND', `No tag has the slug "${slug}"`)
    return row
  }
  async function author(repos: Repositories, slug: string) {
    const row = await repos.authors.findBySlug(slug, clock.now())
    if (!row) throw new AppError('NOT_FOUND', `No author has the slug "${slug}"`)
    return row
  }
  /** The old slug keeps answering 301 (public GET and resolve); the new one stops redirecting anywhere. */
  async function moveSlug(repos: Repositories, kind: RedirectKind, id: string, from: string, to: string): Promise<void> {
    if (from === to) return
    await repos.redirects.removeSlugRedirect(kind, to)
    await repos.redirects.addSlugRedirect(kind, from, id)
  }

  return {
    async createSection(actor: Actor, input: SectionInput & { name: string }): Promise<Versioned<SectionBody>> {
      const slug = slugFromName(input.slug, input.name)
      return write('section.created', slug, async (repos, links) => {
        if (await repos.sections.findIdBySlug(slug)) taken('section', slug)
        await guardSlug('section', slug, async () =>
          repos.sections.insert({ slug, name: input.name, description: input.description ?? '', position: await repos.sections.nextPosition() }),
        )
        await audit(repos, actor, { action: 'section.create', entityType: 'section', entityId: slug, summary: `Created section ${input.name}` })
        const row = await section(repos, slug)
        const value = presentSection(row, links)
        return { value: { value, version: row.version }, data: { current: value, previous: null } }
      })
    },

    async updateSection(actor: Actor, slug: string, precondition: Precondition, input: SectionInput): Promise<Versioned<SectionBody>> {
      return write('section.updated', slug, async (repos, links) => {
        const current = await section(repos, slug)
        checkVersion('section', current, precondition)
        const newSlug = input.slug ?? slug
        if (newSlug !== slug && (await repos.sections.findIdBySlug(newSlug))) taken('section', newSlug)
        const written = await guardSlug('section', newSlug, () => repos.sections.update(current.id, expectedVersion(current, precondition), { name: input.name, slug: input.slug, description: input.description }))
        if (!written) changedMeanwhile('section')
        await moveSlug(repos, 'section', current.id, slug, newSlug)
        await audit(repos, actor, { action: 'section.update', entityType: 'section', entityId: newSlug, summary: `Updated section ${slug}`, changes: { ...input } })
        const row = await section(repos, newSlug)
        const value = presentSection(row, links)
        return { value: { value, version: row.version }, data: { current: value, previous: presentSection(current, links) } }
      })
    },

    /** Sets the navigation order: `slugs` must list every section exactly once. */
    async reorderSections(actor: Actor, slugs: string[]): Promise<SectionBody[]> {
      return write('section.reordered', slugs.join(','), async (repos, links) => {
        const before = await repos.sections.list(clock.now())
        const existing = before.map((s) => s.slug)
        const given = new Set(slugs)
        if (given.size !== slugs.length || given.size !== existing.length || existing.some((s) => !given.has(s))) {
          throw new AppError('UNPROCESSABLE', `List every section exactly once: ${existing.join(', ')}`, {
            invalidParams: [{ name: 'body.sections', reason: 'must be a permutation of all section slugs' }],
          })
        }
        for (const [position, slug] of slugs.entries()) await repos.sections.setPosition(slug, position)
        await audit(repos, actor, { action: 'section.reorder', entityType: 'section', summary: `Reordered sections: ${slugs.join(', ')}` })
        const value = (await repos.sections.list(clock.now())).map((row) => presentSection(row, links))
        return { value, data: { current: value, previous: before.map((row) => presentSection(row, links)) } }
      })
    },

    /** Refused while articles use the section, unless they are moved to `moveTo` first. */
    async deleteSection(actor: Actor, slug: string, precondition: Precondition, moveTo: string | undefined): Promise<void> {
      await write('section.deleted', slug, async (repos, links) => {
        const current = await section(repos, slug)
        checkVersion('section', current, precondition)
        const inUse = await repos.articles.countBySection(current.id)
        if (inUse > 0) {
          if (!moveTo) throw new AppError('IN_USE', `${inUse} article(s) are in "${slug}": pass move_to=<section> to move them first`)
          if (moveTo === slug) throw new AppError('UNPROCESSABLE', 'move_to must name another section')
          const target = await repos.sections.findIdBySlug(moveTo)
          if (!target) throw new AppError('UNPROCESSABLE', `No section has the slug "${moveTo}"`, { invalidParams: [{ name: 'querystring.move_to', reason: 'unknown section' }] })
          await repos.articles.moveSection(current.id, target)
        }
        if (!(await repos.sections.delete(current.id, expectedVersion(current, precondition)))) changedMeanwhile('section')
        await audit(repos, actor, { action: 'section.delete', entityType: 'section', entityId: slug, summary: `Deleted section ${slug}${inUse ? `, moved ${inUse} article(s) to ${moveTo}` : ''}` })
        return { value: undefined, data: { current: null, previous: presentSection(current, links) } }
      })
    },

    async listTags(): Promise<TagBody[]> {
      const links = await deps.permalinks.get()
      return (await uow.repos.tags.list(clock.now(), { order: 'name', limit: 10000, offset: 0 })).map((row) => presentTag(row, links))
    },

    async createTag(actor: Actor, input: TagInput & { name: string }): Promise<Versioned<TagBody>> {
      const slug = slugFromName(input.slug, input.name)
      return write('tag.created', slug, async (repos, links) => {
        if (await repos.tags.findIdBySlug(slug)) taken('tag', slug)
        await guardSlug('tag', slug, () => repos.tags.insert({ slug, name: input.name, description: input.description ?? '' }))
        await audit(repos, actor, { action: 'tag.create', entityType: 'tag', entityId: slug, summary: `Created tag ${input.name}` })
        const row = await tag(repos, slug)
        const value = presentTag(row, links)
        return { value: { value, version: row.version }, data: { current: value, previous: null } }
      })
    },

    async updateTag(actor: Actor, slug: string, precondition: Precondition, input: TagInput): Promise<Versioned<TagBody>> {
      return write('tag.updated', slug, async (repos, links) => {
        const current = await tag(repos, slug)
        checkVersion('tag', current, precondition)
        const newSlug = input.slug ?? slug
        if (newSlug !== slug && (await repos.tags.findIdBySlug(newSlug))) taken('tag', newSlug)
        const written = await guardSlug('tag', newSlug, () => repos.tags.update(current.id, expectedVersion(current, precondition), { name: input.name, slug: input.slug, description: input.description }))
        if (!written) changedMeanwhile('tag')
        await moveSlug(repos, 'tag', current.id, slug, newSlug)
        await audit(repos, actor, { action: 'tag.update', entityType: 'tag', entityId: newSlug, summary: `Updated tag ${slug}`, changes: { ...input } })
        const row = await tag(repos, newSlug)
        const value = presentTag(row, links)
        return { value: { value, version: row.version }, data: { current: value, previous: presentTag(current, links) } }
      })
    },

    /** Removes the tag from its articles too. */
    async deleteTag(actor: Actor, slug: string, precondition: Precondition): Promise<void> {
      await write('tag.deleted', slug, async (repos, links) => {
        const current = await tag(repos, slug)
        checkVersion('tag', current, precondition)
        if (!(await repos.tags.delete(current.id, expectedVersion(current, precondition)))) changedMeanwhile('tag')
        await audit(repos, actor, { action: 'tag.delete', entityType: 'tag', entityId: slug, summary: `Deleted tag ${slug} (${current.articleCount} published article(s) used it)` })
        return { value: undefined, data: { current: null, previous: presentTag(current, links) } }
      })
    },

    async createAuthor(actor: Actor, input: AuthorInput & { name: string }): Promise<Versioned<AuthorBody>> {
      const slug = slugFromName(input.slug, input.name)
      return write('author.created', slug, async (repos, links) => {
        if (await repos.authors.findIdBySlug(slug)) taken('author', slug)
        await guardSlug('author', slug, () =>
          repos.authors.insert({
            slug,
            name: input.name,
            bio: input.bio ?? '',
            website: input.website ?? null,
            avatarUrl: input.avatar_url ?? null,
            socialLinks: input.social_links ?? [],
          }),
        )
        await audit(repos, actor, { action: 'author.create', entityType: 'author', entityId: slug, summary: `Created author ${input.name}` })
        const row = await author(repos, slug)
        const value = presentAuthor(row, links)
        return { value: { value, version: row.version }, data: { current: value, previous: null } }
      })
    },

    /** Staff edit any profile; authors and contributors edit the one linked to their account. */
    async updateAuthor(actor: Actor, slug: string, precondition: Precondition, input: AuthorInput): Promise<Versioned<AuthorBody>> {
      return write('author.updated', slug, async (repos, links) => {
        const current = await author(repos, slug)
        if (!isStaff(actor) && current.id !== actor.authorId) forbid('You can only edit your own author profile')
        checkVersion('author', current, precondition)
        if (!isStaff(actor) && input.slug !== undefined && input.slug !== slug) forbid('Only editors can change an author slug')
        const newSlug = input.slug ?? slug
        if (newSlug !== slug && (await repos.authors.findIdBySlug(newSlug))) taken('author', newSlug)
        const written = await guardSlug('author', newSlug, () =>
          repos.authors.update(current.id, expectedVersion(current, precondition), {
            name: input.name,
            slug: input.slug,
            bio: input.bio,
            website: input.website,
            avatarUrl: input.avatar_url,
            socialLinks: input.social_links,
          }),
        )
        if (!written) changedMeanwhile('author')
        await moveSlug(repos, 'author', current.id, slug, newSlug)
        await audit(repos, actor, { action: 'author.update', entityType: 'author', entityId: newSlug, summary: `Updated author ${slug}`, changes: { fields: Object.keys(input) } })
        const row = await author(repos, newSlug)
        const value = presentAuthor(row, links)
        return { value: { value, version: row.version }, data: { current: value, previous: presentAuthor(current, links) } }
      })
    },

    async deleteAuthor(actor: Actor, slug: string, precondition: Precondition, reassignTo: string | undefined): Promise<void> {
      await write('author.deleted', slug, async (repos, links) => {
        const current = await author(repos, slug)
        checkVersion('author', current, precondition)
        const inUse = await repos.articles.countByAuthor(current.id)
        if (inUse > 0) {
          if (!reassignTo) throw new AppError('IN_USE', `${inUse} article(s) are by "${slug}": pass reassign_to=<author> to move them first`)
          const target = reassignTo === slug ? undefined : await repos.authors.findIdBySlug(reassignTo)
          if (!target) throw new AppError('UNPROCESSABLE', `reassign_to must name another existing author`, { invalidParams: [{ name: 'querystring.reassign_to', reason: 'unknown author' }] })
          await repos.articles.reassignAuthor(current.id, target)
        }
        if (!(await repos.authors.delete(current.id, expectedVersion(current, precondition)))) changedMeanwhile('author')
        await audit(repos, actor, { action: 'author.delete', entityType: 'author', entityId: slug, summary: `Deleted author ${slug}` })
        return { value: undefined, data: { current: null, previous: presentAuthor(current, links) } }
      })
    },
  }
}

export type TaxonomyAdmin = ReturnType<typeof createTaxonomyAdmin>
