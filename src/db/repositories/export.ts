import { asc, getTableColumns, getTableName, sql, type SQL } from 'drizzle-orm'
import { getTableConfig, type PgColumn, type PgTable } from 'drizzle-orm/pg-core'
import type { Executor } from '../client.js'
import {
  articleAuthors,
  collectionItems,
  collectionSlugRedirects,
  collections,
  articleBodyMedia,
  articleCorrections,
  articleNotes,
  articleRelatedPins,
  articleRevisions,
  articles,
  articleSlugRedirects,
  articleTags,
  authors,
  authorSlugRedirects,
  commentBlocks,
  comments,
  importItems,
  media,
  pages,
  pageSlugRedirects,
  pathAliases,
  sections,
  sectionSlugRedirects,
  siteSettings,
  subscriberErasures,
  subscribers,
  tags,
  tagSlugRedirects,
  users,
} from '../schema/index.js'

/**
 * What the export holds, in the order a restore inserts it (every reference points backwards).
 * Each table's rows carry their columns by SQL name, minus `omit`: secrets that must not leave the
 * server (password hashes, sessions, pending tokens) and what the database derives again on insert
 * (search vectors, counts and denormalised copies kept by triggers, identity sequences).
 */
export const EXPORT_TABLES: readonly { table: PgTable; omit?: readonly string[]; description: string }[] = [
  { table: siteSettings, description: 'Site settings: title, tagline, navigation, permalinks…' },
  { table: sections, description: 'Sections' },
  { table: authors, description: 'Author profiles (bylines)' },
  { table: tags, omit: ['usage_count'], description: 'Tags (usage counts are derived again)' },
  { table: users, omit: ['password_hash', 'session_epoch', 'last_login_at'], description: 'Staff accounts, without passwords or sessions: restored accounts sign in after a password reset by an admin' },
  { table: media, description: 'Media library metadata (the files stay in their storage)' },
  { table: articles, omit: ['comment_count', 'tag_refs', 'author_refs', 'search', 'search_head'], description: 'Articles (counts, tag and byline copies and search vectors are derived again)' },
  { table: articleAuthors, description: 'Article ↔ author: each article’s byline, in order (author_id of articles is its first author)' },
  { table: articleCorrections, description: 'Public corrections, updates and clarifications appended to articles' },
  { table: articleTags, omit: ['published_at'], description: 'Article ↔ tag, in the article’s order' },
  { table: articleRelatedPins, description: 'Editor-pinned related articles' },
  { table: articleRevisions, description: 'Every saved state of every article' },
  { table: articleBodyMedia, description: 'Media used in article bodies' },
  { table: articleNotes, omit: ['id'], description: 'Internal editorial notes' },
  { table: articleSlugRedirects, description: 'Old article slugs' },
  { table: pages, description: 'Static pages' },
  { table: collections, description: 'Front-page collections: size, fill rule, order' },
  { table: collectionItems, description: 'Articles pinned into collection slots, with their expiries' },
  { table: collectionSlugRedirects, description: 'Old collection slugs' },
  { table: sectionSlugRedirects, description: 'Old section slugs' },
  { table: tagSlugRedirects, description: 'Old tag slugs' },
  { table: authorSlugRedirects, description: 'Old author slugs' },
  { table: pageSlugRedirects, description: 'Old page slugs' },
  { table: pathAliases, description: 'Old website paths and where they now lead' },
  { table: comments, omit: ['seq'], description: 'Comments, oldest first (parents before replies)' },
  { table: commentBlocks, description: 'Blocked commenters' },
  { table: subscribers, omit: ['confirm_token_hash', 'confirm_token_expires_at'], description: 'Newsletter subscribers with their consent records' },
  { table: subscriberErasures, description: 'Record of GDPR erasures (never whose address it was)' },
  { table: importItems, description: 'Where imported items came from (WordPress ids and URLs): a re-import after a restore still changes nothing' },
]

export type ExportRow = Record<string, unknown>

/** The exported tables by name, with what each holds (for the OpenAPI document and docs). */
export const EXPORTED_TABLES: readonly { name: string; description: string }[] = EXPORT_TABLES.map((spec) => ({ name: getTableName(spec.table), description: spec.description }))

interface TableShape {
  name: string
  /** Exported columns by SQL name. */
  columns: [string, PgColumn][]
  /** The drizzle property of each exported column, by SQL name (what an insert takes). */
  properties: Map<string, string>
  order: PgColumn[]
}

function shapeOf(spec: (typeof EXPORT_TABLES)[number]): TableShape {
  const omit = new Set(spec.omit ?? [])
  const all = Object.values(getTableColumns(spec.table)) as PgColumn[]
  const config = getTableConfig(spec.table)
  const primary = config.primaryKeys[0]?.columns ?? all.filter((column) => column.primary)
  // Comments go oldest first so a reply never comes before its parent; everything else by key.
  const order = spec.table === comments ? [comments.seq] : primary.length > 0 ? primary : all
  const properties = new Map(Object.entries(getTableColumns(spec.table)).map(([property, column]) => [column.name, property]))
  return { name: getTableName(spec.table), columns: all.filter((column) => !omit.has(column.name)).map((column) => [column.name, column]), properties, order }
}

const SHAPES = EXPORT_TABLES.map(shapeOf)
/** Not an argon2 hash: no password verifies against it. */
export const RESTORED_PASSWORD_HASH = '!restored-without-password'
const BATCH = 500

/** A JSON value for a column value: dates as ISO 8601, everything else as the driver gives it. */
const toJson = (value: unknown): unknown => (value instanceof Date ? value.toISOString() : value)

export function createExportRepository(db: Executor) {
  return {
    tables: SHAPES.map((shape) => shape.name),

    /** One table's rows, in batches, by keyset on its order columns (constant cost per batch at any size). */
    async *rows(name: string): AsyncGenerator<ExportRow[]> {
      const shape = SHAPES.find((s) => s.name === name)
      if (!shape) throw new Error(`not an exported table: ${name}`)
      const table = EXPORT_TABLES[SHAPES.indexOf(shape)]!.table
      const select = Object.fromEntries([...shape.columns, ...shape.order.map((column, i) => [`__order${i}`, column] as const)])
      let after: unknown[] | undefined
      for (;;) {
        const keyset: SQL | undefined = after
          ? sql`(${sql.join(shape.order.map((column) => sql`${column}`), sql`, `)}) > (${sql.join(after.map((value) => sql`${value}`), sql`, `)})`
          : undefined
        const batch = (await db
          .select(select)
          .from(table)
          .where(keyset)
          .orderBy(...shape.order.map((column) => asc(column)))
          .limit(BATCH)) as Record<string, unknown>[]
        if (batch.length === 0) return
        after = shape.order.map((_column, i) => batch.at(-1)![`__order${i}`])
        yield batch.map((row) => Object.fromEntries(shape.columns.map(([key]) => [key, toJson(row[key])])))
        if (batch.length < BATCH) return
      }
    },

    /**
     * Inserts exported rows into their table, keeping their ids; rows whose key already exists are
     * left as they are (a restore run twice changes nothing). Triggers derive counts, tag copies and
     * search vectors as for any insert.
     */
    async insert(name: string, rows: ExportRow[]): Promise<number> {
      const index = SHAPES.findIndex((s) => s.name === name)
      if (index < 0) throw new Error(`not an exported table: ${name}`)
      const shape = SHAPES[index]!
      const table = EXPORT_TABLES[index]!.table
      const known = new Map(shape.columns)
      const values = rows.map((row) =>
        Object.fromEntries(
          Object.entries(row).map(([key, value]) => {
            const column = known.get(key)
            if (!column) throw new Error(`${name}: unknown column ${key}`)
            return [shape.properties.get(key)!, column.dataType === 'date' && typeof value === 'string' ? new Date(value) : value]
          }),
        ),
      )
      if (values.length === 0) return 0
      if (table === users) {
        // Passwords never leave the server: a restored account has none that verifies until an
        // admin sets one (PATCH /v1/admin/users/{id}) or the user-create CLI resets it.
        for (const row of values) row.passwordHash = RESTORED_PASSWORD_HASH
      }
      if (table === siteSettings) {
        // One row: the restored publication's settings replace the ones a first start made.
        const row = values[0] as typeof siteSettings.$inferInsert
        await db.insert(siteSettings).values(row).onConflictDoUpdate({ target: siteSettings.id, set: row })
        return 1
      }
      if (table === articleAuthors) {
        // A restored article already has its first author's row (a trigger makes it on insert): the
        // exported byline takes its place, position included. Rows already as exported count as
        // nothing written, so a second restore still changes nothing.
        const inserted = await db
          .insert(articleAuthors)
          .values(values as (typeof articleAuthors.$inferInsert)[])
          .onConflictDoUpdate({
            target: [articleAuthors.articleId, articleAuthors.authorId],
            set: { position: sql`excluded.position` },
            setWhere: sql`${articleAuthors.position} is distinct from excluded.position`,
          })
          .returning({ one: sql<number>`1` })
        return inserted.length
      }
      const inserted = await db.insert(table).values(values as never).onConflictDoNothing().returning({ one: sql<number>`1` })
      return inserted.length
    },

    /** The columns a table's rows carry, by name. */
    columnsOf(name: string): string[] {
      return SHAPES.find((s) => s.name === name)?.columns.map(([key]) => key) ?? []
    },
  }
}

export type ExportRepository = ReturnType<typeof createExportRepository>
