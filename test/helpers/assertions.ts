import type { Test } from 'tap'

interface Reply {
  statusCode: number
  headers: Record<string, unknown>
  json(): unknown
}

/** Asserts an RFC 9457 problem with this status and code; returns the body. */
export function assertProblem(t: Test, res: Reply, status: number, code: string): Record<string, unknown> {
  t.equal(res.statusCode, status, `status ${status}`)
  t.match(res.headers['content-type'], /^application\/problem\+json/)
  t.equal(res.headers['cache-control'], 'private, no-store')
  const body = res.json() as Record<string, unknown>
  t.match(body, { type: `urn:newsroom:problem:${code.toLowerCase().replaceAll('_', '-')}`, title: String, status, detail: String, code })
  t.equal(body.requestId, res.headers['x-request-id'])
  return body
}
