import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { dataOf, expectStatus, type Session } from './session.js'

/** Subscribers, the outbox and the audit trail. */
export async function newsletterAdminScenarios(s: Session, pendingSubscriber: string): Promise<void> {
  expectStatus(await s.call('adminListSubscribers', { query: { limit: 5 }, as: 'editor' }), 200)
  expectStatus(await s.call('adminExportSubscribers', { query: { status: ['confirmed', 'unsubscribed'] }, as: 'editor' }), 200)
  expectStatus(await s.call('adminResendConfirmation', { path: { id: pendingSubscriber }, as: 'editor' }), 200)
  expectStatus(await s.call('adminEraseSubscriber', { path: { id: pendingSubscriber }, query: { reason: 'Asked by email to be forgotten' }, as: 'editor' }), 204)
  // Article emails: preview, a test to the desk, the send, its progress; a second send cancelled.
  const [article] = dataOf<{ id: string }[]>(await s.call('listArticles', { query: { limit: 1 }, example: false }))
  expectStatus(await s.call('adminPreviewArticleNewsletter', { path: { id: article!.id }, as: 'editor' }), 200)
  expectStatus(await s.call('adminTestArticleNewsletter', { path: { id: article!.id }, body: { email: 'desk@thedefencetimes.example' }, as: 'editor' }), 202)
  const send = dataOf<{ id: string }>(await s.call('adminSendArticleNewsletter', { path: { id: article!.id }, body: {}, as: 'editor' }), 202)
  expectStatus(await s.call('adminSendArticleNewsletter', { path: { id: article!.id }, body: {}, as: 'editor' }), 409)
  expectStatus(await s.call('adminGetNewsletterSend', { path: { id: send.id }, as: 'editor' }), 200)
  const again = dataOf<{ id: string }>(await s.call('adminSendArticleNewsletter', { path: { id: article!.id }, body: { resend: true }, as: 'editor', example: false }), 202)
  expectStatus(await s.call('adminCancelNewsletterSend', { path: { id: again.id }, as: 'editor' }), 200)
  expectStatus(await s.call('adminListNewsletterSends', { query: { limit: 5 }, as: 'editor' }), 200)
  expectStatus(await s.call('adminSuppressNewsletterAddresses', { body: { emails: ['bounced-reader@example.com'], reason: 'bounced' }, as: 'editor' }), 200)
  expectStatus(await s.call('adminListOutbox', { query: { topic: 'email.send', limit: 2 } }), 200)
  expectStatus(await s.call('adminListAudit', { query: { limit: 3 } }), 200)
  // The whole publication: the recorded example keeps the head and a row of two tables.
  const exported = expectStatus(await s.call('adminExport', {}), 200)
  const document = exported.body as { tables: Record<string, { slug: string }[]> }
  // Rows come in key order (random ids): show the first by slug, the same in every recording.
  const first = (rows: { slug: string }[]) => [...rows].sort((a, b) => a.slug.localeCompare(b.slug)).slice(0, 1)
  document.tables = { ...Object.fromEntries(Object.keys(document.tables).map((name) => [name, []])), sections: first(document.tables.sections!), tags: first(document.tables.tags!) }
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

/** A small WordPress export, sent as a dry run (the job is recorded queued: no worker runs here). */
const SAMPLE_WXR = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
  <title>The Defence Times</title>
  <link>https://old.thedefencetimes.example</link>
  <wp:wxr_version>1.2</wp:wxr_version>
  <wp:author><wp:author_login><![CDATA[desk]]></wp:author_login><wp:author_display_name><![CDATA[News Desk]]></wp:author_display_name></wp:author>
  <wp:category><wp:category_nicename><![CDATA[asia-pacific]]></wp:category_nicename><wp:cat_name><![CDATA[Asia-Pacific]]></wp:cat_name></wp:category>
  <item>
    <title><![CDATA[Navy commissions a new frigate]]></title>
    <link>https://old.thedefencetimes.example/2024/03/navy-commissions-frigate/</link>
    <dc:creator><![CDATA[desk]]></dc:creator>
    <content:encoded><![CDATA[<!-- wp:paragraph --><p>The frigate joins the fleet this week.</p><!-- /wp:paragraph -->]]></content:encoded>
    <wp:post_id>12</wp:post_id>
    <wp:post_date_gmt><![CDATA[2024-03-05 08:00:00]]></wp:post_date_gmt>
    <wp:post_name><![CDATA[navy-commissions-frigate]]></wp:post_name>
    <wp:status><![CDATA[publish]]></wp:status>
    <wp:post_type><![CDATA[post]]></wp:post_type>
    <category domain="category" nicename="asia-pacific"><![CDATA[Asia-Pacific]]></category>
  </item>
</channel>
</rss>
`

export async function importScenarios(s: Session): Promise<void> {
  const created = await s.call('adminCreateImport', {
    multipart: { fields: { source: 'wordpress', dry_run: 'true' }, file: { name: 'thedefencetimes.wordpress.xml', type: 'application/xml', bytes: Buffer.from(SAMPLE_WXR) } },
  })
  const job = dataOf<{ id: string }>(created, 202)
  expectStatus(await s.call('adminCreateImport', { multipart: { fields: { source: 'ghost' }, file: { name: 'ghost.json', type: 'application/json', bytes: Buffer.from(SAMPLE_WXR) } } }), 422)
  expectStatus(await s.call('adminGetImport', { path: { id: job.id } }), 200)
}
