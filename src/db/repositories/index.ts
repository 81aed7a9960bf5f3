import { idempotencyContext } from '../../lib/idempotency-context.js'
import type { Db, Executor } from '../client.js'
import { createArticleReadRepository } from './article-reads.js'
import { createArticleRepository } from './articles.js'
import { createAuditRepository } from './audit.js'
import { createAuthorRepository } from './authors.js'
import { createCollectionRepository } from './collections.js'
import { createCommentBlockRepository } from './comment-blocks.js'
import { createCommentRepository } from './comments.js'
import { createCorrectionRepository } from './corrections.js'
import { createIdempotencyRepository } from './idempotency.js'
import { createImportRepository } from './imports.js'
import { createLockRepository } from './locks.js'
import { createMediaRepository } from './media.js'
import { createNewsletterDigestRepository } from './newsletter-digests.js'
import { createNewsletterSendRepository } from './newsletter-sends.js'
import { createOutboxRepository } from './outbox.js'
import { createPageRepository } from './pages.js'
import { createRedirectRepository } from './redirects.js'
import { createRefreshTokenRepository } from './refresh-tokens.js'
import { createReviewRepository } from './review.js'
import { createSectionRepository } from './sections.js'
import { createSiteRepository } from './site.js'
import { createSubscriberRepository } from './subscribers.js'
import { createTagRepository } from './tags.js'
import { createUserRepository } from './users.js'
import { createWebhookRepository } from './webhooks.js'

/** Every repository, bound to one executor (the database, or a transaction). */
export function createRepositories(db: Executor) {
  return {
    articleReads: createArticleReadRepository(db),
    articles: createArticleRepository(db),
    audit: createAuditRepository(db),
    authors: createAuthorRepository(db),
    collections: createCollectionRepository(db),
    comments: createCommentRepository(db),
    commentBlocks: createCommentBlockRepository(db),
    corrections: createCorrectionRepository(db),
    idempotency: createIdempotencyRepository(db),
    imports: createImportRepository(db),
    locks: createLockRepository(db),
    media: createMediaRepository(db),
    newsletterDigests: createNewsletterDigestRepository(db),
    newsletterSends: createNewsletterSendRepository(db),
    outbox: createOutboxRepository(db),
    pages: createPageRepository(db),
    redirects: createRedirectRepository(db),
    refreshTokens: createRefreshTokenRepository(db),
    review: createReviewRepository(db),
    sections: createSectionRepository(db),
    site: createSiteRepository(db),
    subscribers: createSubscriberRepository(db),
    tags: createTagRepository(db),
    users: createUserRepository(db),
    webhooks: createWebhookRepository(db),
  }
}

export type Repositories = ReturnType<typeof createRepositories>

/**
 * Repositories plus a way to run several of their calls atomically: services receive this, never
 * the database. `transaction(fn)` hands `fn` the same repositories bound to one transaction.
 */
export interface UnitOfWork {
  readonly repos: Repositories
  transaction<T>(fn: (repos: Repositories) => Promise<T>): Promise<T>
}

export function createUnitOfWork(db: Db): UnitOfWork {
  return {
    repos: createRepositories(db),
    transaction: async (fn) => {
      const outcome = await db.transaction(async (tx) => {
        const repos = createRepositories(tx)
        const result = await fn(repos)
        // Under an Idempotency-Key, the key is marked in the same transaction as the write: a
        // retry after a crash between commit and response never runs the write twice.
        const scope = idempotencyContext.getStore()
        if (scope) await repos.idempotency.markCommitted(scope.owner, scope.key, scope.entity)
        return result
      })
      const scope = idempotencyContext.getStore()
      if (scope) scope.committed = true
      return outcome
    },
  }
}
