import type { Config } from '../config.js'
import type { Database } from '../db/client.js'
import { createArticleReadRepository } from '../db/repositories/article-reads.js'
import { createAuthorRepository } from '../db/repositories/authors.js'
import { createPageRepository } from '../db/repositories/pages.js'
import { createSectionRepository } from '../db/repositories/sections.js'
import { createSiteRepository } from '../db/repositories/site.js'
import { createTagRepository } from '../db/repositories/tags.js'
import type { Clock } from '../lib/clock.js'
import { createPublicArticleService } from './public-articles.js'
import { createPublicSiteService } from './public-site.js'
import { createStorage } from './storage.js'

export interface ServiceDependencies {
  config: Config
  database: Database
  clock: Clock
}

/** The composition of repositories and services; the one place that knows how they fit together. */
export function createServices({ config, database, clock }: ServiceDependencies) {
  const db = database.db
  const repositories = {
    articleReads: createArticleReadRepository(db),
    sections: createSectionRepository(db),
    authors: createAuthorRepository(db),
    tags: createTagRepository(db),
    pages: createPageRepository(db),
    site: createSiteRepository(db),
  }
  return {
    storage: createStorage(config),
    publicArticles: createPublicArticleService({ articles: repositories.articleReads, clock }),
    publicSite: createPublicSiteService({ ...repositories, clock }),
  }
}

export type Services = ReturnType<typeof createServices>
