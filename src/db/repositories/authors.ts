import { asc, eq, sql } from 'drizzle-orm'
import type { Executor } from '../client.js'
import { articles, authors } from '../schema/index.js'
import type { SocialLink } from '../schema/types.js'
import { isPublicAs } from './article-reads.js'

export interface AuthorRow {
  id: string
  slug: string
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
    name: authors.name,
    bio: authors.bio,
    website: authors.website,
    avatarUrl: authors.avatarUrl,
    socialLinks: authors.socialLinks,
    articleCount: sql<number>`(select count(*) from ${articles} a where a.author_id = "authors"."id" and ${isPublicAs('a', now)})`.mapWith(
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
  }
}

export type AuthorRepository = ReturnType<typeof createAuthorRepository>
