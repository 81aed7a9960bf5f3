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
