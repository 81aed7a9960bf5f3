import t from 'tap'
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'
import { build } from './helpers/build.js'

const RULES = path.resolve(import.meta.dirname, '../ops/prometheus/alerts.yml')
const PROMTOOL = '/usr/bin/promtool'
const TOKEN = 'metrics-token-0123456789abcdef'

interface RuleFile {
  groups: { name: string; rules: { alert: string; expr: string; annotations: { runbook: string } }[] }[]
}
const rules = (parse(readFileSync(RULES, 'utf8')) as RuleFile).groups.flatMap((g) => g.rules)

t.test('promtool check rules accepts the example alert rules', { skip: existsSync(PROMTOOL) ? false : `${PROMTOOL} is missing (Debian package prometheus)` }, async (t) => {
  const out = execFileSync(PROMTOOL, ['check', 'rules', RULES], { encoding: 'utf8' })
  t.match(out, /SUCCESS: \d+ rules found/)
})

t.test('every metric an alert names is one GET /metrics exports', async (t) => {
  const app = await build(t, { env: { METRICS_TOKEN: TOKEN } })
  const text = (await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } })).body
  const exported = new Set([...text.matchAll(/^# TYPE (\S+) (\w+)$/gm)].flatMap(([, name, type]) => (type === 'histogram' ? [`${name}_bucket`, `${name}_sum`, `${name}_count`] : [name!])))
  t.ok(rules.length >= 10)
  for (const rule of rules) {
    const names = new Set(rule.expr.match(/\b(?:http|newsroom|nodejs|process)_[a-z0-9_]+/g) ?? [])
    t.ok(names.size > 0 || /\bup\b/.test(rule.expr), `${rule.alert} names a metric`)
    for (const name of names) t.ok(exported.has(name), `${rule.alert}: ${name} is exported`)
  }
})

t.test('every alert points at a section of the runbook that exists', async (t) => {
  const runbook = readFileSync(path.resolve(import.meta.dirname, '../docs/runbook.md'), 'utf8')
  // GitHub's anchors: lower case, punctuation dropped, spaces to hyphens (underscores kept).
  const anchors = new Set([...runbook.matchAll(/^#+ (.+)$/gm)].map(([, title]) => title!.trim().toLowerCase().replace(/[^\w\- ]/g, '').replace(/ /g, '-')))
  for (const rule of rules) {
    const [file, anchor] = rule.annotations.runbook.split('#')
    t.equal(file, 'docs/runbook.md', rule.alert)
    t.ok(anchors.has(anchor!), `${rule.alert}: #${anchor} is a heading of docs/runbook.md`)
  }
})
