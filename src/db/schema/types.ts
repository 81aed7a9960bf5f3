import { customType } from 'drizzle-orm/pg-core'

export const tsvector = customType<{ data: string }>({
  dataType: () => 'tsvector',
})

export const citext = customType<{ data: string }>({
  dataType: () => 'citext',
})

export interface SocialLink {
  network: string
  url: string
}

export interface LinkItem {
  label: string
  url: string
}

/** Permalink patterns as stored (see src/lib/permalinks.ts for the tokens and defaults). */
export interface PermalinkSettings {
  article?: string
  section?: string
  tag?: string
  author?: string
  page?: string
}
