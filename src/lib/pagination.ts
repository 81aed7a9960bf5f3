import { AppError } from '../errors.js'
import { decodeCursor, encodeCursor, type Cursor } from './cursor.js'

export const DEFAULT_LIMIT = 20

export interface PagingQuery {
  limit?: number | undefined
  page?: number | undefined
  cursor?: string | undefined
}

export type Paging =
  | { mode: 'page'; limit: number; page: number; offset: number }
  | { mode: 'cursor'; limit: number; cursor: Cursor | undefined }

/** Query parameters that move to another page; the route turns them into Link header URLs. */
export type PageLinks = Partial<Record<'first' | 'prev' | 'next' | 'last', Record<string, string | number>>>

export interface PageResult<T> {
  items: T[]
  meta: { limit: number; page?: number; pages?: number; total?: number; total_exact?: boolean; next_cursor?: string | null; prev_cursor?: string | null }
  links: PageLinks
}

/**
 * Page mode (`page`, with totals) unless a `cursor` is given. Page mode also hands out
 * `next_cursor` where the list is keyset-ordered, so a client can switch to cursors from the first
 * request.
 */
export function resolvePaging(query: PagingQuery, options: { allowCursor?: boolean } = {}): Paging {
  const limit = query.limit ?? DEFAULT_LIMIT
  if (query.cursor !== undefined) {
    if (options.allowCursor === false) {
      throw new AppError('VALIDATION_FAILED', 'This list supports page mode only', {
        invalidParams: [{ name: 'querystring.cursor', reason: 'not supported here' }],
      })
    }
    if (query.page !== undefined) {
      throw new AppError('VALIDATION_FAILED', 'Use either page or cursor, not both', {
        invalidParams: [{ name: 'querystring.cursor', reason: 'cannot be combined with page' }],
      })
    }
    const cursor = decodeCursor(query.cursor)
    if (!cursor) {
      throw new AppError('BAD_CURSOR', 'The cursor is malformed or was not issued by this server', {
        invalidParams: [{ name: 'querystring.cursor', reason: 'not a valid cursor' }],
      })
    }
    return { mode: 'cursor', limit, cursor }
  }
  const page = query.page ?? 1
  return { mode: 'page', limit, page, offset: (page - 1) * limit }
}

/** The Link header pages of page mode: first and last always, prev and next where they exist. */
export function pageLinks(page: number, pages: number): PageLinks {
  const links: PageLinks = { first: { page: 1 }, last: { page: pages } }
  if (page > 1) links.prev = { page: Math.min(page - 1, pages) }
  if (page < pages) links.next = { page: page + 1 }
  return links
}

export function pageModeResult<T>(
  items: T[],
  paging: { limit: number; page: number; offset: number },
  total: number,
  keyOf?: (row: T) => { at: string; id: string },
): PageResult<T> {
  const page = items.slice(0, paging.limit)
  const pages = Math.max(1, Math.ceil(total / paging.limit))
  const links = pageLinks(paging.page, pages)
  const meta: PageResult<T>['meta'] = { limit: paging.limit, page: paging.page, pages, total }
  if (keyOf) {
    const last = page[page.length - 1]
    const hasMore = items.length > paging.limit || paging.offset + page.length < total
    meta.next_cursor = last && hasMore ? encodeCursor({ ...keyOf(last), direction: 'after' }) : null
  }
  return { items: page, meta, links }
}

/**
 * Keyset mode. `rows` are limit + 1 rows in scan order (reversed for a `before` cursor); the extra
 * row only says that more exist.
 */
export function cursorModeResult<T>(
  rows: T[],
  paging: { limit: number; cursor: Cursor | undefined },
  keyOf: (row: T) => { at: string; id: string },
): PageResult<T> {
  const hasMore = rows.length > paging.limit
  const backwards = paging.cursor?.direction === 'before'
  const page = rows.slice(0, paging.limit)
  if (backwards) page.reverse()
  const first = page[0]
  const last = page[page.length - 1]
  const after = last && (backwards || hasMore) ? encodeCursor({ ...keyOf(last), direction: 'after' }) : null
  const before = first && (backwards ? hasMore : paging.cursor !== undefined) ? encodeCursor({ ...keyOf(first), direction: 'before' }) : null
  const links: PageLinks = {}
  if (after) links.next = { cursor: after }
  if (before) links.prev = { cursor: before }
  return { items: page, meta: { limit: paging.limit, next_cursor: after, prev_cursor: before }, links }
}

/** RFC 8288 Link header: the request's own URL (as the client sent it) with the paging parameters replaced. */
export function linkHeader(baseUrl: string, path: string, rawQuery: string, links: PageLinks): string {
  const parts: string[] = []
  for (const rel of ['first', 'prev', 'next', 'last'] as const) {
    const change = links[rel]
    if (!change) continue
    const params = new URLSearchParams(rawQuery)
    params.delete('page')
    params.delete('cursor')
    for (const [key, value] of Object.entries(change)) params.set(key, String(value))
    parts.push(`<${baseUrl}${path}?${params.toString()}>; rel="${rel}"`)
  }
  return parts.join(', ')
}
