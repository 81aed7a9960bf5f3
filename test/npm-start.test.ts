import t from 'tap'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'

/**
 * `npm start` signalled through npm alone (a process manager that knows only the pid it started)
 * stops the server: the start script execs node itself, so npm's forwarded signal reaches the
 * server, which drains and exits. Before, a `tsx` parent in between died and left the server running.
 * No clocks: the child's `close` event fires only once every process holding its output has exited.
 */
const ROOT = path.resolve(import.meta.dirname, '..')

t.test('SIGTERM to the npm process of `npm start` stops the server and frees its port', async (t) => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'newsroom-npm-start-'))
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }))
  const npm = spawn('npm', ['start', '--silent'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, SEED: 'false', LOG_LEVEL: 'info', DATABASE_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  npm.stdout.on('data', (chunk) => (out += chunk))
  npm.stderr.on('data', (chunk) => (out += chunk))
  // 'close': npm exited AND every process that inherited its stdout/stderr (the server) closed them.
  const closed = new Promise<void>((resolve) => npm.on('close', () => resolve()))
  const url = await new Promise<string>((resolve, reject) => {
    const check = () => {
      const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(out)
      if (match) resolve(match[1]!)
    }
    npm.stdout.on('data', check)
    void closed.then(() => reject(new Error(`npm start ended before listening:\n${out}`)))
  })
  const serverPid = Number(/"pid":(\d+)/.exec(out)?.[1])
  t.not(serverPid, npm.pid, 'the server is its own process, under npm')
  t.teardown(() => {
    try {
      process.kill(serverPid, 'SIGKILL') // only if the test failed and it is still running
    } catch {
      // gone, as it should be
    }
  })
  t.equal((await fetch(`${url}/health/live`)).status, 200)

  npm.kill('SIGTERM')
  await closed
  t.match(out, /"signal":"SIGTERM","msg":"shutting down: draining requests"/, 'the server got the signal and drained')
  t.throws(() => process.kill(serverPid, 0), { code: 'ESRCH' }, 'the server process is gone')
  const refused = await new Promise<string>((resolve) => {
    const socket = connect(Number(new URL(url).port), '127.0.0.1')
    socket.on('connect', () => {
      socket.destroy()
      resolve('connected')
    })
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'))
  })
  t.equal(refused, 'ECONNREFUSED', 'nothing listens on its port any more')
})
