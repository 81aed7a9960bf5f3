import type { FastifyInstance } from 'fastify'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { buildApp } from '../../src/app.js'
import { loadConfig, type Config } from '../../src/config.js'
import { seedDemoContent } from '../../src/db/seed/seed.js'
import { createStorage } from '../../src/services/storage.js'
import type { Clock } from '../../src/lib/clock.js'
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

/** Seeded images are content-addressed, so every test file can share one media directory. */
const SHARED_MEDIA_DIR = path.resolve(import.meta.dirname, '../../.cache/test-media')

export function testConfig(env: Record<string, string> = {}, dataDir?: string): Config {
  return loadConfig({
    LOG_LEVEL: 'silent',
    PUBLIC_URL: 'http://api.test',
    DATA_DIR: dataDir ?? path.join(tmpdir(), 'newsroom-unused'),
    MEDIA_DIR: SHARED_MEDIA_DIR,
    JWT_SECRET: 'test-secret-that-is-long-enough-for-hs256-0123456789',
    ...env,
  })
}

export type TestApp = FastifyInstance & { testDb: TestDatabase; dataDir: string }

/** The app on its own fresh database (and data directory), closed when the test ends. */
export async function build(t: TestContext, options: BuildOptions = {}): Promise<TestApp> {
  const testDb = await createTestDatabase()
  const dataDir = mkdtempSync(path.join(tmpdir(), 'newsroom-test-'))
  const config = testConfig(options.env, dataDir)
  if (options.seed) {
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
