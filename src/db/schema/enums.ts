import { pgEnum } from 'drizzle-orm/pg-core'

export const articleStatus = pgEnum('article_status', ['draft', 'in_review', 'changes_requested', 'scheduled', 'published', 'archived'])
export const bodyFormat = pgEnum('body_format', ['markdown', 'html'])
export const pageStatus = pgEnum('page_status', ['draft', 'published'])
