import { asc, eq, sql } from 'drizzle-orm'
import type { Executor } from '../client.js'
import { articleAuthors, articles, authors } from '../schema/index.js'
import type { SocialLink } from '../schema/types.js'
import { isPublicAs } from './article-reads.js'
import { versionedWrites } from './versioned.js'

export interface AuthorRow {
  id: string
  slug: string
  version: number
  name: string
  bio: string
  website: string | null
  avatarUrl: string | null
  socialLinks: SocialLink[]
  articleCount: number
}

export function createAuthorRepository(db: Executor) {
  const columns = (now: Date) => ({
    id: authors.id,
    slug: authors.slug,
    version: authors.version,
    name: authors.name,
    bio: authors.bio,
    website: authors.website,
    avatarUrl: authors.avatarUrl,
    socialLinks: authors.socialLinks,
    // Every public article whose byline names the author, first or co-author.
    articleCount: sql<number>`(select count(*) from ${articleAuthors} aa join ${articles} a on a.id = aa.article_id where aa.author_id = "authors"."id" and ${isPublicAs('a', now)})`.mapWith(
      Number,
    ),
  })
  return {
    async list(now: Date): Promise<AuthorRow[]> {
      return db.select(columns(now)).from(authors).orderBy(asc(authors.name))
    },

    async findBySlug(slug: string, now: Date): Promise<AuthorRow | undefined> {
      const [row] = await db.select(columns(now)).from(authors).where(eq(authors.slug, slug)).limit(1)
      return row
    },

    async findById(id: string, now: Date): Promise<AuthorRow | undefined> {
      const [row] = await db.select(columns(now)).from(authors).where(eq(authors.id, id)).limit(1)
      return row
    },

    async findIdBySlug(slug: string): Promise<string | undefined> {
      const [row] = await db.select({ id: authors.id }).from(authors).where(eq(authors.slug, slug)).limit(1)
      return row?.id
    },

    async insert(values: typeof authors.$inferInsert): Promise<string> {
      const [row] = await db.insert(authors).values(values).returning({ id: authors.id })
      return row!.id
    },

    ...versionedWrites(db, authors),

  }
}

export type AuthorRepository = ReturnType<typeof createAuthorRepository>
