import t from 'tap'
import { eq } from 'drizzle-orm'
import { copyFileSync, existsSync } from 'node:fs'
import path from 'node:path'
import { importJobs, outbox } from '../../src/db/schema/index.js'
import { createManualClock } from '../../src/lib/clock.js'
import { createUser } from '../helpers/auth.js'
import { build } from '../helpers/build.js'
import { actorOf, fixtureFile } from '../helpers/wordpress.js'

/** The job behind POST /v1/admin/imports: held by a heartbeat, taken over when its worker died. */
t.test('import jobs', async (t) => {
  const clock = createManualClock('2026-05-04T09:00:00.000Z')
  const app = await build(t, { clock })
  const admin = await createUser(app, 'admin')
  const db = app.database.db
  // No image server, and loopback is not allowed: the images are refused by the SSRF guard (reported).
  const source = fixtureFile('newsroom.wxr.xml', 'http://127.0.0.1:9')
  const spooled = path.join(app.dataDir, 'spooled.xml')
  copyFileSync(source, spooled)
  const job = await app.services.imports.createJob(actorOf(admin), { source: 'wordpress', filename: 'ledger.xml', filePath: spooled, bytes: 1, dryRun: false, mapping: {} })

  await t.test('a job another worker holds is left alone and looked at again later', async (t) => {
    await db.update(importJobs).set({ status: 'running', lockedUntil: new Date('2026-05-04T09:02:00.000Z') }).where(eq(importJobs.id, job.id))
    t.equal(await app.services.outbox.runOnce(), 1)
    const [row] = await db.select().from(outbox).where(eq(outbox.topic, 'import.run'))
    t.match(row, { status: 'pending', attempts: 1, lastError: /running in another worker/ })
    t.match((await app.services.imports.getJob(job.id)).status, 'running')
    t.ok(existsSync(spooled), 'the file stays for whoever runs it')
  })

  await t.test('once its heartbeat is stale (the worker died), the next attempt resumes it', async (t) => {
    clock.advance(5 * 60_000)
    // On PGlite the job steps aside for requests between items (see Foreground): counted here.
    const foreground = app.services.foreground
    let pauses = 0
    if (foreground) {
      const idle = foreground.idle.bind(foreground)
      foreground.idle = (maxWaitMs) => {
        pauses++
        return idle(maxWaitMs)
      }
    }
    t.equal(await app.services.outbox.runOnce(), 1)
    if (foreground) t.ok(pauses >= 4, `a pause between items (${pauses})`)
    const done = await app.services.imports.getJob(job.id)
    t.match(done, { status: 'completed', counts: { article: { created: 4 } }, error: null })
    t.notOk(existsSync(spooled), 'the spooled file is removed')
    // Without MEDIA_FETCH_ALLOW_PRIVATE the images' loopback URLs are refused by the SSRF guard, and reported.
    t.ok(done.warnings.some((w) => w.item === 'post:30' && /image http:\/\/127\.0\.0\.1:9\/.* not imported: 127\.0\.0\.1 is a .* address/.test(w.message)), 'images on loopback refused')
    const [row] = await db.select().from(outbox).where(eq(outbox.topic, 'import.run'))
    t.equal(row!.status, 'done')
  })

  await t.test('a delivery of a finished job does nothing', async (t) => {
    await app.services.imports.runJob({ ...(await db.select().from(outbox).where(eq(outbox.topic, 'import.run')))[0]!, payload: { jobId: job.id } })
    t.match(await app.services.imports.getJob(job.id), { status: 'completed' })
  })
})
