import { inArray, sql } from 'drizzle-orm'
import { ConfigError, loadConfig } from '../config.js'
import { parseCommandLine } from './args.js'
import { openConfiguredDatabase, type Db } from '../db/client.js'
import { runMigrations } from '../db/migrate.js'
import { articles, articleTags, authors, sections, tags } from '../db/schema/index.js'
import { renderBody } from '../lib/markdown.js'
import { slugify } from '../lib/slugify.js'
import { ADJECTIVES, COMMON_WORDS, COUNTRIES, DEFENCE_WORDS, PLACES, SYSTEMS, VERBS } from './bench-vocabulary.js'

/**
 * `npm run bench:data -- --articles 100000`: fills the configured database (DATABASE_URL, or the
 * embedded one in DATA_DIR) with realistic articles for benchmarks: bodies of varied length with a
 * Zipf-like word distribution, tags with a long tail (a few very common, most rare), dates spread
 * over years, a few drafts and scheduled posts. Deterministic for a given --seed.
 */

function rng(seed: number) {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** A large made-up vocabulary (pronounceable, deterministic) for the long tail of word frequencies. */
const SYLLABLES = ['ka', 'lo', 'mi', 'ren', 'ta', 'vo', 'sen', 'dar', 'il', 'mor', 'pe', 'qua', 'ris', 'tu', 'gal', 'bre', 'cho', 'nad', 'fel', 'yum']
const LONG_TAIL = Array.from({ length: 20_000 }, (_, i) => {
  let word = ''
  for (let n = i + 400, k = 0; k < 3 || n > 0; k++, n = Math.floor(n / SYLLABLES.length)) word += SYLLABLES[n % SYLLABLES.length]
  return word
})

const DEFAULT_SECTIONS = [
  ['asia-pacific', 'Asia-Pacific'], ['europe', 'Europe'], ['india', 'India'], ['middle-east', 'Middle-East'],
  ['north-america', 'North America'], ['south-asia', 'South Asia'], ['russia-ukraine-war', 'Russia-Ukraine War'],
] as const

export async function generateBenchData(db: Db, options: { articles: number; tags: number; authors: number; seed: number; log: (line: string) => void }) {
  const random = rng(options.seed)
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!
  /** Index with a Zipf-like (1/rank) distribution over n items. */
  const zipf = (n: number) => Math.min(n - 1, Math.floor(Math.exp(random() * Math.log(n + 1)) - 1))
  const normal = () => Math.sqrt(-2 * Math.log(random() || 1e-9)) * Math.cos(2 * Math.PI * random())

  await db.insert(sections).values(DEFAULT_SECTIONS.map(([slug, name], position) => ({ slug, name, position }))).onConflictDoNothing()
  const sectionRows = await db.select({ id: sections.id, slug: sections.slug }).from(sections)

  const authorValues = Array.from({ length: options.authors }, (_, i) => ({ slug: `bench-author-${i + 1}`, name: `Bench Author ${i + 1}` }))
  await db.insert(authors).values(authorValues).onConflictDoNothing()
  const authorRows = await db.select({ id: authors.id }).from(authors).where(inArray(authors.slug, authorValues.map((a) => a.slug)))

  // Tags: topics built from the vocabulary; rank decides popularity (rank 0 most common).
  const topicNames = [...new Set([...COUNTRIES, ...SYSTEMS.map((s) => `${s}s`), ...PLACES.map((p) => p.replace(/^the /, '')), ...DEFENCE_WORDS])]
  const tagValues = Array.from({ length: options.tags }, (_, i) => {
    const base = topicNames[i % topicNames.length]!
    const name = i < topicNames.length ? base : `${base} ${Math.floor(i / topicNames.length) + 1}`
    return { slug: `bench-${slugify(name)}`, name: name.replace(/^\w/, (c) => c.toUpperCase()) }
  })
  for (let i = 0; i < tagValues.length; i += 1000) await db.insert(tags).values(tagValues.slice(i, i + 1000)).onConflictDoNothing()
  const tagIdBySlug = new Map((await db.select({ id: tags.id, slug: tags.slug }).from(tags)).map((t) => [t.slug, t.id]))
  const tagIds = tagValues.map((t) => tagIdBySlug.get(t.slug)!)

  const existing = Number((await db.select({ n: sql<number>`count(*)` }).from(articles).where(sql`${articles.slug} like 'bench-%'`))[0]?.n ?? 0)
  const now = Date.now()
  const span = 8 * 365 * 86_400_000
  const batchSize = 500
  const started = Date.now()
  for (let done = 0; done < options.articles; done += batchSize) {
    const batch = []
    const batchTags: number[][] = []
    for (let i = done; i < Math.min(done + batchSize, options.articles); i++) {
      const n = existing + i + 1
      const country = pick(COUNTRIES)
      const system = pick(SYSTEMS)
      const title = `${country.replace(/^the /, 'The ')} ${pick(VERBS)} ${pick(ADJECTIVES)} ${system} ${random() < 0.5 ? `in ${pick(PLACES)}` : `as ${pick(DEFENCE_WORDS)} ${pick(['grows', 'stalls', 'expands', 'is reviewed'])}`}`
      const articleTagIdx = [...new Set(Array.from({ length: 2 + Math.floor(random() * 4) }, () => zipf(options.tags)))]
      // Each article has a topic: its tags, its system and country, a handful of defence terms.
      // Body words: common words (mostly stop words), the long tail of a large vocabulary, and the
      // topic, so that a domain term appears in a realistic few percent of articles, not all of them.
      const topic = [
        ...articleTagIdx.map((t) => tagValues[t]!.name.toLowerCase()),
        system,
        country,
        ...Array.from({ length: 4 }, () => DEFENCE_WORDS[zipf(DEFENCE_WORDS.length)]!),
      ]
      const words = Math.max(120, Math.min(2500, Math.round(Math.exp(6.3 + 0.5 * normal()))))
      const paragraphs: string[] = []
      let count = 0
      while (count < words) {
        const sentences: string[] = []
        for (let s = 0; s < 3 + Math.floor(random() * 4) && count < words; s++) {
          const length = 8 + Math.floor(random() * 14)
          const sentence: string[] = []
          for (let w = 0; w < length; w++) {
            const roll = random()
            sentence.push(roll < 0.12 ? pick(topic) : roll < 0.55 ? COMMON_WORDS[zipf(COMMON_WORDS.length)]! : LONG_TAIL[zipf(LONG_TAIL.length)]!)
          }
          count += length
          sentences.push(`${sentence.join(' ').replace(/^\w/, (c) => c.toUpperCase())}.`)
        }
        paragraphs.push(sentences.join(' '))
      }
      const source = paragraphs.join('\n\n')
      const body = await renderBody(source, 'markdown')
      const roll = random()
      const status = roll < 0.03 ? 'draft' : roll < 0.05 ? 'scheduled' : 'published'
      const publishedAt =
        status === 'scheduled' ? new Date(now + Math.floor(random() * 30 * 86_400_000)) : status === 'draft' ? null : new Date(now - Math.floor(random() ** 1.5 * span))
      batch.push({
        slug: `bench-${slugify(title).slice(0, 70)}-${n.toString(36)}`,
        title,
        excerpt: body.text.slice(0, 200),
        bodyFormat: 'markdown' as const,
        bodySource: source,
        bodyHtml: body.html,
        bodyText: body.text,
        wordCount: body.wordCount,
        readingTimeMinutes: body.readingTimeMinutes,
        sectionId: pick(sectionRows).id,
        authorId: pick(authorRows).id,
        status: status as 'draft' | 'scheduled' | 'published',
        publishedAt: publishedAt ? new Date(Math.floor(publishedAt.getTime())) : null,
        createdAt: publishedAt ?? new Date(now),
        updatedAt: publishedAt ?? new Date(now),
      })
      batchTags.push(articleTagIdx)
    }
    const inserted = await db.insert(articles).values(batch).returning({ id: articles.id })
    const links = inserted.flatMap((row, i) => batchTags[i]!.map((t, position) => ({ articleId: row.id, tagId: tagIds[t]!, position })))
    await db.insert(articleTags).values(links)
    const total = Math.min(done + batchSize, options.articles)
    if (total % 5000 === 0 || total === options.articles) {
      options.log(`${total} / ${options.articles} articles (${Math.round((Date.now() - started) / 1000)} s)`)
    }
  }
  return { articles: options.articles, tags: options.tags, authors: options.authors }
}

const USAGE = `Usage: npm run bench:data -- [--articles N] [--tags N] [--authors N] [--seed N]
Fills the configured database (DATABASE_URL, or the embedded one in DATA_DIR) with generated articles
for benchmarks; applies the migrations first. Deterministic for a given --seed.
  --articles N   articles to add (default 10000)
  --tags N       tags, with a long tail of popularity (default 2000)
  --authors N    authors (default 60)
  --seed N       random seed (default 42)
  -h, --help     this text`

async function main() {
  const values = parseCommandLine(USAGE, {
    articles: { type: 'string', default: '10000' },
    tags: { type: 'string', default: '2000' },
    authors: { type: 'string', default: '60' },
    seed: { type: 'string', default: '42' },
  })
  for (const name of ['articles', 'tags', 'authors', 'seed'] as const) {
    const n = Number(values[name])
    if (!Number.isInteger(n) || n < (name === 'seed' ? 0 : 1)) throw new Error(`--${name} must be a ${name === 'seed' ? 'non-negative' : 'positive'} integer, not "${values[name]}"`)
  }
  const count = Number(values.articles)
  const config = loadConfig({ ...process.env, SEED: 'false' })
  const database = await openConfiguredDatabase(config.database, { poolSize: 4, timeoutMs: 0 })
  try {
    await runMigrations(database)
    process.stdout.write(`generating ${count} articles into ${database.kind === 'postgres' ? 'PostgreSQL' : `PGlite (${config.dataDir})`}\n`)
    const report = await generateBenchData(database.db, {
      articles: count,
      tags: Number(values.tags),
      authors: Number(values.authors),
      seed: Number(values.seed),
      log: (line) => process.stdout.write(`${line}\n`),
    })
    await database.db.execute(sql`analyze`)
    process.stdout.write(`done: ${JSON.stringify(report)}\n`)
  } finally {
    await database.close()
  }
}

if (process.argv[1]?.endsWith('bench-data.ts') || process.argv[1]?.endsWith('bench-data.js')) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof ConfigError || error instanceof Error ? error.message : String(error)}\n`)
    process.exit(1)
  })
}

