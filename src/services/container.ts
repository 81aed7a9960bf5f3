import type { Config } from '../config.js'
import type { Database } from '../db/client.js'
import { createUnitOfWork } from '../db/repositories/index.js'
import type { Clock } from '../lib/clock.js'
import { createArticleEditor, type PreviewSigner } from './articles/editor.js'
import { createAuditLog } from './audit-log.js'
import { createAuthService, type TokenSigner } from './auth.js'
import { createPublicArticleService } from './public-articles.js'
import { createPublicSiteService } from './public-site.js'
import { createSiteAdmin } from './site-admin.js'
import { createStorage } from './storage.js'
import { createTaxonomyAdmin } from './taxonomy-admin.js'
import { createUserService } from './users.js'

export interface ServiceDependencies {
  config: Config
  database: Database
  clock: Clock
  tokens: TokenSigner
  previews: PreviewSigner
}

/** The composition of repositories and services; the one place that knows how they fit together. */
export function createServices({ config, database, clock, tokens, previews }: ServiceDependencies) {
  const uow = createUnitOfWork(database.db)
  const repos = uow.repos
  return {
    storage: createStorage(config),
    publicArticles: createPublicArticleService({ articles: repos.articleReads, clock }),
    publicSite: createPublicSiteService({ ...repos, clock }),
    auth: createAuthService({ uow, clock, tokens, settings: config.auth }),
    users: createUserService({ uow, clock }),
    articles: createArticleEditor({ uow, clock, publicUrl: config.publicUrl, previews }),
    taxonomy: createTaxonomyAdmin({ uow, clock }),
    siteAdmin: createSiteAdmin({ uow }),
    auditLog: createAuditLog({ uow }),
  }
}

export type Services = ReturnType<typeof createServices>
