// ESLint rule: an import that leads, through any chain of relative imports (type-only ones too),
// back to the importing file is an error naming the whole cycle. A cycle hides an ordering bug
// at load time and makes every module on it depend on every other.
import path from 'node:path'
import { pathBetween, resolveImport } from './import-graph.js'

export const noImportCycle = {
  meta: {
    type: 'problem',
    docs: { description: 'Forbid import cycles between source files, type-only imports included' },
    schema: [],
    messages: { cycle: 'Import cycle: {{cycle}}. Move what both sides need into a module of its own.' },
  },
  create(context) {
    const file = context.filename
    const check = (node, source) => {
      if (!source || typeof source.value !== 'string') return
      const target = resolveImport(file, source.value)
      if (!target) return
      const back = pathBetween(target, file)
      if (!back) return
      const cycle = [file, ...back].map((f) => path.relative(context.cwd, f)).join(' → ')
      context.report({ node: source, messageId: 'cycle', data: { cycle } })
    }
    return {
      ImportDeclaration: (node) => check(node, node.source),
      ExportNamedDeclaration: (node) => check(node, node.source),
      ExportAllDeclaration: (node) => check(node, node.source),
      ImportExpression: (node) => check(node, node.source),
    }
  },
}

export const localPlugin = { rules: { 'no-import-cycle': noImportCycle } }
