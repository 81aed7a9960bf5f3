import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { buildApp } from '../../app.js'
import { loadConfig } from '../../config.js'
import { createDatabase, type Database } from '../../db/client.js'
import { runMigrations } from '../../db/migrate.js'
import { seedDemoContent } from '../../seed/seed.js'
import { createManualClock } from '../../lib/clock.js'
import type { ExamplesFile } from '../../plugins/openapi-examples.js'
import { routeFactsOf } from '../../plugins/openapi.js'
import { createStorage } from '../../services/storage.js'
import { examplesOf, normalizeExchanges } from './examples.js'
import { recordCommonAnswers } from './generic.js'
import { createNormalizer } from './normalize.js'
import { importScenarios, newsletterAdminScenarios, webhookScenarios } from './scenarios-admin.js'
import { accountScenarios, articleScenarios, closedCommentsScenario, failedLoginScenario, mediaScenarios, siteScenarios, taxonomyScenarios } from './scenarios-editor.js'
import { frontPageScenarios } from './scenarios-front-page.js'
import { commentScenarios, newsletterScenarios, readerScenarios } from './scenarios-public.js'
import { reviewScenarios } from './scenarios-review.js'
import { createSession, operationsOf, type Exchange } from './session.js'

/** The recording app's "now": two days after the newest demo article. */
export const RECORDING_TIME = '2025-06-08T09:00:00.000Z'

const ADMIN = { email: 'maya.okafor@thedefencetimes.example', name: 'Maya Okafor', password: 'blue-harbour-lantern-7' }

export interface Recording {
  /** Every request made and its answer, normalized (ids, tokens, timestamps of the run). */
  exchanges: Exchange[]
  examples: ExamplesFile
  /** Operations no scenario calls successfully (a new route needs a line in a scenarios-*.ts file). */
  unexercised: string[]
}

/**
 * Boots the API on a fresh embedded database with the demo publication, plays a newsroom's day
 * through every operation (scenarios-*.ts), then the answers every route gives alike (generic.ts),
 * and returns what it saw. Limits are set low enough that the 429s are reached in a few requests.
 * Always embedded PGlite (tests may hand in one opened from their migrated snapshot), so the
 * recording does not depend on where it runs.
 */
export async function recordApi(options: { openPglite?: () => Promise<Database> } = {}): Promise<Recording> {
  const since = Date.now()
  const workDir = mkdtempSync(path.join(tmpdir(), 'newsroom-examples-'))
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    PUBLIC_URL: 'https://api.thedefencetimes.example',
    JWT_SECRET: 'examples-are-signed-with-a-key-nobody-uses-0123456789',
    DATA_DIR: workDir,
    MEDIA_DIR: path.join(workDir, 'media'),
    WEBHOOK_ALLOW_PRIVATE: 'true',
    NEWSLETTER_RESPONSE_FLOOR_MS: '0',
    NEWSLETTER_RATE_EMAIL: '2',
    COMMENT_RATE_EMAIL: '3',
    COMMENT_RATE_IP: '100',
    LOGIN_ACCOUNT_LIMIT: '2',
    MAIL_FROM: 'newsletter@thedefencetimes.example',
    // Both purge-key flavours, so that the examples show every header a deployment may send.
    CDN_PURGE_HEADER: 'both',
  })
  const database = await (options.openPglite ?? (() => createDatabase({ kind: 'pglite' })))()
  const clock = createManualClock(RECORDING_TIME)
  const normalizer = createNormalizer({ since, now: clock.now() })
  try {
    await runMigrations(database)
    await seedDemoContent(database.db, { media: { storage: createStorage(config), renditions: config.media } })
    const app = await buildApp({ config, database, logger: false, docs: false, clock })
    // What any unexpected failure looks like to a client: the real error handler, on a route only this app has.
    app.get('/v1/examples/unexpected-failure', { schema: { hide: true } }, async () => {
      throw new Error('an unexpected failure')
    })
    try {
      await app.ready()
      await app.services.users.create(null, { ...ADMIN, role: 'admin' })
      const operations = operationsOf(app.swagger() as Parameters<typeof operationsOf>[0])
      const s = createSession(app, operations, normalizer)

      const { articles } = await readerScenarios(s)
      await accountScenarios(s, ADMIN)
      const { pendingSubscriber } = await newsletterScenarios(s)
      const { published } = await articleScenarios(s)
      await reviewScenarios(s)
      await commentScenarios(s, articles.find((a) => a.slug.startsWith('bel-completes'))?.slug ?? articles[0]!.slug)
      await closedCommentsScenario(s, published.id)
      await taxonomyScenarios(s)
      await siteScenarios(s)
      await frontPageScenarios(s)
      const used = articles.find((a) => a.featured_image?.media_id)?.featured_image?.media_id
      if (!used) throw new Error('no demo article shows a media library image')
      await mediaScenarios(s, used)
      await newsletterAdminScenarios(s, pendingSubscriber)
      await webhookScenarios(s)
      await importScenarios(s)
      await failedLoginScenario(s)
      const unexercised = await recordCommonAnswers(s, { bodyLimit: config.bodyLimit, rolesOf: (id) => routeFactsOf(app).get(id)?.roles })

      const failure = await app.inject({ method: 'GET', url: '/v1/examples/unexpected-failure' })
      s.exchanges.push({ operationId: '', method: 'GET', url: '', params: { path: {}, query: {}, header: {} }, status: failure.statusCode, headers: { 'content-type': String(failure.headers['content-type']) }, body: failure.json(), role: null, example: true })
      // The database goes away: what every route answers then.
      await database.close()
      await s.call('getSection', { path: { slug: 'europe' } })
      await s.call('healthReady')

      const exchanges = normalizeExchanges(s.exchanges, normalizer)
      return { exchanges, examples: examplesOf(exchanges, [...operations.keys()]), unexercised }
    } finally {
      await app.close()
    }
  } finally {
    await database.close().catch(() => undefined)
    rmSync(workDir, { recursive: true, force: true })
  }
}
