import type { Config } from '../config.js'
import type { Database } from '../db/client.js'
import { appliedMigrationCount } from '../db/migrate.js'
import { createRepositories, createUnitOfWork } from '../db/repositories/index.js'
import { replicaReadsAllowed, routeReads } from '../db/read-routing.js'
import { createRelatedRepository } from '../db/repositories/related.js'
import { createSearchRepository } from '../db/repositories/search.js'
import type { Clock } from '../lib/clock.js'
import { createArticleEditor } from './articles/editor.js'
import type { PreviewSigner } from './articles/input.js'
import { createArticleNotes } from './articles/notes.js'
import { createCorrections } from './articles/corrections.js'
import { createNotificationSettings } from './notification-settings.js'
import { createAuditLog } from './audit-log.js'
import { createAuthService, type TokenSigner } from './auth.js'
import { createCommentServices } from './comments/index.js'
import { createCountCache } from './count-cache.js'
import { createFreshness } from './freshness.js'
import { createResponseCache } from './response-cache.js'
import { changesPublicContent, createContentEvents } from './events.js'
import { createOutboxWorker, type OutboxHandler, type OutboxWorkerOptions } from './outbox.js'
import { createMailer, type EmailMessage, type Mailer } from './mailer.js'
import type { Metrics } from './metrics.js'
import { createNewsletterService } from './newsletter.js'
import { createNewsletterSends } from './newsletter-sends.js'
import { createSignedIds } from '../lib/signed-ids.js'
import { createExporter } from './export.js'
import { createCollectionService } from './collections.js'
import { createFeedService } from './feeds.js'
import { createNewsSitemap } from './news-sitemap.js'
import { createPublicArticleService } from './public-articles.js'
import { createPermalinks } from './permalinks.js'
import { createPublicSiteService } from './public-site.js'
import { createResolver } from './resolver.js'
import { createRelatedLists, createRelatedService } from './related.js'
import { createForeground } from '../lib/foreground.js'
import { createEmbeddedMaintenance } from './embedded-maintenance.js'
import { createHousekeeping } from './housekeeping.js'
import { createMaintenanceRepository } from '../db/repositories/maintenance.js'
import { createSearchService } from './search.js'
import { createSiteAdmin } from './site-admin.js'
import { createScheduler } from './scheduler.js'
import { createNewsletterDigests } from './newsletter-digests.js'
import { AUTOSEND_TOPIC } from '../db/repositories/newsletter-sends.js'
import { createMediaLibrary } from './media/library.js'
import { createImportService, IMPORT_TOPIC } from './import/index.js'
import { createStorage } from './storage.js'
import { createWorkQueue } from '../lib/work-queue.js'
import { createWebhookService } from './webhooks.js'
import { createTaxonomyAdmin } from './taxonomy-admin.js'
import { createUserService } from './users.js'

/** Under unbroken traffic on the embedded database, a background pass still takes a step this often. */
const BACKGROUND_MAX_WAIT_MS = 1000

export interface ServiceDependencies {
  config: Config
  database: Database
  clock: Clock
  log: OutboxWorkerOptions['log'] & { debug(obj: object, msg: string): void }
  tokens: TokenSigner
  previews: PreviewSigner
  /** Set when metrics are on: the services count their events into it. */
  metrics?: Metrics | undefined
}

/** The composition of repositories and services; the one place that knows how they fit together. */
export function createServices({ config, database, clock, log, tokens, previews, metrics }: ServiceDependencies) {
  const uow = createUnitOfWork(database.db)
  const repos = uow.repos
  /**
   * Public reads (articles, sections, tags, authors, pages, site, search, related, feeds) go to the
   * read replica when the request allows it (anonymous public GETs, see read-routing.ts) and no
   * content changed in the last `lagMs`: the caches are emptied on a change and must not refill
   * from a replica that has not replayed it yet.
   */
  const lagMs = config.database.kind === 'postgres' ? (config.database.readLagMs ?? 0) : 0
  let changedAt = Number.NEGATIVE_INFINITY
  const useReplica = () => replicaReadsAllowed() && clock.now().getTime() - changedAt >= lagMs
  const readRepos = database.readDb === database.db ? repos : createRepositories(database.readDb)
  const onBoth = <T extends object>(make: (db: Database['db']) => T): T =>
    database.readDb === database.db ? make(database.db) : routeReads(make(database.db), make(database.readDb), useReplica)
  const reads = {
    articleReads: routeReads(repos.articleReads, readRepos.articleReads, useReplica),
    sections: routeReads(repos.sections, readRepos.sections, useReplica),
    tags: routeReads(repos.tags, readRepos.tags, useReplica),
    authors: routeReads(repos.authors, readRepos.authors, useReplica),
    pages: routeReads(repos.pages, readRepos.pages, useReplica),
    site: routeReads(repos.site, readRepos.site, useReplica),
    redirects: routeReads(repos.redirects, readRepos.redirects, useReplica),
    collections: routeReads(repos.collections, readRepos.collections, useReplica),
    search: onBoth(createSearchRepository),
    related: onBoth(createRelatedRepository),
  }
  const events = createContentEvents()
  // Topic → handler; feature services below register theirs.
  const outboxHandlers: Record<string, OutboxHandler> = {}
  const outbox = createOutboxWorker({
    repository: repos.outbox,
    handlers: outboxHandlers,
    clock,
    log,
    pollMs: config.outbox.pollMs,
    leaseMs: config.outbox.leaseMs,
    ...(metrics ? { onJob: countOutboxJob(metrics) } : {}),
  })
  const mailer = countSends(createMailer({ smtpUrl: config.mail.smtpUrl, from: config.mail.from, log }), 'transactional', metrics)
  outboxHandlers['email.send'] = (job) => mailer.send(job.payload as unknown as EmailMessage)
  const webhooks = createWebhookService({ uow, clock, settings: config.webhooks })
  outboxHandlers['webhook.deliver'] = (job) => webhooks.deliver(job.payload as unknown as Parameters<typeof webhooks.deliver>[0])
  // Public reads change without a write when a scheduled article comes due, breaking news expires or a collection's pin does.
  const nextChangeAt = async (now: Date) =>
    earliest(await Promise.all([repos.articleReads.nextScheduledAt(now), repos.articleReads.nextBreakingExpiry(now), repos.collections.nextPinExpiry(now)]))
  const freshness = createFreshness({ clock, recheckMs: 10_000, nextScheduledAt: nextChangeAt })
  const counts = createCountCache({ clock, ttlMs: 60_000, freshness })
  const rc = config.cache.responseCache
  const responseCache = rc.enabled ? createResponseCache({ clock, freshness, maxBytes: rc.maxBytes, ttlMs: rc.ttlSeconds * 1000 }) : undefined
  // Every URL the API presents is built from these (site.url and its permalinks), kept in memory.
  const permalinks = createPermalinks({ site: reads.site, publicUrl: config.publicUrl })
  const resolver = createResolver({ redirects: reads.redirects, permalinks, clock })
  /** Every cache of public content forgets everything on any change (local, or notified by another process). */
  const invalidateCaches = () => {
    changedAt = clock.now().getTime()
    freshness.invalidate()
    permalinks.invalidate()
    counts.clear()
    responseCache?.clear()
  }
  // Precomputed Related Posts, ranked on the primary (reads use them through reads.related).
  // On the embedded database, background passes step aside for requests (see Foreground).
  const foreground = database.kind === 'pglite' ? createForeground() : undefined
  const stepAside = foreground && (() => foreground.idle(BACKGROUND_MAX_WAIT_MS))
  const relatedLists = createRelatedLists({
    related: createRelatedRepository(database.db),
    articles: repos.articleReads,
    clock,
    log,
    pollMs: 300_000,
    pause: stepAside,
  })
  const housekeeping = createHousekeeping({
    uow,
    clock,
    retentionDays: config.outbox.retentionDays,
    log,
    pollMs: 3_600_000,
    pause: stepAside,
  })
  // PGlite runs no autovacuum: the server does its work (vacuum, analyze) by autovacuum's rules.
  const embeddedMaintenance = stepAside && createEmbeddedMaintenance({ maintenance: createMaintenanceRepository(database.db), pause: stepAside, log, pollMs: 60_000 })
  events.on((change) => {
    if (changesPublicContent(change)) invalidateCaches()
    if (change.kind === 'article' || change.kind === 'tag' || change.kind === 'section') relatedLists.kick()
  })
  const storage = createStorage(config)
  const media = createMediaLibrary({
    uow,
    clock,
    events,
    storage,
    limits: config.media,
    processing: createWorkQueue(config.media.processing),
    publicUrl: config.publicUrl,
    permalinks,
    kickOutbox: () => outbox.kick(),
  })
  const imports = createImportService({
    uow,
    media,
    clock,
    events,
    settings: { allowPrivateFetch: config.imports.allowPrivateFetch, maxImageBytes: config.media.maxBytes },
    kickOutbox: () => outbox.kick(),
    pause: stepAside,
  })
  outboxHandlers[IMPORT_TOPIC] = imports.runJob
  const unsubscribeTokens = createSignedIds(config.auth.jwtSecret ?? '', 'newsletter-unsubscribe')
  const preferenceTokens = createSignedIds(config.auth.jwtSecret ?? '', 'newsletter-preferences')
  const newsletterLinks = {
    unsubscribeUrl: (token: string) => `${config.newsletter.linkBase}/newsletter/unsubscribe?token=${token}`,
    preferencesUrl: (token: string) => `${config.newsletter.linkBase}/newsletter/preferences?token=${token}`,
  }
  // Bulk mail over its own pooled connections, so a big send never waits behind (or holds up) the outbox's.
  const newsletterMailer = countSends(createMailer({ smtpUrl: config.mail.smtpUrl, from: config.mail.from, log, pool: true }), 'newsletter', metrics)
  const newsletterSends = createNewsletterSends({
    uow,
    clock,
    mailer: newsletterMailer,
    permalinks,
    unsubscribeTokens,
    preferenceTokens,
    log,
    kickOutbox: () => outbox.kick(),
    settings: { fanoutChunk: 1000, fanoutBudgetMs: 1000, ratePerSecond: config.mail.ratePerSecond, pollMs: config.outbox.pollMs, leaseMs: config.outbox.leaseMs, ...newsletterLinks },
  })
  outboxHandlers[AUTOSEND_TOPIC] = newsletterSends.autoSend
  const digests = createNewsletterDigests({ uow, clock, permalinks, sends: newsletterSends, chunk: 1000 })
  const search = createSearchService({ search: reads.search, articles: reads.articleReads, counts, clock, permalinks })
  return {
    events,
    counts,
    responseCache,
    invalidateCaches,
    relatedLists,
    foreground,
    embeddedMaintenance,
    housekeeping,
    permalinks,
    resolver,
    outbox,
    storage,
    media,
    imports,
    search,
    exporter: createExporter({ db: database.db, clock, schemaMigrations: () => appliedMigrationCount(database) }),
    feeds: createFeedService({ articles: reads.articleReads, sections: reads.sections, authors: reads.authors, pages: reads.pages, site: reads.site, redirects: reads.redirects, permalinks, clock, publicUrl: config.publicUrl }),
    newsSitemap: createNewsSitemap({ articles: reads.articleReads, site: reads.site, permalinks, clock }),
    related: createRelatedService({ related: reads.related, articles: reads.articleReads, clock, permalinks }),
    publicArticles: createPublicArticleService({ articles: reads.articleReads, search, counts, clock, permalinks, commentsCloseAfterDays: config.comments.closeAfterDays }),
    publicSite: createPublicSiteService({ ...repos, ...reads, permalinks, resolver, clock }),
    auth: createAuthService({ uow, clock, tokens, settings: config.auth }),
    users: createUserService({ uow, clock }),
    notificationSettings: createNotificationSettings({ uow }),
    articles: createArticleEditor({ uow, clock, events, publicUrl: config.publicUrl, permalinks, previews, kickOutbox: () => outbox.kick() }),
    articleNotes: createArticleNotes({ uow, clock, publicUrl: config.publicUrl, kickOutbox: () => outbox.kick() }),
    corrections: createCorrections({ uow, clock, events, publicUrl: config.publicUrl, permalinks, kickOutbox: () => outbox.kick() }),
    taxonomy: createTaxonomyAdmin({ uow, clock, events, permalinks, kickOutbox: () => outbox.kick() }),
    collections: createCollectionService({ uow, reads, clock, events, permalinks, kickOutbox: () => outbox.kick() }),
    siteAdmin: createSiteAdmin({ uow, clock, events, permalinks, kickOutbox: () => outbox.kick() }),
    auditLog: createAuditLog({ uow }),
    mailer,
    newsletterMailer,
    newsletterSends,
    digests,
    webhooks,
    scheduler: createScheduler({ uow, clock, events, publicUrl: config.publicUrl, permalinks, kickOutbox: () => outbox.kick(), log, pollMs: config.schedulerPollMs, digests }),
    /** The outbox topics this process handles (the metrics report each, zero included). */
    outboxTopics: () => Object.keys(outboxHandlers),
    /** Read side of the outbox for the admin view (the worker is `outbox`). */
    outboxLog: { list: repos.outbox.list, count: repos.outbox.count },
    newsletter: createNewsletterService({
      uow,
      clock,
      events,
      unsubscribeTokens,
      preferenceTokens,
      kickOutbox: () => outbox.kick(),
      settings: {
        ...config.newsletter,
        confirmUrl: (token) => `${config.newsletter.linkBase}/newsletter/confirm?token=${token}`,
        ...newsletterLinks,
      },
    }),
    ...createCommentServices({ uow, clock, events, config: config.comments, permalinks, outbox, outboxHandlers, log }),
  }
}

export type Services = ReturnType<typeof createServices>

/** Outbox outcomes by topic, and webhook deliveries (the `webhook.deliver` topic) by outcome. */
function countOutboxJob(metrics: Metrics) {
  return (job: { topic: string }, outcome: 'done' | 'retry' | 'failed') => {
    metrics.outboxJobs.inc({ topic: job.topic, outcome })
    if (job.topic === 'webhook.deliver') metrics.webhookDeliveries.inc({ outcome })
  }
}

/** The mailer, counting each send by kind and outcome when metrics are on (else the mailer itself). */
function countSends(mailer: Mailer, kind: 'transactional' | 'newsletter', metrics: Metrics | undefined): Mailer {
  if (!metrics) return mailer
  const sent = metrics.emails.labels(kind, 'sent')
  const failed = metrics.emails.labels(kind, 'failed')
  return {
    transport: mailer.transport,
    close: () => mailer.close(),
    async send(message) {
      try {
        const report = await mailer.send(message)
        sent.inc()
        return report
      } catch (error) {
        failed.inc()
        throw error
      }
    },
  }
}

function earliest(dates: (Date | null)[]): Date | null {
  return dates.reduce<Date | null>((min, d) => (d && (!min || d < min) ? d : min), null)
}
