import { spawn, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import { TS_NODE_ARGS } from './ts-runner.js'

const ROOT = path.resolve(import.meta.dirname, '../..')

export interface ServerProcess {
  url: string
  child: ChildProcess
  output(): string
  stop(signal?: NodeJS.Signals): Promise<number | null>
}

const running = new Set<ChildProcess>()
// A test file that fails or times out must not leave its servers behind.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL')
})

/**
 * Starts `src/server.ts` as a real process on a free port and waits until it listens, or fails when
 * it exits first. No clock: on a starved machine a start takes what it takes (tap's per-file timeout
 * is the bound), and the process is killed when the test process ends.
 */
export async function startServer(env: Record<string, string>, options: { args?: string[] } = {}): Promise<ServerProcess> {
  // `args`: what Node runs instead of src/server.ts (the built bundle, say).
  const child = spawn(process.execPath, options.args ?? [...TS_NODE_ARGS, 'src/server.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  running.add(child)
  let out = ''
  child.stdout!.on('data', (chunk) => (out += chunk))
  child.stderr!.on('data', (chunk) => (out += chunk))
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      running.delete(child)
      resolve(code)
    }),
  )
  const url = await new Promise<string>((resolve, reject) => {
    const check = () => {
      const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(out)
      if (match) resolve(match[1]!)
    }
    child.stdout!.on('data', check)
    void exited.then((code) => reject(new Error(`server exited with ${code}:\n${out}`)))
  })
  return {
    url,
    child,
    output: () => out,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null) child.kill(signal)
      return exited
    },
  }
}
