import t from 'tap'
import { ConfigError, loadConfig } from '../src/config.js'

t.test('comment settings: defaults', async (t) => {
  const { comments } = loadConfig({})
  t.same(comments, { akismet: undefined, closeAfterDays: 0, maxLinks: 2, blocklist: [], ratePerIp: 10, ratePerEmail: 5 })
})

t.test('comment settings: parsed and normalised', async (t) => {
  const { comments } = loadConfig({
    AKISMET_KEY: 'abc123',
    AKISMET_URL: 'http://127.0.0.1:9999/',
    AKISMET_TIMEOUT_MS: '500',
    COMMENTS_CLOSE_AFTER_DAYS: '30',
    COMMENT_MAX_LINKS: '0',
    COMMENT_BLOCKLIST: ' Casino, cheap pills,,casino ',
    COMMENT_RATE_IP: '3',
    COMMENT_RATE_EMAIL: '2',
  })
  t.same(comments, {
    akismet: { key: 'abc123', url: 'http://127.0.0.1:9999', timeoutMs: 500 },
    closeAfterDays: 30,
    maxLinks: 0,
    blocklist: ['casino', 'cheap pills'],
    ratePerIp: 3,
    ratePerEmail: 2,
  })
  t.equal(loadConfig({ AKISMET_URL: 'http://x.example' }).comments.akismet, undefined, 'no key, no Akismet')
})

t.test('comment settings: every bad value is named', async (t) => {
  const error = t.throws(() =>
    loadConfig({ AKISMET_URL: 'ftp://x', AKISMET_TIMEOUT_MS: '5', COMMENTS_CLOSE_AFTER_DAYS: '-1', COMMENT_MAX_LINKS: 'many', COMMENT_RATE_IP: '0', COMMENT_RATE_EMAIL: '1.5' }),
  ) as ConfigError
  t.ok(error instanceof ConfigError)
  for (const name of ['AKISMET_URL', 'AKISMET_TIMEOUT_MS', 'COMMENTS_CLOSE_AFTER_DAYS', 'COMMENT_MAX_LINKS', 'COMMENT_RATE_IP', 'COMMENT_RATE_EMAIL']) t.match(error.message, name)
  t.equal(error.problems.length, 6)
})
