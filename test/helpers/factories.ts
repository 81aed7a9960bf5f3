import { randomBytes } from 'node:crypto'
import type { Executor } from '../../src/db/client.js'
import { articles, articleTags, authors, sections, tags } from '../../src/db/schema/index.js'
import { renderBody } from '../../src/lib/markdown.js'

const suffix = () => randomBytes(3).toString('hex')

export async function createSection(db: Executor, values: Partial<typeof sections.$inferInsert> = {}) {
  const slug = values.slug ?? `section-${suffix()}`
  const [row] = await db.insert(sections).values({ slug, name: values.name ?? slug, position: 100, ...values }).returning()
  return row!
}

export async function createAuthor(db: Executor, values: Partial<typeof authors.$inferInsert> = {}) {
  const slug = values.slug ?? `author-${suffix()}`
  const [row] = await db.insert(authors).values({ slug, name: values.name ?? slug, ...values }).returning()
  return row!
}

export async function createTag(db: Executor, values: Partial<typeof tags.$inferInsert> = {}) {
  const slug = values.slug ?? `tag-${suffix()}`
  const [row] = await db.insert(tags).values({ slug, name: values.name ?? slug, ...values }).returning()
  return row!
}

export async function createArticle(
  db: Executor,
  values: Partial<typeof articles.$inferInsert> & { sectionId: string; authorId: string; body?: string; tagIds?: string[] },
) {
  const { body = 'Placeholder body text for a test article.', tagIds = [], ...rest } = values
  const rendered = await renderBody(body, 'markdown')
  const slug = rest.slug ?? `article-${suffix()}`
  const [row] = await db
    .insert(articles)
    .values({
      slug,
      title: rest.title ?? `Article ${slug}`,
      bodySource: body,
      bodyHtml: rendered.html,
      bodyText: rendered.text,
      wordCount: rendered.wordCount,
      readingTimeMinutes: rendered.readingTimeMinutes,
      status: 'published',
      publishedAt: new Date('2025-01-01T00:00:00.000Z'),
      ...rest,
    })
    .returning()
  if (tagIds.length > 0) {
    await db.insert(articleTags).values(tagIds.map((tagId, position) => ({ articleId: row!.id, tagId, position })))
  }
  return row!
}
