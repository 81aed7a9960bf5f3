import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Operation } from './openapi-http.js'

/**
 * Examples recorded from the running API on the demo publication (`npm run openapi`, see
 * src/cli/openapi-examples/), merged into the document: every request body, parameter and
 * response of an operation shows what the API really took and answered.
 */
export interface OperationExamples {
  /** Path and query parameter values of the successful example, by name. */
  parameters?: Record<string, unknown>
  requestBody?: unknown
  /** By status: the body (null when the answer has none). */
  responses: Record<string, unknown>
}

export interface ExamplesFile {
  operations: Record<string, OperationExamples>
  /** One recorded problem per status, for operations that declare a status no scenario reached. */
  problems: Record<string, unknown>
}

export const EXAMPLES_FILE = fileURLToPath(new URL('../../openapi/examples.json', import.meta.url))

/** The committed examples, or none when the file is absent (the first `npm run openapi` records them). */
export function loadExamples(file = EXAMPLES_FILE): ExamplesFile | undefined {
  if (!existsSync(file)) return undefined
  return JSON.parse(readFileSync(file, 'utf8')) as ExamplesFile
}

type Media = { schema?: unknown; example?: unknown; examples?: Record<string, unknown> }
type Parameter = { name?: string; in?: string; example?: unknown }

export const problemExampleName = (status: string) => `Problem${status}`

export function applyExamples(document: Record<string, unknown>, examples: ExamplesFile): void {
  const paths = (document.paths ?? {}) as Record<string, Record<string, Operation>>
  const usedProblems = new Set<string>()
  for (const item of Object.values(paths)) {
    for (const operation of Object.values(item)) {
      const recorded = examples.operations[operation.operationId ?? '']
      if (!recorded) continue
      for (const parameter of (operation.parameters ?? []) as Parameter[]) {
        if ((parameter.in === 'path' || parameter.in === 'query') && parameter.name && recorded.parameters && parameter.name in recorded.parameters) {
          parameter.example = recorded.parameters[parameter.name]
        }
      }
      const body = operation.requestBody as { content?: Record<string, Media> } | undefined
      if (body?.content && recorded.requestBody !== undefined) {
        for (const media of Object.values(body.content)) media.example = recorded.requestBody
      }
      for (const [status, response] of Object.entries(operation.responses)) {
        const content = response.content as Record<string, Media> | undefined
        if (!content) continue
        const value = recorded.responses[status]
        for (const media of Object.values(content)) {
          if (value !== undefined && value !== null) media.example = value
          else if (Number(status) >= 400 && status in examples.problems) {
            media.examples = { [problemExampleName(status)]: { $ref: `#/components/examples/${problemExampleName(status)}` } }
            usedProblems.add(status)
          }
        }
      }
    }
  }
  const components = ((document.components ??= {}) as Record<string, Record<string, unknown>>)
  components.examples = Object.fromEntries(
    [...usedProblems].sort().map((status) => {
      const problem = examples.problems[status] as { code?: string; title?: string }
      return [problemExampleName(status), { summary: `${status} ${problem.code ?? ''}: ${problem.title ?? ''}`.trim(), value: problem }]
    }),
  )
}
