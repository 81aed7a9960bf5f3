import type { FastifyInstance } from 'fastify'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { buildApp } from '../../src/app.js'
import { seedDemoContent } from '../../src/seed/seed.js'
import { createStorage } from '../../src/services/storage.js'
import type { Clock } from '../../src/lib/clock.js'
import { testConfig } from './config.js'
import { createTestDatabase, type TestDatabase } from './database.js'

export interface TestContext {
  teardown(fn: () => unknown): void
}

export interface BuildOptions {
  /** Load the demo publication (default false). */
  seed?: boolean
  clock?: Clock
  /** Environment variables, validated by the real loadConfig. */
  env?: Record<string, string>
  /** Run the background workers (outbox) as the server does (default false: tests drive them). */
  workers?: boolean
}

export { SHARED_MEDIA_DIR, testConfig } from './config.js'

export type TestApp = FastifyInstance & { testDb: TestDatabase; dataDir: string }

/** The app on its own fresh database (and data directory), closed when the test ends. */
export async function build(t: TestContext, options: BuildOptions = {}): Promise<TestApp> {
  // The demo content comes from a cached seeded database, unless this test changes how media is
  // stored or processed: then it is seeded here with the test's own settings.
  const ownMedia = Object.keys(options.env ?? {}).some((name) => name.startsWith('MEDIA_') || name.startsWith('S3_'))
  const testDb = await createTestDatabase({ seed: options.seed === true && !ownMedia })
  const dataDir = mkdtempSync(path.join(tmpdir(), 'newsroom-test-'))
  const config = testConfig(options.env, dataDir)
  if (options.seed && ownMedia) {
    await seedDemoContent(testDb.database.db, { media: { storage: createStorage(config), renditions: config.media } })
  }
  const app = await buildApp({ config, database: testDb.database, logger: process.env.TEST_LOG ? { level: process.env.TEST_LOG } : false, docs: true, workers: options.workers ?? false, ...(options.clock ? { clock: options.clock } : {}) })
  t.teardown(async () => {
    await app.close()
    await testDb.destroy()
    rmSync(dataDir, { recursive: true, force: true })
  })
  await app.ready()
  return Object.assign(app, { testDb, dataDir })
}
