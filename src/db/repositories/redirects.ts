import { and, eq, sql, type SQL } from 'drizzle-orm'
import type { Executor } from '../client.js'
import {
  articles,
  articleSlugRedirects,
  authors,
  authorSlugRedirects,
  pages,
  pageSlugRedirects,
  pathAliases,
  sections,
  sectionSlugRedirects,
  tags,
  tagSlugRedirects,
} from '../schema/index.js'
import { isPublicAs } from './article-reads.js'

export type ResourceKind = 'article' | 'section' | 'tag' | 'author' | 'page'
export type RedirectKind = Exclude<ResourceKind, 'article'>

/**
 * One lookup the resolver wants made: the resource of `kind` whose current slug (or id) is `key`,
 * whose old slug is `key`, or that the alias path `key` stands for. `idx` groups the lookups of
 * one website path; the lowest `rank` that finds something answers it.
 */
export interface ResolveLookup {
  idx: number
  rank: number
  kind: ResourceKind
  by: 'slug' | 'id' | 'old_slug' | 'alias'
  key: string
}

export interface ResolvedResource {
  idx: number
  rank: number
  kind: ResourceKind
  id: string
  slug: string
  publishedAt: Date | null
  sectionSlug: string | null
}

const slugRedirectTables = {
  section: { table: sectionSlugRedirects, target: sectionSlugRedirects.sectionId },
  tag: { table: tagSlugRedirects, target: tagSlugRedirects.tagId },
  author: { table: authorSlugRedirects, target: authorSlugRedirects.authorId },
  page: { table: pageSlugRedirects, target: pageSlugRedirects.pageId },
} as const

const resourceTables = { section: sections, tag: tags, author: authors, page: pages } as const

/** Columns every branch returns, for a resource row aliased `r` (articles also join their section as `s`). */
const plainColumns = (kind: ResourceKind) => sql`${kind}::text as kind, r.id, r.slug, null::timestamptz as published_at, null::text as section_slug`
const articleColumns = sql`'article'::text as kind, r.id, r.slug, r.published_at, s.slug as section_slug`

/** The resource table of a kind with its visibility rule: public articles, published pages. */
function source(kind: ResourceKind, now: Date): { from: SQL; visible: SQL } {
  if (kind === 'article') return { from: sql`${articles} r join ${sections} s on s.id = r.section_id`, visible: isPublicAs('r', now) }
  if (kind === 'page') return { from: sql`${pages} r`, visible: sql`r.status = 'published'` }
  return { from: sql`${resourceTables[kind]} r`, visible: sql`true` }
}

function branch(lookup: ResolveLookup, kind: ResourceKind, now: Date): SQL {
  const { from, visible } = source(kind, now)
  const head = sql`select ${lookup.idx}::int as idx, ${lookup.rank}::int as rank, ${kind === 'article' ? articleColumns : plainColumns(kind)}`
  switch (lookup.by) {
    case 'slug':
      return sql`${head} from ${from} where r.slug = ${lookup.key} and ${visible}`
    case 'id':
      return sql`${head} from ${from} where r.id = ${lookup.key}::uuid and ${visible}`
    case 'old_slug': {
      const redirects = kind === 'article' ? sql`${articleSlugRedirects} o on o.article_id = r.id` : sql`${slugRedirectTables[kind].table} o on o.${sql.identifier(`${kind}_id`)} = r.id`
      return sql`${head} from ${from} join ${redirects} where o.slug = ${lookup.key} and ${visible}`
    }
    case 'alias':
      return sql`${head} from ${from} join ${pathAliases} p on p.${sql.identifier(`${kind}_id`)} = r.id where p.path = ${lookup.key} and ${visible}`
  }
}

const toDate = (value: unknown) => (value === null || value === undefined ? null : value instanceof Date ? value : new Date(String(value)))

export function createRedirectRepository(db: Executor) {
  return {
    /**
     * Every lookup in one statement (each branch an index lookup on a unique key): the best find
     * per `idx`. An alias lookup is tried against every kind (its row names one).
     */
    async resolve(lookups: ResolveLookup[], now: Date): Promise<ResolvedResource[]> {
      if (lookups.length === 0) return []
      const kinds: ResourceKind[] = ['article', 'section', 'tag', 'author', 'page']
      const branches = lookups.flatMap((l) => (l.by === 'alias' ? kinds.map((k) => branch(l, k, now)) : [branch(l, l.kind, now)]))
      const result = (await db.execute(sql`
        select distinct on (c.idx) c.* from (${sql.join(branches, sql` union all `)}) c order by c.idx, c.rank
      `)) as unknown as { rows: { idx: number; rank: number; kind: ResourceKind; id: string; slug: string; published_at: unknown; section_slug: string | null }[] }
      return result.rows.map((r) => ({ idx: Number(r.idx), rank: Number(r.rank), kind: r.kind, id: r.id, slug: r.slug, publishedAt: toDate(r.published_at), sectionSlug: r.section_slug }))
    },

    /** The current slug of the section/tag/author/page an old slug belonged to (pages: when published). */
    async currentSlug(kind: RedirectKind, oldSlug: string): Promise<string | undefined> {
      const { table, target } = slugRedirectTables[kind]
      const resource = resourceTables[kind]
      const [row] = await db
        .select({ slug: resource.slug })
        .from(table)
        .innerJoin(resource, eq(resource.id, target))
        .where(kind === 'page' ? and(eq(table.slug, oldSlug), eq(pages.status, 'published')) : eq(table.slug, oldSlug))
        .limit(1)
      return row?.slug
    },

    /** Keeps `oldSlug` answering 301 for the resource; a later owner of the slug takes it over (removeSlugRedirect). */
    async addSlugRedirect(kind: RedirectKind, oldSlug: string, id: string): Promise<void> {
      const { table } = slugRedirectTables[kind]
      await db
        .insert(table)
        .values({ slug: oldSlug, [targetKey(kind)]: id } as unknown as typeof table.$inferInsert)
        .onConflictDoUpdate({ target: table.slug, set: { [targetKey(kind)]: id, createdAt: sql`now()` } })
    },

    async removeSlugRedirect(kind: RedirectKind, slug: string): Promise<void> {
      const { table } = slugRedirectTables[kind]
      await db.delete(table).where(eq(table.slug, slug))
    },

    /** The resource an alias path stands for. */
    async findAlias(path: string): Promise<{ kind: ResourceKind; id: string } | undefined> {
      const [row] = await db.select().from(pathAliases).where(eq(pathAliases.path, path)).limit(1)
      if (!row) return undefined
      const kinds = { article: row.articleId, section: row.sectionId, tag: row.tagId, author: row.authorId, page: row.pageId }
      const found = (Object.entries(kinds) as [ResourceKind, string | null][]).find(([, id]) => id !== null)
      return found ? { kind: found[0], id: found[1]! } : undefined
    },

    /** Makes `path` (normalised, see normalizeWebsitePath) stand for a resource: what an importer of old URLs writes. */
    async setAlias(path: string, kind: ResourceKind, id: string): Promise<void> {
      const target = { articleId: null, sectionId: null, tagId: null, authorId: null, pageId: null, [`${kind}Id`]: id }
      await db
        .insert(pathAliases)
        .values({ path, ...target })
        .onConflictDoUpdate({ target: pathAliases.path, set: { ...target, createdAt: sql`now()` } })
    },
  }
}

const targetKey = (kind: RedirectKind) => `${kind}Id` as const

export type RedirectRepository = ReturnType<typeof createRedirectRepository>
