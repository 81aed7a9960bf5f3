import type { ArticleReadRepository } from '../db/repositories/article-reads.js'
import type { RelatedRepository } from '../db/repositories/related.js'
import { createPoller } from './poller.js'
import { AppError } from '../errors.js'
import type { Clock } from '../lib/clock.js'
import type { ArticleSummaryBody } from '../schemas/content.js'
import type { Permalinks } from './permalinks.js'
import { presentArticleSummary } from './presenters.js'

/** How much each signal counts (each is normalised to 0..1 first); recency halves every year. */
export const RELATED_WEIGHTS = { tags: 0.45, text: 0.3, section: 0.15, recency: 0.1, halfLifeDays: 365 } as const
/** The candidate pool: newest articles per shared tag, of the section, and of the site. */
const POOL = { perTag: 100, perSection: 40, latest: 20 }

export interface RelatedExplanation {
  pinned: boolean
  total: number
  tags: number
  text: number
  section: number
  recency: number
  shared_tags: string[]
}

export type RelatedItem = ArticleSummaryBody & { explain?: RelatedExplanation }

const round = (value: number) => Math.round(value * 10000) / 10000

/**
 * Related Posts: the editor's pins first, then candidates ranked by tags in common weighted by
 * rarity (IDF), text similarity of title and excerpt, same section, and recency. Because the pool
 * always holds the section's and the site's latest articles, a frontend gets `limit` items whenever
 * that many public articles exist.
 */
/** The number of public articles, for IDF: counted at most once a minute (it moves slowly). */
function createTotalPublic(articles: ArticleReadRepository) {
  let total = { value: 0, at: 0 }
  return async (now: Date): Promise<number> => {
    if (now.getTime() - total.at > 60_000 || now.getTime() < total.at) total = { value: await articles.countPublic({ now }), at: now.getTime() }
    return total.value
  }
}

export function createRelatedService(deps: { related: RelatedRepository; articles: ArticleReadRepository; clock: Clock; permalinks: Permalinks }) {
  const { related, articles, clock, permalinks } = deps
  const totalPublic = createTotalPublic(articles)

  return {
    async forArticle(slug: string, options: { limit: number; explain: boolean }): Promise<{ kind: 'redirect'; slug: string } | { kind: 'items'; items: RelatedItem[] }> {
      const now = clock.now()
      const rows = await related.related(slug, now, { ...POOL, limit: options.limit, totalPublic: await totalPublic(now), weights: RELATED_WEIGHTS })
      if (rows.length === 0 && !(await articles.findPublicIdBySlug(slug, now))) {
        const moved = await articles.findRedirect(slug)
        if (moved && moved !== slug) return { kind: 'redirect', slug: moved }
        throw new AppError('NOT_FOUND', `No published article has the slug "${slug}"`)
      }
      const links = permalinks.current() ?? (await permalinks.get())
      const items = rows.map((row): RelatedItem => {
        const summary = presentArticleSummary(row, links)
        if (!options.explain) return summary
        const p = row.parts
        return {
          ...summary,
          explain: row.pinned
            ? { pinned: true, total: 1, tags: 0, text: 0, section: 0, recency: 0, shared_tags: [] }
            : { pinned: false, total: round(row.total), tags: round(p.tags), text: round(p.text), section: p.section, recency: round(p.recency), shared_tags: p.sharedTags },
        }
      })
      return { kind: 'items', items }
    },
  }
}

export type RelatedService = ReturnType<typeof createRelatedService>

/**
 * Keeps the precomputed Related Posts lists (article_related_lists) computed: passes over the
 * public articles, newest first, ranking each one whose list is missing or invalid (its pools
 * changed, or its time ran out). A pass starts at boot (the backfill), after every change this
 * process or another one made (`kick`), and every `pollMs`. Reads never wait for it: until a list
 * is ranked again, reading it ranks its pools directly, with the same answer.
 */
export function createRelatedLists(deps: {
  related: RelatedRepository
  articles: ArticleReadRepository
  clock: Clock
  log: { warn(obj: object, msg: string): void }
  pollMs: number
  batch?: number
  /**
   * Awaited before a batch is selected and before each ranking: on the embedded database, until no
   * request is in flight (Foreground.idle), since a pass over a large archive would otherwise hold
   * every read.
   */
  pause?: (() => Promise<void>) | undefined
}) {
  const { related, articles, clock } = deps
  const batch = deps.batch ?? 50
  const pause = deps.pause ?? (() => Promise.resolve())
  const totalPublic = createTotalPublic(articles)
  // A pass: everything (boot, the timer), or after a change only the articles of pools stamped
  // since the last pass began (`since`), so an edit does not rescan every article.
  let pass: { cursor: { at: string; id: string } | null; since: number | undefined; startedAt: number } | null = null
  let next: 'full' | 'changed' | null = 'full'
  let stamped = 0
  let queue: Promise<unknown> = Promise.resolve()

  /** One batch; true when there is more to do at once. Batches never run side by side. */
  function round(): Promise<{ more: boolean; computed: number }> {
    const result = queue.then(async () => {
      if (next !== null) {
        const startedAt = await related.newestStamp()
        // A full pass also covers what a pass after a change would.
        pass = { cursor: null, since: next === 'full' || (pass !== null && pass.since === undefined) ? undefined : stamped, startedAt }
        next = null
      }
      if (!pass) return { more: false, computed: 0 }
      await pause()
      const now = clock.now()
      const due = await related.listsToCompute(now, pass.cursor, batch, pass.since)
      const total = await totalPublic(now)
      for (const { id } of due) {
        await pause()
        await related.computeList(id, now, { ...POOL, totalPublic: total, weights: RELATED_WEIGHTS })
      }
      pass.cursor = due.length === batch ? due[due.length - 1]! : null
      if (pass.cursor === null) [stamped, pass] = [pass.startedAt, null]
      return { more: pass !== null || next !== null, computed: due.length }
    })
    queue = result.catch(() => {})
    return result
  }

  const poller = createPoller({
    round: async () => {
      // The timer's round with nothing pending starts a full pass (missing and expired lists).
      if (pass === null && next === null) next = 'full'
      return (await round()).more
    },
    pollMs: deps.pollMs,
    log: deps.log,
    name: 'related lists',
  })
  return {
    start: () => poller.start(),
    stop: () => poller.stop(),
    /** Something changed: a pass over the articles of the pools stamped since the last one. */
    kick(): void {
      if (next !== 'full') next = 'changed'
      poller.kick()
    },
    /** Ranks every list that needs it now (tests, benchmarks); resolves with how many it ranked. */
    async computeAll(): Promise<number> {
      next = 'full'
      let computed = 0
      for (;;) {
        const r = await round()
        computed += r.computed
        if (!r.more) return computed
      }
    },
    /** What a kick does, awaited: ranks the lists of pools stamped since the last pass began. */
    async computeChanged(): Promise<number> {
      if (next !== 'full') next = 'changed'
      let computed = 0
      for (;;) {
        const r = await round()
        computed += r.computed
        if (!r.more) return computed
      }
    },
  }
}

export type RelatedLists = ReturnType<typeof createRelatedLists>
