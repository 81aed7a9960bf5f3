import t from 'tap'
import { build } from '../helpers/build.js'

t.test('GET /health/live and /health/ready answer 200', async (t) => {
  const app = await build(t)
  const live = await app.inject({ method: 'GET', url: '/health/live' })
  t.equal(live.statusCode, 200)
  t.same(live.json(), { status: 'ok' })
  const ready = await app.inject({ method: 'GET', url: '/health/ready' })
  t.equal(ready.statusCode, 200)
  t.same(ready.json(), { status: 'ok', database: app.database.kind })
  t.match(ready.headers['x-request-id'], /^[0-9a-f-]{36}$/)
})

t.test('/health/ready is 503 problem+json while the database is gone; live stays 200', async (t) => {
  const app = await build(t)
  await app.database.close()
  const ready = await app.inject({ method: 'GET', url: '/health/ready' })
  t.equal(ready.statusCode, 503)
  t.match(ready.headers['content-type'], /^application\/problem\+json/)
  t.match(ready.json(), { code: 'SERVICE_UNAVAILABLE', status: 503 })
  const live = await app.inject({ method: 'GET', url: '/health/live' })
  t.equal(live.statusCode, 200)
})
