import { inArray, sql, type SQL } from 'drizzle-orm'
import type { Db, Executor } from '../client.js'
import { articles, searchTerms, sections } from '../schema/index.js'
import { filterConditions, type PublicArticleFilter } from './article-reads.js'

/**
 * How a query string becomes a tsquery. `web`: websearch_to_tsquery syntax (quoted phrases, -not,
 * or). `prefix`: every word as a prefix (search-as-you-type). `fuzzy`: the words corrected against
 * the dictionary of title words first (pg_trgm similarity: "missle" → "missile"), then as `web`.
 */
export type SearchMode = 'web' | 'prefix' | 'fuzzy'

/** Relevance is computed for this many of the newest title/excerpt matches; older ones follow by date. */
export const RANK_WINDOW = 200

/**
 * Newest-first pages come from sorting every match, or from walking the date index until the page
 * is full. Sorting reads all `matches`; the walk reads about `take × population / matches` articles
 * (one in population/matches matches). So the walk wins once matches² > take × population — a
 * density, not a count: 2,428 matches of 20,000 articles walk (~170 rows) instead of sorting 2,428.
 * The factor keeps the sort for the middle ground, where matches cluster in time and the walk
 * would pass long stretches without one.
 */
export const WALK_FACTOR = 4

export function walksDateIndex(matches: number, take: number, population: number): boolean {
  return matches * matches > WALK_FACTOR * take * Math.max(population, matches)
}

/** websearch syntax negates with a leading minus: `china -taiwan`, `-"south china sea"`. */
const NEGATION = /(^|\s)-\S/

export interface SearchPageRow {
  id: string
  rank: number
  publishedAt: Date
}

/**
 * Search facets count at most this many matches. Counting reads each match's row (for its
 * section and public state): fine for a rare word, the whole table for a common one. Beyond the
 * cap the counts are lower bounds (`exact: false`), as in Elasticsearch's track_total_hits.
 */
export const FACET_CAP = 1000

export interface SearchFacets {
  sections: { slug: string; name: string; count: number }[]
  /** False when the matches reached FACET_CAP: the counts (and their sum) are lower bounds. */
  exact: boolean
}

export interface SearchOutcome {
  facets: SearchFacets['sections']
  rows: SearchPageRow[]
}

export interface Highlight {
  id: string
  title: string
  snippet: string
}

/** Delimiters no article text contains: the service escapes the text, then turns them into <mark>. */
export const MARK_START = '\u0002'
export const MARK_END = '\u0003'

/** Words usable in a prefix tsquery: letters and digits only, so user input can never break its syntax. */
export function prefixQueryText(q: string): string | null {
  const words = q
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0)
    .slice(0, 8)
  return words.length > 0 ? words.map((w) => `${w}:*`).join(' & ') : null
}

/** In fuzzy mode `q` is already the corrected query, searched like `web`. */
function tsquery(mode: SearchMode, q: string): SQL {
  return mode === 'prefix' ? sql`to_tsquery('english', ${prefixQueryText(q) ?? ''})` : sql`websearch_to_tsquery('english', ${q})`
}

function matchCondition(mode: SearchMode, q: string): SQL {
  return sql`${articles.search} @@ ${tsquery(mode, q)}`
}

/**
 * Relevance, in two tiers. Articles whose title or excerpt matches the whole query rank by ts_rank
 * on that small vector (title A above excerpt B, length-normalised), among the RANK_WINDOW newest
 * such matches; everything else that matches (body-only matches, older title matches) follows,
 * newest first, with rank 0. So a page of results reads two short index-driven lists instead of
 * ranking every article that mentions a common word. querytree() drops negations from the ranking
 * query: `china -taiwan` ranks by "china".
 */
function rankExpression(mode: SearchMode, q: string): SQL {
  return sql`ts_rank(${articles.searchHead}, querytree(${tsquery(mode, q)})::tsquery, 1)`
}

function headMatch(mode: SearchMode, q: string): SQL {
  return sql`${articles.searchHead} @@ ${tsquery(mode, q)}`
}

export type SearchAfter = { rank: number; at: string; id: string } | { at: string; id: string }

/** `facetCap`: FACET_CAP unless a test wants a small one. */
export function createSearchRepository(db: Executor, options: { facetCap?: number } = {}) {
  const facetCap = options.facetCap ?? FACET_CAP
  async function rows(query: SQL): Promise<SearchPageRow[]> {
    const result = (await db.execute(query)) as unknown as { rows: { id: string; rank: number; published_at: string | Date }[] }
    return result.rows.map((r) => ({ id: r.id, rank: Number(r.rank), publishedAt: new Date(r.published_at) }))
  }

  return {
    /**
     * Matches per section, under every filter but the section one (the facet; it also gives the
     * total), counting at most FACET_CAP + 1 matches. The matches come from the GIN index only: the
     * inner query (fenced by `offset 0`) has the text match as its one condition and sequential
     * scans are off for the statement, so PostgreSQL never reads every row's search vector to
     * test it (it did for common words: it does not cost detoasting a vector). The filters apply
     * to the matched rows' small columns, under the inner query's alias `articles`.
     */
    async facets(q: string, mode: SearchMode, filter: PublicArticleFilter): Promise<SearchFacets> {
      const conditions = filterConditions({ ...filter, section: undefined })
      const query = sql`
        select s.slug, s.name, count(*)::int as count from (
          select ${articles.sectionId} as section_id from (
            select id, slug, section_id, author_id, status, published_at, featured, breaking_until from ${articles} where ${matchCondition(mode, q)} offset 0
          ) as ${articles} where ${sql.join(conditions, sql` and `)} limit ${facetCap + 1}
        ) m join ${sections} s on s.id = m.section_id
        group by s.slug, s.name, s.position order by count(*) desc, s.position`
      const result = (await (db as Db).transaction(async (tx) => {
        await tx.execute(sql`set local enable_seqscan = off`)
        return tx.execute(query)
      })) as unknown as { rows: { slug: string; name: string; count: number }[] }
      const sectionCounts = result.rows.map((r) => ({ slug: r.slug, name: r.name, count: Number(r.count) }))
      return { sections: sectionCounts, exact: sectionCounts.reduce((sum, f) => sum + f.count, 0) <= facetCap }
    },

    /** One page of matches (limit + 1 rows, so the caller sees whether more exist). */
    async page(
      q: string,
      mode: SearchMode,
      filter: PublicArticleFilter,
      page: { order: 'relevance' | 'newest'; limit: number; offset: number; after?: SearchAfter | undefined; total: number; exact: boolean; population: number },
    ): Promise<SearchPageRow[]> {
      const base = [...filterConditions(filter), matchCondition(mode, q)]
      // Sparse matches: sort them. Dense: walk the date index until the page is full (walksDateIndex).
      // An ORDER BY expression the index cannot serve makes PostgreSQL take the sort path whatever
      // its estimate says.
      const take = page.limit + 1 + page.offset
      // Past FACET_CAP the true count is unknown but large: walk.
      const newest = !page.exact || walksDateIndex(page.total, take, page.population) ? sql`${articles.publishedAt} desc, ${articles.id} desc` : sql`(${articles.publishedAt} + interval '0 seconds') desc, ${articles.id} desc`
      const after = page.after
      const rank = rankExpression(mode, q)
      const row = (columns: SQL, where: SQL[], order: SQL, limit: number) =>
        sql`select ${columns} from ${articles} where ${sql.join(where, sql` and `)} order by ${order} limit ${limit}`

      if (page.order === 'newest') {
        const where = [...base]
        if (after) where.push(sql`(${articles.publishedAt}, ${articles.id}) < (${after.at}::timestamptz, ${after.id}::uuid)`)
        return rows(sql`${row(sql`${articles.id} as id, ${rank} as rank, ${articles.publishedAt} as published_at`, where, newest, take)} offset ${page.offset}`)
      }

      const bound = after && 'rank' in after ? sql`(${after.rank}::real, ${after.at}::timestamptz, ${after.id}::uuid)` : undefined
      // A title/excerpt match is a match, unless the query excludes a word the body contains.
      const headWhere = [...filterConditions(filter), headMatch(mode, q)]
      if (mode !== 'prefix' && NEGATION.test(q)) headWhere.push(matchCondition(mode, q))
      const tier2Where = [...base, sql`not (${headMatch(mode, q)} and (${articles.publishedAt}, ${articles.id}) >= ((select at from edge), (select id from edge)))`]
      if (bound) tier2Where.push(sql`(0::real, ${articles.publishedAt}, ${articles.id}) < ${bound}`)
      // Every ranked row comes before every rank-0 one: when the window alone has `take` ranked rows
      // past the cursor, no rank-0 row can reach this page, and the body matches are not read at
      // all (a one-time filter). For a common word that is the first pages, where reading them
      // (each row's whole search vector, for a phrase) was most of a search.
      tier2Where.push(sql`(select count(*) from win where rank > 0 ${bound ? sql`and (rank, published_at, id) < ${bound}` : sql``}) < ${take}`)
      return rows(sql`
        with win as materialized (
          select ${articles.id} as id, ${rank} as rank, ${articles.publishedAt} as published_at
          from ${articles} where ${sql.join(headWhere, sql` and `)}
          order by ${newest} limit ${RANK_WINDOW}
        ),
        edge as (
          (select published_at as at, id from win where (select count(*) from win) >= ${RANK_WINDOW} order by published_at, id limit 1)
          union all
          select '-infinity'::timestamptz, '00000000-0000-0000-0000-000000000000'::uuid where (select count(*) from win) < ${RANK_WINDOW}
        )
        select * from (
          (select id, rank, published_at from win ${bound ? sql`where (rank, published_at, id) < ${bound}` : sql``}
           order by rank desc, published_at desc, id desc limit ${take})
          union all
          (select ${articles.id} as id, 0::real as rank, ${articles.publishedAt} as published_at from ${articles}
           where ${sql.join(tier2Where, sql` and `)}
           order by ${newest} limit ${take})
        ) t order by rank desc, published_at desc, id desc limit ${page.limit + 1} offset ${page.offset}
      `)
    },

    /**
     * The closest dictionary word for each query word that is not in the dictionary (similarity ≥
     * 0.4), or nothing when every word is known or none has a close match.
     */
    async corrections(words: string[]): Promise<Map<string, string>> {
      const candidates = [...new Set(words.map((w) => w.toLowerCase()).filter((w) => /^\p{L}{3,30}$/u.test(w)))].slice(0, 8)
      const out = new Map<string, string>()
      for (const word of candidates) {
        const result = (await db.execute(sql`
          select term from ${searchTerms}
          where term % ${word} and similarity(term, ${word}) >= 0.4 and not exists (select 1 from ${searchTerms} where term = ${word})
          order by similarity(term, ${word}) desc, term limit 1
        `)) as unknown as { rows: { term: string }[] }
        const term = result.rows[0]?.term
        if (term) out.set(word, term)
      }
      return out
    },

    /** True when the query has no searchable word (only stop words such as "the"). */
    async onlyStopWords(q: string): Promise<boolean> {
      const result = (await db.execute(sql`select numnode(websearch_to_tsquery('english', ${q})) as n`)) as unknown as { rows: { n: number }[] }
      return Number(result.rows[0]?.n ?? 0) === 0
    },

    /**
     * Highlighted title and snippet for the rows of one page only (ts_headline parses the whole text
     * it is given): the excerpt when it holds the match, else passages of the body.
     */
    async highlights(q: string, mode: SearchMode, ids: string[]): Promise<Highlight[]> {
      if (ids.length === 0) return []
      const options = `StartSel=${MARK_START}, StopSel=${MARK_END}`
      const query = tsquery(mode, q)
      const snippet = `${options}, MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "`
      return db
        .select({
          id: articles.id,
          title: sql<string>`ts_headline('english', ${articles.title}, ${query}, ${`${options}, HighlightAll=true`})`,
          snippet: sql<string>`case when to_tsvector('english', ${articles.excerpt}) @@ ${query}
            then ts_headline('english', ${articles.excerpt}, ${query}, ${`${options}, HighlightAll=true`})
            else ts_headline('english', ${articles.bodyText}, ${query}, ${snippet}) end`,
        })
        .from(articles)
        .where(inArray(articles.id, ids))
    },
  }
}

export type SearchRepository = ReturnType<typeof createSearchRepository>
