import t from 'tap'
import { createChangeChannel } from '../../src/db/notifications.js'
import { createTestDatabase } from '../helpers/database.js'

const silent = { warn() {} }

t.test('the change channel: listening once subscribe resolves, every message, none after unsubscribing', { skip: process.env.TEST_DATABASE_URL ? false : 'needs TEST_DATABASE_URL (PGlite is one process: its channel does nothing)' }, async (t) => {
  const db = await createTestDatabase()
  t.teardown(() => db.destroy())
  const channel = createChangeChannel(db.database, silent)
  const heard: (string | null)[] = []
  let wake: (() => void) | undefined
  const unsubscribe = await channel.subscribe((message) => {
    heard.push(message)
    wake?.()
  })
  // Listening already: a message published now is heard.
  const delivered = new Promise<void>((resolve) => (wake = resolve))
  await channel.publish('{"origin":"x"}')
  await delivered
  t.same(heard, ['{"origin":"x"}'], 'the message, and no null: nothing can have been missed before the first LISTEN')
  await unsubscribe()
  // The listener's connection is closed: its backend leaves, so no session of this channel listens
  // any more and nothing published can reach the handler. Asked until it has left, without a clock:
  // a listener that stayed would hold this test until tap's timeout fails it.
  const listeners = async () =>
    Number((await db.database.pool!.query(`select count(*) as n from pg_stat_activity where application_name = 'newsroom-cms-listener' and datname = current_database()`)).rows[0].n)
  while ((await listeners()) > 0) await new Promise((resolve) => setImmediate(resolve))
  await channel.publish('{"origin":"y"}')
  await db.database.pool!.query('select 1')
  t.same(heard, ['{"origin":"x"}'], 'and nothing more was heard')
})

t.test('a lost listener: null when it goes, null again when it listens again (changes in between were missed), then messages again', { skip: process.env.TEST_DATABASE_URL ? false : 'needs TEST_DATABASE_URL' }, async (t) => {
  const db = await createTestDatabase()
  t.teardown(() => db.destroy())
  const channel = createChangeChannel(db.database, silent)
  const heard: (string | null)[] = []
  const waiters: { count: number; resolve: () => void }[] = []
  const until = (count: number) => new Promise<void>((resolve) => waiters.push({ count, resolve }))
  const unsubscribe = await channel.subscribe((message) => {
    heard.push(message)
    for (const w of waiters) if (heard.length >= w.count) w.resolve()
  })
  t.teardown(unsubscribe)
  const twoNulls = until(2)
  const killed = await db.database.pool!.query(`select pg_terminate_backend(pid) as done from pg_stat_activity where application_name = 'newsroom-cms-listener' and datname = current_database()`)
  t.equal(killed.rowCount, 1, 'the listener had its connection')
  await twoNulls
  t.same(heard, [null, null], 'the connection went, and listening started again')
  const delivered = until(3)
  await channel.publish('{"origin":"z"}')
  await delivered
  t.same(heard, [null, null, '{"origin":"z"}'])
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
