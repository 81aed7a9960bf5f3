import type { FastifyInstance } from 'fastify'
import { randomBytes } from 'node:crypto'
import type { TestApp } from './build.js'
import { createArticle, createAuthor, createSection } from './factories.js'

export interface CommentPayload {
  author_name?: string
  author_email?: string
  author_website?: string | null
  body?: string
  parent_id?: string | null
  honeypot?: string | null
  [field: string]: unknown
}

let counter = 0

/** A published article to comment on (published 2025-01-01 unless told otherwise). */
export async function commentableArticle(app: TestApp, values: Omit<Parameters<typeof createArticle>[1], 'sectionId' | 'authorId'> = {}) {
  const db = app.testDb.database.db
  const section = await createSection(db)
  const author = await createAuthor(db)
  return createArticle(db, { sectionId: section.id, authorId: author.id, ...values })
}

/** POSTs a comment; each call from its own IP unless `ip` is given, so rate limits stay out of the way. */
export function postComment(app: FastifyInstance, slug: string, payload: CommentPayload = {}, options: { ip?: string; headers?: Record<string, string> } = {}) {
  counter++
  return app.inject({
    method: 'POST',
    url: `/v1/articles/${slug}/comments`,
    remoteAddress: options.ip ?? `10.${(counter >> 16) & 255}.${(counter >> 8) & 255}.${counter & 255}`,
    headers: { 'user-agent': 'Mozilla/5.0 (TestBrowser)', referer: 'https://site.example/article', ...options.headers },
    payload: {
      author_name: 'Reader',
      author_email: `reader-${randomBytes(4).toString('hex')}@example.com`,
      body: `A thoughtful comment number ${counter}.`,
      ...payload,
    },
  })
}

export async function thread(app: FastifyInstance, slug: string, query = '') {
  return app.inject({ method: 'GET', url: `/v1/articles/${slug}/comments${query}` })
}
