import t from 'tap'
import { sql } from 'drizzle-orm'
import { migrate } from 'drizzle-orm/pglite/migrator'
import type { PgliteDatabase } from 'drizzle-orm/pglite'
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { createDatabase } from '../../src/db/client.js'
import { MIGRATIONS_FOLDER } from '../../src/db/migrate.js'

const REPAIR = '0014_slug_checks_live_sessions'

/** Rows as an older release could leave them: slug "" from names like "!!!" — then the migration. */
t.test(`${REPAIR} gives rows with the empty slug one, and the database refuses it from then on`, async (t) => {
  const folder = mkdtempSync(path.join(tmpdir(), 'newsroom-migrations-'))
  t.teardown(() => rmSync(folder, { recursive: true, force: true }))
  cpSync(MIGRATIONS_FOLDER, folder, { recursive: true })
  const journalFile = path.join(folder, 'meta/_journal.json')
  const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: { tag: string }[] }
  const at = journal.entries.findIndex((e) => e.tag === REPAIR)
  t.ok(at > 0, 'the repair migration is in the journal')
  writeFileSync(journalFile, JSON.stringify({ ...journal, entries: journal.entries.slice(0, at) }))

  const database = await createDatabase({ kind: 'pglite' })
  t.teardown(() => database.close())
  const db = database.db as unknown as PgliteDatabase
  await migrate(db, { migrationsFolder: folder })
  const rows = (query: ReturnType<typeof sql>) => db.execute(query).then((r) => (r as unknown as { rows: Record<string, unknown>[] }).rows)
  await db.execute(sql`insert into sections (slug, name) values ('', '!!!'), ('world', 'World')`)
  await db.execute(sql`insert into tags (slug, name) values ('', 'Москва')`)
  await db.execute(sql`insert into authors (slug, name) values ('', '???')`)
  await db.execute(sql`insert into pages (slug, title) values ('', '…')`)
  const [author] = await rows(sql`select id from authors`)
  const [section] = await rows(sql`select id from sections where slug = ''`)
  await db.execute(sql`insert into articles (slug, title, section_id, author_id) values ('a-story', 'A story', ${section!.id}, ${author!.id})`)
  await db.execute(sql`insert into article_tags (article_id, tag_id, position) select a.id, t.id, 0 from articles a, tags t`)

  await migrate(db, { migrationsFolder: MIGRATIONS_FOLDER })
  for (const table of ['sections', 'tags', 'authors', 'pages']) {
    const slugs = (await rows(sql.raw(`select slug, replace(id::text, '-', '') as hex from ${table} order by slug`))) as { slug: string; hex: string }[]
    const prefix = table.replace(/s$/, '')
    for (const { slug, hex } of slugs) if (slug !== 'world') t.equal(slug, `${prefix}-${hex}`, `${table}: the empty slug became one made from the id`)
    t.ok(slugs.every(({ slug }) => /^[a-z0-9]+(-[a-z0-9]+)*$/.test(slug)), `${table}: every slug is a valid slug`)
  }
  const [article] = await rows(sql`select tag_refs from articles`)
  t.match(article!.tag_refs, [{ slug: /^tag-[0-9a-f]{32}$/, name: 'Москва' }], "the article's tag list follows the repaired slug")
  await t.rejects(db.execute(sql`update tags set slug = ''`), 'the check constraint holds')
})
