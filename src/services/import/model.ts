/**
 * What every importer (WordPress today; Ghost and our own export format next) turns its file
 * into: items of our content model, each named by the id it has in the source. The writer
 * (writer.ts) knows nothing of any source format; a source adapter knows nothing of the database.
 */

export const IMPORT_SOURCES = ['wordpress', 'ghost', 'newsroom'] as const
export type ImportSource = (typeof IMPORT_SOURCES)[number]

export const IMPORT_KINDS = ['author', 'section', 'tag', 'media', 'article', 'page', 'comment', 'subscriber', 'redirect'] as const
export type ImportKind = (typeof IMPORT_KINDS)[number]

/**
 * How a source's taxonomy maps onto sections and tags (each has a default; an import job keeps its
 * own). WordPress: a post's first category is its section, the others become tags (`tags`) or are
 * left out (`ignore`). Ghost: the primary tag becomes the section (`section`) or stays a tag like
 * the others, every post going to "Uncategorized" (`tag`).
 */
export const EXTRA_CATEGORIES = ['tags', 'ignore'] as const
export const PRIMARY_TAG = ['section', 'tag'] as const
export interface ImportMapping {
  extraCategories: (typeof EXTRA_CATEGORIES)[number]
  primaryTag: (typeof PRIMARY_TAG)[number]
}
export const DEFAULT_MAPPING: ImportMapping = { extraCategories: 'tags', primaryTag: 'section' }

/** An image to bring into the media library: fetched from `url` (or read from an uploads folder). */
export interface MediaRef {
  sourceId: string
  url: string
  filename: string
  alt: string
  caption: string | null
}

/** An image of a body: its `src` there (maybe a resized copy) and the image to import for it. */
export interface BodyImageRef {
  src: string
  image: MediaRef
}

export interface AuthorItem {
  sourceId: string
  slug: string
  name: string
  bio: string
  originalUrls: string[]
}

export interface TermItem {
  sourceId: string
  slug: string
  name: string
  description: string
  originalUrls: string[]
}

export interface CommentItem {
  sourceId: string
  /** The source id of the comment this one answers (same article). */
  parentSourceId: string | null
  authorName: string
  authorEmail: string
  authorWebsite: string | null
  ip: string | null
  status: 'approved' | 'pending' | 'spam' | 'trash'
  body: string
  /** Null: the source has no date (it is dated to the import). */
  createdAt: Date | null
}

export interface ArticleItem {
  sourceId: string
  slug: string
  title: string
  /** '' = made from the body. */
  excerpt: string
  /** HTML before sanitising; images whose `src` is a `bodyImages` URL come from the media library. */
  html: string
  status: 'draft' | 'in_review' | 'scheduled' | 'published'
  publishedAt: Date | null
  createdAt: Date | null
  section: TermItem
  /** The byline's first author. */
  author: AuthorItem
  /** The byline's other authors, in order (Ghost's co-authors). */
  coAuthors: AuthorItem[]
  tags: TermItem[]
  featuredImage: MediaRef | null
  bodyImages: BodyImageRef[]
  commentsOpen: boolean
  originalUrls: string[]
  comments: CommentItem[]
}

export interface PageItem {
  sourceId: string
  slug: string
  title: string
  html: string
  status: 'draft' | 'published'
  bodyImages: BodyImageRef[]
  originalUrls: string[]
}

/**
 * A newsletter subscriber who consented where they came from (a Ghost member subscribed to a
 * newsletter): confirmed here, with that consent recorded as imported.
 */
export interface SubscriberItem {
  sourceId: string
  email: string
  name: string | null
  /** When they signed up there; null: the import's time. */
  consentAt: Date | null
}

/** An old path that answered with a redirect there, to a path of an imported item. */
export interface RedirectItem {
  sourceId: string
  /** A path of the old site (`/old-post/`). */
  from: string
  /** Where it led: a path or URL of the old site whose item was imported. */
  to: string
}

/** A problem with one item, reported (never fatal to the rest). */
export interface ItemWarning {
  item: string
  message: string
}
