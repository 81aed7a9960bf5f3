import { sql } from 'drizzle-orm'
import type { Executor } from '../client.js'
import { articleRelatedPins, articles, articleTags, authors, sections, tags } from '../schema/index.js'
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

/**
 * Related Posts in one query, from indexes only (never a scan of all articles): the candidate
 * pool is the newest public articles of each of the source's tags (article_tags_tag_feed_idx), of
 * its section (articles_section_feed_idx) and of the site (articles_public_feed_idx). Each
 * candidate is scored on four signals normalised to 0..1, weighted by the caller:
 * - tags: the rarity weight (IDF, from tags.usage_count) of the tags it shares, over the source's;
 * - text: ts_rank of its title/excerpt against the source's title/excerpt words, over the source's own;
 * - section: 1 when in the same section;
 * - recency: halves every `halfLifeDays`.
 * Pinned articles come first, in pin order. Returns nothing when the slug is not public.
 */
export function createRelatedRepository(db: Executor) {
  return {
    async related(
      slug: string,
      now: Date,
      options: { limit: number; perTag: number; perSection: number; latest: number; totalPublic: number; weights: RelatedWeights },
    ): Promise<RelatedRow[]> {
      const at = now.toISOString()
      const w = options.weights
      const n = Math.max(options.totalPublic, 1)
      const summary = sql.join(
        Object.entries(summaryColumns).map(([key, column]) => sql`${column} as ${sql.identifier(key)}`),
        sql`, `,
      )
      const result = (await db.execute(sql`
        with src as (
          select a.id, a.section_id, a.search_head,
            (select to_tsquery('simple', coalesce(string_agg(quote_literal(x), ' | '), '')) from unnest(tsvector_to_array(a.search_head)) x) as words
          from ${articles} a where a.slug = ${slug} and ${isPublicAs('a', now)}
        ),
        src_tags as (
          select t.id as tag_id, t.slug, ln((${n}::float8 + 1) / (greatest(t.usage_count, 1) + 1)) + 1 as idf
          from ${articleTags} st join ${tags} t on t.id = st.tag_id
          where st.article_id = (select id from src)
        ),
        pins as (
          select p.related_article_id as id, p.position
          from ${articleRelatedPins} p join ${articles} a on a.id = p.related_article_id
          where p.article_id = (select id from src) and ${isPublicAs('a', now)}
          order by p.position limit ${options.limit}::int
        ),
        pool as (
          select c.article_id as id from src_tags st cross join lateral (
            select x.article_id from ${articleTags} x
            where x.tag_id = st.tag_id and x.published_at is not null and x.published_at <= ${at}::timestamptz
            order by x.published_at desc nulls first, x.article_id desc nulls first
            limit ${options.perTag}
          ) c
          union
          select s.id from (
            select a.id from ${articles} a
            where a.section_id = (select section_id from src) and ${isPublicAs('a', now)}
            order by a.published_at desc, a.id desc limit ${options.perSection}
          ) s
          union
          select l.id from (
            select a.id from ${articles} a where ${isPublicAs('a', now)}
            order by a.published_at desc, a.id desc limit ${options.latest}
          ) l
        ),
        parts as (
          select a.id, a.published_at,
            least(coalesce(tw.weight, 0) / nullif((select sum(idf) from src_tags), 0), 1) as tags,
            least(ts_rank(a.search_head, src.words) / nullif(ts_rank(src.search_head, src.words), 0), 1) as text,
            (a.section_id = src.section_id)::int as section,
            power(0.5, greatest(extract(epoch from (${at}::timestamptz - a.published_at)), 0) / 86400 / ${w.halfLifeDays}::float8) as recency,
            coalesce(tw.slugs, '{}') as shared_tags
          from pool join ${articles} a on a.id = pool.id cross join src
          left join lateral (
            select sum(st.idf) as weight, array_agg(st.slug order by st.idf desc) as slugs
            from ${articleTags} x join src_tags st on st.tag_id = x.tag_id
            where x.article_id = a.id
          ) tw on true
          where a.id <> src.id and a.id not in (select id from pins) and ${isPublicAs('a', now)}
        ),
        ranked as (
          select *, ${w.tags}::float8 * coalesce(tags, 0) + ${w.text}::float8 * coalesce(text, 0) + ${w.section}::float8 * section + ${w.recency}::float8 * recency as total
          from parts order by total desc, published_at desc, id desc
          limit ${options.limit}::int - (select count(*) from pins)
        ),
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
      `)) as unknown as { rows: Record<string, unknown>[] }
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
  }
}

export type RelatedRepository = ReturnType<typeof createRelatedRepository>
