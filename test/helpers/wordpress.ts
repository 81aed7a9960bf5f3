import { createReadStream, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import sharp from 'sharp'
import type { Actor } from '../../src/services/actor.js'
import type { TestUser } from './auth.js'

export const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/import/wordpress')

/** The old site's uploads, served on 127.0.0.1: `/wp-content/uploads/…` answer PNGs, anything else 404. */
export async function startUploadsServer() {
  const images = new Map<string, Buffer>()
  for (const [name, colour] of [['cranes', '#c0392b'], ['pilot', '#2471a3']] as const) {
    images.set(`/wp-content/uploads/2026/04/${name}.png`, await sharp({ create: { width: 900, height: 600, channels: 3, background: colour } }).png().toBuffer())
  }
  const requests: string[] = []
  const server = http.createServer((req, res) => {
    requests.push(req.url ?? '')
    const image = images.get(req.url ?? '')
    if (!image) {
      res.statusCode = 404
      return res.end('not found')
    }
    res.setHeader('content-type', 'image/png')
    res.end(image)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    images,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

/** The fixture export with its image URLs pointing at `origin`, as a file. */
export function fixtureFile(name: string, origin: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'wxr-'))
  const file = path.join(dir, name)
  writeFileSync(file, readFileSync(path.join(FIXTURES, name), 'utf8').replaceAll('{{ORIGIN}}', origin))
  return file
}

export const opener = (file: string) => () => createReadStream(file, { highWaterMark: 1024 })

export const actorOf = (user: TestUser): Actor => ({ id: user.id, email: user.email, name: 'Admin', role: user.role, authorId: null })
