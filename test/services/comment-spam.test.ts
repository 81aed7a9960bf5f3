import t from 'tap'
import type { CommentRow } from '../../src/db/repositories/comments.js'
import { AppError } from '../../src/errors.js'
import { ipRateKey } from '../../src/plugins/rate-limit.js'
import { AkismetError, type AkismetClient, type AkismetComment } from '../../src/services/comments/akismet.js'
import { canonicalBlock, cleanBody, cleanLine, commentsOpenAt, countLinks, ipMatches } from '../../src/services/comments/policy.js'
import { buildThread, placeReply } from '../../src/services/comments/public.js'
import {
  akismetStage,
  blocklistStage,
  blockStage,
  createSpamPipeline,
  duplicateStage,
  firstTimeStage,
  honeypotStage,
  linksStage,
  type CommentCandidate,
  type SpamStage,
} from '../../src/services/comments/spam.js'

const candidate = (over: Partial<CommentCandidate> = {}): CommentCandidate => ({
  articleId: 'a1',
  authorName: 'Reader',
  authorEmail: 'reader@example.com',
  authorWebsite: null,
  body: 'A reasonable comment.',
  honeypot: null,
  ip: '203.0.113.1',
  userAgent: 'UA',
  referrer: '',
  permalink: 'https://news.example/story',
  blog: 'https://news.example/',
  isReply: false,
  createdAt: new Date('2026-01-01T00:00:00.000Z'),
  ...over,
})

function fakeAkismet(answer: { spam: boolean; discard: boolean } | Error): AkismetClient & { seen: AkismetComment[] } {
  const seen: AkismetComment[] = []
  return {
    seen,
    async commentCheck(comment) {
      seen.push(comment)
      if (answer instanceof Error) throw answer
      return answer
    },
    async submitSpam() {},
    async submitHam() {},
  }
}

t.test('honeypot: any value is spam, empty or absent is not', async (t) => {
  const stage = honeypotStage()
  t.same(await stage.run(candidate({ honeypot: 'x' })), { verdict: { status: 'spam', reasons: ['honeypot'] } })
  t.same(await stage.run(candidate({ honeypot: ' ' })), { verdict: { status: 'spam', reasons: ['honeypot'] } })
  t.equal(await stage.run(candidate({ honeypot: '' })), undefined)
  t.equal(await stage.run(candidate({ honeypot: null })), undefined)
})

t.test('links: more than the maximum is spam; URLs, www., anchors and BBCode all count', async (t) => {
  t.equal(countLinks('plain text'), 0)
  t.equal(countLinks('http://a.example https://b.example www.c.example <a href="/x">x</a> [url=d]d[/url] [url]e[/url]'), 6)
  t.equal(countLinks('HTTPS://LOUD.EXAMPLE'), 1)
  const stage = linksStage(2)
  t.equal(await stage.run(candidate({ body: 'https://a.example https://b.example' })), undefined)
  t.same(await stage.run(candidate({ body: 'https://a.example https://b.example https://c.example' })), { verdict: { status: 'spam', reasons: ['too_many_links'] } })
  t.same(await linksStage(0).run(candidate({ body: 'see www.x.example' })), { verdict: { status: 'spam', reasons: ['too_many_links'] } })
})

t.test('blocklist: case-insensitive, in the name, email, website or text; an empty list blocks nothing', async (t) => {
  const stage = blocklistStage(['casino', 'Pills'])
  for (const over of [{ body: 'big CASINO wins' }, { authorName: 'pills shop' }, { authorEmail: 'casino@x.example' }, { authorWebsite: 'https://pills.example' }]) {
    t.same(await stage.run(candidate(over)), { verdict: { status: 'spam', reasons: ['blocklist'] } }, JSON.stringify(over))
  }
  t.equal(await stage.run(candidate()), undefined)
  t.equal(await blocklistStage([]).run(candidate({ body: 'casino' })), undefined)
})

t.test('duplicate: the same commenter saying the same thing on the same article is a 409', async (t) => {
  const seen: string[] = []
  const stage = duplicateStage({ isDuplicate: async (articleId, email, body) => (seen.push(`${articleId}|${email}|${body}`), body === 'again') })
  t.equal(await stage.run(candidate()), undefined)
  const error = await stage.run(candidate({ body: 'again' })).catch((e: unknown) => e)
  t.ok(error instanceof AppError)
  t.match(error, { code: 'CONFLICT', status: 409 })
  t.same(seen, ['a1|reader@example.com|A reasonable comment.', 'a1|reader@example.com|again'])
})

t.test('blocks: a blocked email or IP is spam', async (t) => {
  const stage = blockStage({ emailBlocked: async (e) => e === 'bad@example.com', ipBlocked: async (ip) => ip === '192.0.2.1' })
  t.same(await stage.run(candidate({ authorEmail: 'bad@example.com' })), { verdict: { status: 'spam', reasons: ['blocked_email'] } })
  t.same(await stage.run(candidate({ ip: '192.0.2.1' })), { verdict: { status: 'spam', reasons: ['blocked_ip'] } })
  t.equal(await stage.run(candidate()), undefined)
})

t.test('first-time rule: approved with an earlier approved comment, else pending', async (t) => {
  const stage = firstTimeStage({ hasApprovedComment: async (email) => email === 'known@example.com' })
  t.same(await stage.run(candidate({ authorEmail: 'known@example.com' })), { verdict: { status: 'approved', reasons: [] } })
  t.same(await stage.run(candidate()), { verdict: { status: 'pending', reasons: ['first_comment'] } })
})

t.test('akismet: spam, discard, ham, and unavailable (held as pending); skipped without a client', async (t) => {
  t.equal(await akismetStage(undefined).run(candidate()), undefined)
  const spam = fakeAkismet({ spam: true, discard: false })
  t.same(await akismetStage(spam).run(candidate({ isReply: true, authorWebsite: 'https://w.example' })), { akismet: 'spam', verdict: { status: 'spam', reasons: ['akismet'], discard: false } })
  t.match(spam.seen[0], { comment_type: 'reply', comment_author_url: 'https://w.example', user_ip: '203.0.113.1', permalink: 'https://news.example/story', blog: 'https://news.example/', comment_date_gmt: '2026-01-01T00:00:00.000Z' })
  t.same(await akismetStage(fakeAkismet({ spam: true, discard: true })).run(candidate()), { akismet: 'spam', verdict: { status: 'spam', reasons: ['akismet'], discard: true } })
  t.same(await akismetStage(fakeAkismet({ spam: false, discard: false })).run(candidate()), { akismet: 'ham' })
  const errors: unknown[] = []
  const down = akismetStage(fakeAkismet(new AkismetError('timed out', false)), (e) => errors.push(e))
  t.same(await down.run(candidate()), { akismet: 'unavailable', verdict: { status: 'pending', reasons: ['akismet_unavailable'] } })
  t.equal(errors.length, 1, 'the failure is reported')
})

t.test('the pipeline: first verdict wins, in order; Akismet outcome is kept; undecided means pending', async (t) => {
  const order: string[] = []
  const spy = (name: string, outcome?: Awaited<ReturnType<SpamStage['run']>>): SpamStage => ({ name, run: async () => (order.push(name), outcome) })
  const pipeline = createSpamPipeline([spy('a'), spy('akismet', { akismet: 'ham' }), spy('b', { verdict: { status: 'spam', reasons: ['b'] } }), spy('c')])
  t.same(pipeline.stages, ['a', 'akismet', 'b', 'c'])
  t.same(await pipeline.check(candidate()), { status: 'spam', reasons: ['b'], akismet: 'ham' })
  t.same(order, ['a', 'akismet', 'b'], 'later stages do not run')
  t.same(await createSpamPipeline([spy('x')]).check(candidate()), { status: 'pending', reasons: ['unreviewed'], akismet: null })

  // The real order: a honeypot hit never reaches Akismet.
  const akismet = fakeAkismet({ spam: false, discard: false })
  const real = createSpamPipeline([honeypotStage(), linksStage(2), akismetStage(akismet), firstTimeStage({ hasApprovedComment: async () => true })])
  t.same(await real.check(candidate({ honeypot: 'x' })), { status: 'spam', reasons: ['honeypot'], akismet: null })
  t.equal(akismet.seen.length, 0)
  t.same(await real.check(candidate()), { status: 'approved', reasons: [], akismet: 'ham' })
  const down = createSpamPipeline([akismetStage(fakeAkismet(new Error('boom'))), firstTimeStage({ hasApprovedComment: async () => true })])
  t.same(await down.check(candidate()), { status: 'pending', reasons: ['akismet_unavailable'], akismet: 'unavailable' }, 'never approved while Akismet is away')
})

t.test('text cleaning, IP matching, block values, open/closed', async (t) => {
  t.equal(cleanBody('  a\r\nb\rc\u0000\u0007\u200b  '), 'a\nb\nc\u200b')
  t.equal(cleanBody('\ud800x\udfff'), '\ufffdx\ufffd', 'lone surrogates replaced')
  t.equal(cleanBody('😀'), '😀', 'pairs kept')
  t.equal(cleanLine(' Jo\n\tAnn\u0000 '), 'Jo Ann')
  t.equal(ipMatches('198.51.100.7', ['198.51.100.0/24']), '198.51.100.0/24')
  t.equal(ipMatches('::ffff:198.51.100.7', ['198.51.100.7']), '198.51.100.7')
  t.equal(ipMatches('2001:db8::1', ['2001:db8::/32']), '2001:db8::/32')
  t.equal(ipMatches('203.0.113.1', ['198.51.100.0/24', '2001:db8::/32']), undefined)
  t.equal(ipMatches('not-an-ip', ['0.0.0.0/0']), undefined)
  t.equal(canonicalBlock('email', ' A@B.Example '), 'a@b.example')
  t.equal(canonicalBlock('email', '@Spam.Example'), '@spam.example')
  t.equal(canonicalBlock('email', 'nope'), undefined)
  t.equal(canonicalBlock('ip', '10.0.0.0/08'), '10.0.0.0/8')
  t.equal(canonicalBlock('ip', '10.0.0.0/33'), undefined)
  t.equal(canonicalBlock('ip', '1.2.3.4/8/9'), undefined)
  t.equal(canonicalBlock('ip', 'localhost'), undefined)
  const article = { commentsOpen: true, publishedAt: new Date('2026-01-01T00:00:00.000Z') }
  t.equal(commentsOpenAt(article, new Date('2030-01-01'), 0), true, '0 = never closes')
  t.equal(commentsOpenAt(article, new Date('2026-01-14T23:59:59.999Z'), 14), true)
  t.equal(commentsOpenAt(article, new Date('2026-01-15T00:00:00.000Z'), 14), false)
  t.equal(commentsOpenAt({ ...article, commentsOpen: false }, new Date('2026-01-02'), 0), false)
  t.equal(ipRateKey('203.0.113.4'), '203.0.113.4')
  t.equal(ipRateKey('2001:db8:1:2:3:4:5:6'), '2001:db8:1:2::/64')
  t.equal(ipRateKey('2001:db8:1:2::99'), ipRateKey('2001:0db8:0001:0002:aaaa::1'), 'one /64, one key')
  t.equal(ipRateKey('::ffff:10.1.2.3'), '10.1.2.3')
})

t.test('threads: placement at the depth cap, tombstones only above visible replies', async (t) => {
  t.same(placeReply({ id: 'p', parentId: null, rootId: 'p', depth: 0 }), { parentId: 'p', rootId: 'p', depth: 1 })
  t.same(placeReply({ id: 'd4', parentId: 'd3', rootId: 'r', depth: 4 }), { parentId: 'd3', rootId: 'r', depth: 4 }, 'at level 5 a reply goes beside')
  let n = 0
  const row = (id: string, parentId: string | null, status: CommentRow['status'] = 'approved', deleted = false): CommentRow =>
    ({ id, parentId, rootId: 'r', depth: 0, status, deletedAt: deleted ? new Date() : null, authorName: id, authorEmail: `${id}@x.example`, authorWebsite: null, body: id, createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, n++)), isStaff: false }) as CommentRow
  const nodes = [row('r', null, 'trash'), row('a', 'r', 'spam'), row('a1', 'a'), row('b', 'r', 'pending'), row('c', 'r', 'approved', true), row('c1', 'c', 'trash')]
  const [root] = buildThread(['r'], nodes)
  t.match(root, { id: 'r', deleted: true, body: '[deleted]', author_name: null, avatar_hash: null })
  t.equal(root!.replies.length, 1, 'b (pending) and c (deleted, no visible replies) are pruned')
  t.match(root!.replies[0], { id: 'a', deleted: true, replies: [{ id: 'a1', deleted: false, body: 'a1', replies: [] }] })
  t.same(buildThread(['x'], [row('x', null, 'pending')]), [], 'a hidden comment without visible replies is not shown')
})
