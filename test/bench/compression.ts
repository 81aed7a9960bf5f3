/**
 * `npx tsx test/bench/compression.ts`: what each brotli quality and gzip level costs and saves on
 * the demo publication's responses (an article, the 20-article list, the home page's sections with
 * their latest articles, the RSS feed). Encodes each body in this process with the API's own encoder
 * (src/lib/content-coding.ts), one at a time, and prints bytes and the median time per encoding, so
 * COMPRESSION_BROTLI_QUALITY and COMPRESSION_GZIP_LEVEL can be chosen from numbers.
 */
import os from 'node:os'
import type { Coding } from '../../src/lib/content-coding.js'
import { parseCommandLine } from '../../src/cli/args.js'
import { integerAtLeast } from './settings.js'

const USAGE = `Usage: npx tsx test/bench/compression.ts [--runs N]
Times each brotli quality and gzip level with the API's own encoder on the demo publication's
responses (an embedded database of its own, the demo seed, the API with COMPRESSION=false so bodies
come back as they are), one encoding at a time, and prints bytes and the median time per encoding.
  --runs N     encodings timed per body and setting (default 60)
  -h, --help   this text`
const args = parseCommandLine(USAGE, { runs: { type: 'string', default: '60' } })
let runs: number
try {
  runs = integerAtLeast(1, args.runs, '--runs')
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`)
  process.exit(2)
}
// Loaded once the arguments are understood: --help answers without loading the API.
const { createEncoder } = await import('../../src/lib/content-coding.js')
const { build } = await import('../helpers/build.js')

const teardowns: (() => unknown)[] = []
const app = await build({ teardown: (fn) => void teardowns.push(fn) }, { seed: true, env: { COMPRESSION: 'false' } })
const urls: Record<string, string> = {
  article: '/v1/articles/chinas-6th-generation-fighter-jet-takes-first-flight',
  'latest 20': '/v1/articles?limit=20',
  'sections, latest': '/v1/sections?include=latest',
  RSS: '/v1/feeds/rss.xml',
}
const bodies = await Promise.all(Object.entries(urls).map(async ([name, url]) => ({ name, body: (await app.inject({ url })).rawPayload })))
for (const teardown of teardowns.reverse()) await teardown()

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
async function time(encode: () => Promise<Buffer>): Promise<{ bytes: number; us: number }> {
  let bytes = (await encode()).length
  const samples: number[] = []
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint()
    bytes = (await encode()).length
    samples.push(Number(process.hrtime.bigint() - start) / 1000)
  }
  return { bytes, us: median(samples) }
}

const setting = (coding: Coding, brotliQuality: number, gzipLevel: number): [string, (body: Buffer) => Promise<Buffer>] => {
  const encode = createEncoder({ brotliQuality, gzipLevel })
  return [coding === 'br' ? `br ${brotliQuality}` : `gzip ${gzipLevel}`, (body) => encode(body, coding)]
}
const settings = [...[1, 3, 4, 5, 6, 9, 11].map((q) => setting('br', q, 6)), ...[1, 6, 9].map((level) => setting('gzip', 5, level))]
process.stdout.write(`Node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}; encoder: src/lib/content-coding.ts in this process (bodies over 32 KB go through libuv's thread pool)\n`)
process.stdout.write(`median of ${runs} encodings each, one at a time; settings: br quality 1, 3, 4, 5, 6, 9, 11 (gzip level 6), gzip level 1, 6, 9\n\n`)
const header = ['setting', ...bodies.map((b) => `${b.name} (${(b.body.length / 1024).toFixed(1)} KB)`)]
const lines: string[][] = []
for (const [name, encode] of settings) {
  const cells = [name]
  for (const { body } of bodies) {
    const r = await time(() => encode(body))
    cells.push(`${(r.bytes / 1024).toFixed(1)} KB, ${r.us >= 1000 ? `${(r.us / 1000).toFixed(1)} ms` : `${r.us.toFixed(0)} µs`}`)
  }
  lines.push(cells)
}
const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)))
const fmt = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`
process.stdout.write(`${fmt(header)}\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|\n${lines.map(fmt).join('\n')}\n`)
