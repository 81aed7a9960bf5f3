import { createHash } from 'node:crypto'
import { sql, type SQL } from 'drizzle-orm'
import { PgDialect } from 'drizzle-orm/pg-core'
import pg from 'pg'
import type { Executor } from '../client.js'
import { articleRelatedLists, articleRelatedPins, articles, articleTags, authors, relatedPools, sections, tags } from '../schema/index.js'
import { driverTypes } from '../hot/driver.js'
import { isPublicAs, summaryColumns, type ArticleSummaryRow } from './article-reads.js'

export interface RelatedWeights {
  tags: number
  text: number
  section: number
  recency: number
  /** Days for recency to halve. */
  halfLifeDays: number
}

export interface RelatedRow extends ArticleSummaryRow {
  pinned: boolean
  total: number
  tags: ArticleSummaryRow['tags']
  parts: { tags: number; text: number; section: number; recency: number; sharedTags: string[] }
}

export interface RelatedOptions {
  limit: number
  perTag: number
  perSection: number
  latest: number
  totalPublic: number
  weights: RelatedWeights
}

/** Candidates kept per precomputed list: the largest `limit` a reader may ask for. */
export const RELATED_LIST_SIZE = 24
/** A precomputed list is recomputed at least this often (recency and tag rarity drift slowly). */
const LIST_MAX_AGE = '1 day'

/**
 * The source (by slug or id) and its tags with their rarity (IDF, from tags.usage_count).
 * `words`: the source's title/excerpt words as one OR query, for text similarity.
 */
function sourceCtes(where: SQL, now: Date, n: number): SQL {
  return sql`
    src as (
      select w.*, ts_rank(w.search_head, w.words) as self_rank from (
        select a.id, a.section_id, a.search_head,
          (select to_tsquery('simple', coalesce(string_agg(quote_literal(x), ' | '), '')) from unnest(tsvector_to_array(a.search_head)) x) as words
        from ${articles} a where ${where} and ${isPublicAs('a', now)}
      ) w
    ),
    src_tags as (
      select t.id as tag_id, t.slug, ln((${n}::float8 + 1) / (greatest(t.usage_count, 1) + 1)) + 1 as idf
      from ${articleTags} st join ${tags} t on t.id = st.tag_id
      where st.article_id = (select id from src)
    )`
}

/** The newest public articles of each of the source's tags and of its section (indexes only). */
function tagAndSectionPool(now: Date, o: RelatedOptions, when: SQL = sql`true`): SQL {
  return sql`
    select c.article_id as id from src_tags st cross join lateral (
      select x.article_id from ${articleTags} x
      where x.tag_id = st.tag_id and x.published_at is not null and x.published_at <= ${now.toISOString()}::timestamptz
      order by x.published_at desc nulls first, x.article_id desc nulls first
      limit ${o.perTag}
    ) c where ${when}
    union
    select s.id from (
      select a.id from ${articles} a
      where a.section_id = (select section_id from src) and ${isPublicAs('a', now)}
      order by a.published_at desc, a.id desc limit ${o.perSection}
    ) s where ${when}`
}

/**
 * Each candidate of `pool` (but the source and `excluded`) scored on four signals normalised to
 * 0..1, weighted: tags (the IDF of the tags it shares, over the source's), text (ts_rank of its
 * title/excerpt against the source's words, over the source's own), section (1 when the same) and
 * recency (halves every `halfLifeDays`). Ordered best first, `limit` of them.
 */
function rankedCtes(now: Date, o: RelatedOptions, excluded: SQL, limit: SQL): SQL {
  const w = o.weights
  const at = now.toISOString()
  return sql`
    parts as (
      select a.id, a.published_at,
        least(coalesce(tw.weight, 0) / nullif((select sum(idf) from src_tags), 0), 1) as tags,
        least(ts_rank(a.search_head, src.words) / nullif(src.self_rank, 0), 1) as text,
        (a.section_id = src.section_id)::int as section,
        power(0.5, greatest(extract(epoch from (${at}::timestamptz - a.published_at)), 0) / 86400 / ${w.halfLifeDays}::float8) as recency,
        coalesce(tw.slugs, '{}') as shared_tags
      from pool join ${articles} a on a.id = pool.id cross join src
      left join lateral (
        select sum(st.idf) as weight, array_agg(st.slug order by st.idf desc) as slugs
        from ${articleTags} x join src_tags st on st.tag_id = x.tag_id
        where x.article_id = a.id
      ) tw on true
      where a.id <> src.id and a.id not in (${excluded}) and ${isPublicAs('a', now)}
    ),
    ranked as (
      select *, ${w.tags}::float8 * coalesce(tags, 0) + ${w.text}::float8 * coalesce(text, 0) + ${w.section}::float8 * section + ${w.recency}::float8 * recency as total
      from parts order by total desc, published_at desc, id desc
      limit ${limit}
    )`
}

/**
 * Related Posts from indexes only (never a scan of all articles). The candidates are the newest
 * public articles of each of the source's tags and of its section — ranked ahead of time into the
 * source's list (article_related_lists) — and the newest of the site, ranked at each read. Pinned
 * articles come first, in pin order.
 *
 * Ranking the tag and section pools (hundreds of candidates) is what costs; the read ranks the
 * list's RELATED_LIST_SIZE best of them with the site's latest instead, which gives the same
 * answer: a candidate below the list's last can never reach the top `limit` ≤ RELATED_LIST_SIZE
 * (pins only take places away). A list is used only while its pools are unchanged since it was
 * ranked (`seen`, stamped by triggers) and `valid_until` has not passed; otherwise the read ranks
 * the pools itself. Between rankings only recency (scored at read time) and tag rarity drift.
 */
const dialect = new PgDialect()

export function createRelatedRepository(db: Executor) {
  // On node-postgres, as named prepared statements (their text depends only on the options' shape):
  // planning these statements cost more than running them.
  const client = (db as { $client?: unknown }).$client
  const pool = client instanceof pg.Pool ? client : undefined
  async function run(query: SQL): Promise<{ rows: Record<string, unknown>[] }> {
    if (!pool) return (await db.execute(query)) as unknown as { rows: Record<string, unknown>[] }
    const { sql: text, params } = dialect.sqlToQuery(query)
    const name = `newsroom_related_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`
    return pool.query({ name, text, values: params, types: driverTypes })
  }

  const validList = (now: Date) => sql`
    select l.candidate_ids from ${articleRelatedLists} l
    where l.article_id = (select id from src) and l.valid_until > ${now.toISOString()}::timestamptz
      and l.seen >= (select coalesce(max(p.changed), 0) from ${relatedPools} p
        where p.id = any(array[(select id from src), (select section_id from src)] || array(select tag_id from src_tags)))`

  return {
    /** Returns nothing when the slug is not public. `useList: false` ranks the pools whatever the list says. */
    async related(slug: string, now: Date, options: RelatedOptions & { useList?: boolean }): Promise<RelatedRow[]> {
      const useList = options.useList !== false && options.limit <= RELATED_LIST_SIZE
      const summary = sql.join(
        Object.entries(summaryColumns).map(([key, column]) => sql`${column} as ${sql.identifier(key)}`),
        sql`, `,
      )
      const result = await run(sql`
        with ${sourceCtes(sql`a.slug = ${slug}`, now, Math.max(options.totalPublic, 1))},
        list as materialized (${useList ? validList(now) : sql`select null::uuid[] as candidate_ids where false`}),
        pins as (
          select p.related_article_id as id, p.position
          from ${articleRelatedPins} p join ${articles} a on a.id = p.related_article_id
          where p.article_id = (select id from src) and ${isPublicAs('a', now)}
          order by p.position limit ${options.limit}::int
        ),
        pool as (
          select unnest(candidate_ids) as id from list
          union
          ${tagAndSectionPool(now, options, sql`not exists (select 1 from list)`)}
          union
          select l.id from (
            select a.id from ${articles} a where ${isPublicAs('a', now)}
            order by a.published_at desc, a.id desc limit ${options.latest}
          ) l
        ),
        ${rankedCtes(now, options, sql`select id from pins`, sql`${options.limit}::int - (select count(*) from pins)`)},
        chosen as (
          select id, true as pinned, position as ord, 1.0::float8 as total, 0::float8 as tags, 0::float8 as text, 0 as section, 0::float8 as recency, '{}'::text[] as shared_tags from pins
          union all
          select id, false, 1000 + row_number() over (order by total desc, published_at desc, id desc), total, coalesce(tags, 0), coalesce(text, 0), section, recency, shared_tags from ranked
        )
        select ${summary}, chosen.pinned, chosen.total, chosen.tags as part_tags, chosen.text as part_text, chosen.section as part_section,
          chosen.recency as part_recency, chosen.shared_tags
        from chosen
        join ${articles} on ${articles.id} = chosen.id
        join ${sections} on ${sections.id} = ${articles.sectionId}
        join ${authors} on ${authors.id} = ${articles.authorId}
        order by chosen.ord
      `)
      return result.rows.map((r) => ({
        ...(r as unknown as ArticleSummaryRow),
        publishedAt: new Date(r.publishedAt as string),
        updatedAt: new Date(r.updatedAt as string),
        readingTimeMinutes: Number(r.readingTimeMinutes),
        commentCount: Number(r.commentCount),
        pinned: Boolean(r.pinned),
        total: Number(r.total),
        parts: {
          tags: Number(r.part_tags),
          text: Number(r.part_text),
          section: Number(r.part_section),
          recency: Number(r.part_recency),
          sharedTags: (r.shared_tags as string[] | null) ?? [],
        },
      }))
    },

    /**
     * Ranks one article's tag and section pools into its list (nothing when it is not public), with
     * the pools' newest change it saw — in the same statement, so a change committed after it makes
     * the list invalid — and valid until the next scheduled publication in those pools, or a day.
     */
    async computeList(articleId: string, now: Date, options: Omit<RelatedOptions, 'limit' | 'latest'>): Promise<void> {
      const at = now.toISOString()
      const o = { ...options, limit: RELATED_LIST_SIZE, latest: 0 }
      await run(sql`
        with ${sourceCtes(sql`a.id = ${articleId}::uuid`, now, Math.max(options.totalPublic, 1))},
        pool as (${tagAndSectionPool(now, o)}),
        ${rankedCtes(now, o, sql`select null::uuid where false`, sql`${RELATED_LIST_SIZE}::int`)},
        due as (
          select least(
            (select min(d.published_at) from src_tags st cross join lateral (
              select x.published_at from ${articleTags} x where x.tag_id = st.tag_id and x.published_at > ${at}::timestamptz
              order by x.published_at desc nulls first, x.article_id desc nulls first limit 1
            ) d),
            (select a.published_at from ${articles} a where a.section_id = (select section_id from src) and a.status in ('published', 'scheduled') and a.published_at > ${at}::timestamptz
              order by a.published_at desc nulls first, a.id desc nulls first limit 1)
          ) as at
        )
        insert into ${articleRelatedLists} (article_id, candidate_ids, seen, valid_until, computed_at)
        select src.id,
          coalesce((select array_agg(id order by total desc, published_at desc, id desc) from ranked), '{}'),
          (select coalesce(max(p.changed), 0) from ${relatedPools} p
            where p.id = any(array[src.id, src.section_id] || array(select tag_id from src_tags))),
          least((select at from due), ${at}::timestamptz + interval '${sql.raw(LIST_MAX_AGE)}'),
          ${at}::timestamptz
        from src
        on conflict (article_id) do update set candidate_ids = excluded.candidate_ids, seen = excluded.seen,
          valid_until = excluded.valid_until, computed_at = excluded.computed_at
      `)
    },

    /** The newest pool stamp: a pass that starts from it needs only look at pools stamped later. */
    async newestStamp(): Promise<number> {
      const result = await run(sql`select coalesce(max(changed), 0) as n from ${relatedPools}`)
      return Number(result.rows[0]?.n ?? 0)
    },

    /**
     * Up to `limit` public articles whose list is missing or no longer valid, newest first after
     * `after` (a pass over every article goes on from where the last batch ended). With
     * `changedSince`, only articles of pools stamped after it (a pass after a change).
     */
    async listsToCompute(now: Date, after: { at: string; id: string } | null, limit: number, changedSince?: number): Promise<{ id: string; at: string }[]> {
      const at = now.toISOString()
      const touched =
        changedSince === undefined
          ? sql``
          : sql`and a.id in (
              select p.id from ${relatedPools} p where p.changed > ${changedSince}
              union select s.id from ${relatedPools} p join ${articles} s on s.section_id = p.id where p.changed > ${changedSince}
              union select x.article_id from ${relatedPools} p join ${articleTags} x on x.tag_id = p.id where p.changed > ${changedSince})`
      const result = (await run(sql`
        select a.id, a.published_at as at from ${articles} a
        left join ${articleRelatedLists} l on l.article_id = a.id
        where ${isPublicAs('a', now)} ${touched}
          ${after ? sql`and (a.published_at, a.id) < (${after.at}::timestamptz, ${after.id}::uuid)` : sql``}
          and (l.article_id is null or l.valid_until <= ${at}::timestamptz
            or l.seen < (select coalesce(max(p.changed), 0) from ${relatedPools} p
              where p.id = any(array[a.id, a.section_id] || array(select x.tag_id from ${articleTags} x where x.article_id = a.id))))
        order by a.published_at desc, a.id desc limit ${limit}
      `)) as unknown as { rows: { id: string; at: string | Date }[] }
      return result.rows.map((r) => ({ id: r.id, at: new Date(r.at).toISOString() }))
    },
  }
}

export type RelatedRepository = ReturnType<typeof createRelatedRepository>
