import t from 'tap'
import { createChangeChannel } from '../../src/db/notifications.js'
import { createTestDatabase } from '../helpers/database.js'

const silent = { warn() {} }

t.test('the change channel: null once listening starts (changes before it were not heard), then every message, none after unsubscribing', { skip: process.env.TEST_DATABASE_URL ? false : 'needs TEST_DATABASE_URL (PGlite is one process: its channel does nothing)' }, async (t) => {
  const db = await createTestDatabase()
  t.teardown(() => db.destroy())
  const channel = createChangeChannel(db.database, silent)
  const heard: (string | null)[] = []
  let wake: (() => void) | undefined
  const next = () => new Promise<void>((resolve) => (wake = resolve))
  const waiting = next()
  const unsubscribe = await channel.subscribe((message) => {
    heard.push(message)
    wake?.()
  })
  await waiting
  t.same(heard, [null], 'listening: the caches built before must be dropped')
  const delivered = next()
  await channel.publish('{"origin":"x"}')
  await delivered
  t.same(heard, [null, '{"origin":"x"}'])
  await unsubscribe()
  await channel.publish('{"origin":"y"}')
  // A notification sent after the listener ended reaches nobody: a round trip on the pool later,
  // nothing more was heard.
  await db.database.pool!.query('select 1')
  t.same(heard, [null, '{"origin":"x"}'])
})

t.test('on PGlite the channel does nothing and calls nothing', { skip: process.env.TEST_DATABASE_URL ? 'PGlite only' : false }, async (t) => {
  const db = await createTestDatabase()
  t.teardown(() => db.destroy())
  const channel = createChangeChannel(db.database, silent)
  const heard: (string | null)[] = []
  const unsubscribe = await channel.subscribe((message) => heard.push(message))
  await channel.publish('anything')
  await unsubscribe()
  t.same(heard, [])
})
