import { tmpdir } from 'node:os'
import path from 'node:path'
import { loadConfig, type Config } from '../../src/config.js'

/** Seeded images are content-addressed, so every test file can share one media directory. */
export const SHARED_MEDIA_DIR = path.resolve(import.meta.dirname, '../../.cache/test-media')

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
