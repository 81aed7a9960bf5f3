import type { BodyFormat } from '../../lib/markdown.js'
import type { PagingQuery } from '../../lib/pagination.js'
import type { ArticleStatus } from './workflow.js'

/** What an editor's write may say about an article (the admin API's body, field by field). */
export interface ArticleInput {
  title?: string | undefined
  slug?: string | undefined
  excerpt?: string | undefined
  body?: string | undefined
  body_format?: BodyFormat | undefined
  featured_image?:
    | { url: string; alt: string; caption?: string | null | undefined; credit?: string | null | undefined }
    | { media_id: string; alt?: string | null | undefined; caption?: string | null | undefined; credit?: string | null | undefined }
    | null
    | undefined
  section?: string | undefined
  author?: string | undefined
  /** The whole byline, by author slug, in order. */
  authors?: string[] | undefined
  tags?: string[] | undefined
  related_article_ids?: string[] | undefined
  status?: ArticleStatus | undefined
  published_at?: string | null | undefined
  /** The editor (user id) the article is assigned to; null unassigns. */
  assignee?: string | null | undefined
  /** A note for the article's thread, written with this change (required to request changes). */
  note?: string | undefined
  seo?: Partial<Record<'meta_title' | 'meta_description' | 'canonical_url' | 'og_image', string | null>> | undefined
  comments_open?: boolean | undefined
  /** Email it to its followers when published; null: the site's default. */
  newsletter?: boolean | null | undefined
  /** Editors: an editor's pick (featured lists, collections of rule `featured`). */
  featured?: boolean | undefined
  /** Editors: breaking news until then (in the future); null ends it. */
  breaking_until?: string | null | undefined
}

export interface AdminArticleQuery extends PagingQuery {
  status?: ArticleStatus[] | undefined
  section?: string | undefined
  author?: string | undefined
  q?: string | undefined
  /** A user id, or `me`. */
  assignee?: string | undefined
}

export interface PreviewSigner {
  sign(articleId: string): { token: string; expiresAt: Date }
}
