import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { dataOf, expectStatus, type Session } from './session.js'

/** Subscribers, the outbox and the audit trail. */
export async function newsletterAdminScenarios(s: Session, pendingSubscriber: string): Promise<void> {
  expectStatus(await s.call('adminListSubscribers', { query: { limit: 5 }, as: 'editor' }), 200)
  expectStatus(await s.call('adminExportSubscribers', { query: { status: ['confirmed', 'unsubscribed'] }, as: 'editor' }), 200)
  expectStatus(await s.call('adminResendConfirmation', { path: { id: pendingSubscriber }, as: 'editor' }), 200)
  expectStatus(await s.call('adminEraseSubscriber', { path: { id: pendingSubscriber }, query: { reason: 'Asked by email to be forgotten' }, as: 'editor' }), 204)
  expectStatus(await s.call('adminListOutbox', { query: { topic: 'email.send', limit: 2 } }), 200)
  expectStatus(await s.call('adminListAudit', { query: { limit: 3 } }), 200)
  // The whole publication: the recorded example keeps the head and a row of two tables.
  const exported = expectStatus(await s.call('adminExport', {}), 200)
  const document = exported.body as { tables: Record<string, { slug: string }[]> }
  // Rows come in key order (random ids): show the first by slug, the same in every recording.
  const first = (rows: { slug: string }[]) => [...rows].sort((a, b) => a.slug.localeCompare(b.slug)).slice(0, 1)
  document.tables = { sections: first(document.tables.sections!), tags: first(document.tables.tags!) }
}

/**
 * Webhooks against a real receiver on loopback (the recorder allows private targets); its address
 * is shown as the frontend's in the examples.
 */
export async function webhookScenarios(s: Session): Promise<void> {
  const receiver = createServer((request, response) => {
    request.resume()
    request.on('end', () => response.writeHead(204).end())
  })
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
  try {
    const base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`
    s.normalizer.volatile(base, 'https://frontend.thedefencetimes.example')
    const created = dataOf<{ id: string; secret: string }>(
      await s.call('adminCreateWebhook', { body: { url: `${base}/api/revalidate`, events: ['article.published', 'article.updated', 'article.deleted'], description: 'Next.js on-demand revalidation' } }),
      201,
    )
    const id = created.id
    expectStatus(await s.call('adminListWebhooks'), 200)
    expectStatus(await s.call('adminGetWebhook', { path: { id } }), 200)
    expectStatus(await s.call('adminUpdateWebhook', { path: { id }, body: { events: ['*'], description: 'Next.js on-demand revalidation (all events)' } }), 200)
    expectStatus(await s.call('adminRotateWebhookSecret', { path: { id } }), 200)
    expectStatus(await s.call('adminTestWebhook', { path: { id } }), 200)
    expectStatus(await s.call('adminListWebhookDeliveries', { path: { id }, query: { limit: 5 } }), 200)
    expectStatus(await s.call('adminDeleteWebhook', { path: { id } }), 204)
  } finally {
    await new Promise((resolve) => receiver.close(resolve))
  }
}
