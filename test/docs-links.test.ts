import t from 'tap'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'

/**
 * The README and docs/ point at things that exist: every relative link names an existing file (and,
 * with a #fragment, a heading of it), and every `npm run X` they mention is a script of package.json.
 */
const ROOT = path.resolve(import.meta.dirname, '..')
const DOCS = ['README.md', ...readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)]
/**
 * Documents other branches of issue 15 add, linked from the README ahead of them. Remove an entry
 * once its file is merged: from then on a missing file fails like any other.
 */
const scripts = new Set(Object.keys((JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts))

/** Text outside fenced code blocks (links there are examples, not navigation). */
function prose(markdown: string): string {
  return markdown.replace(/^```[^\n]*\n[\s\S]*?^```$/gm, '')
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
function anchors(markdown: string): Set<string> {
  return new Set(
    [...prose(markdown).matchAll(/^#{1,6} (.+)$/gm)].map((m) =>
      m[1]!.trim().toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-'),
    ),
  )
}

t.test('every relative link points at an existing file and heading', async (t) => {
  let checked = 0
  for (const doc of DOCS) {
    const text = readFileSync(path.join(ROOT, doc), 'utf8')
    for (const [, target] of prose(text).matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/i.test(target!)) continue // http:, https:, mailto:
      const [file, fragment] = target!.split('#') as [string, string | undefined]
      const resolved = file === '' ? doc : path.posix.normalize(path.posix.join(path.posix.dirname(doc), file))
      checked++
      if (!existsSync(path.join(ROOT, resolved))) {
        t.fail(`${doc}: link to ${target} — ${resolved} does not exist`)
        continue
      }
      if (fragment !== undefined && resolved.endsWith('.md')) {
        t.ok(anchors(readFileSync(path.join(ROOT, resolved), 'utf8')).has(fragment), `${doc}: ${target} names a heading of ${resolved}`)
      } else t.pass(`${doc}: ${target}`)
    }
  }
  t.ok(checked > 30, `${checked} links checked`)
})

t.test('every `npm run X` mentioned is a script', async (t) => {
  for (const doc of DOCS) {
    const text = readFileSync(path.join(ROOT, doc), 'utf8')
    for (const [, name] of text.matchAll(/npm run (?:--silent )?([a-z][\w:-]*)/g)) t.ok(scripts.has(name!), `${doc}: npm run ${name}`)
  }
})

t.test('README.md stays a page a newcomer reads', async (t) => {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8')
  t.ok(readme.split('\n').length <= 300, 'under 300 lines')
  for (const heading of ['Quick start', 'The API at a glance', 'Editing through the API', 'Documentation']) t.match(readme, new RegExp(`^## ${heading}$`, 'm'))
  t.match(readme, /npm ci && npm start/)
})
