import { lookup as dnsLookup, type LookupAddress } from 'node:dns'
import http, { type IncomingHttpHeaders } from 'node:http'
import https from 'node:https'
import net from 'node:net'
import type { Duplex } from 'node:stream'
import { blockedAddressReason } from './ip-ranges.js'

export { blockedAddressReason, isPrivateAddress } from './ip-ranges.js'

/**
 * The SSRF guard for every request this server makes to a URL someone else chose (webhook
 * targets, remote images): http(s) only, and no connection to a loopback, private, link-local or
 * otherwise non-public address unless `allowPrivate`. Addresses are vetted where the connection is
 * made — IP literals before connecting, names on every DNS answer — so a name that resolved to a
 * public address when it was registered cannot be re-pointed at the internal network later (DNS
 * rebinding), and no spelling of an address (`[::ffff:7f00:1]`, `2130706433`, `0x7f.1`) gets past.
 */

export type TargetProblem = 'unparseable' | 'scheme' | 'unresolvable' | 'private'

/** A URL that must not be requested: `problem` says why, `message` says it in words. */
export class TargetRefused extends Error {
  readonly code = 'ETARGETREFUSED'
  readonly problem: TargetProblem
  constructor(problem: TargetProblem, message: string) {
    super(message)
    this.name = 'TargetRefused'
    this.problem = problem
  }
}

export interface GuardOptions {
  /** Allow private and loopback targets (development, tests, an intranet deployment). */
  allowPrivate: boolean
}

/** The WHATWG parse of an http(s) URL (it normalises `http://2130706433/` to 127.0.0.1), or TargetRefused. */
export function parseTarget(raw: string | URL): URL {
  let url: URL
  try {
    url = typeof raw === 'string' ? new URL(raw) : raw
  } catch {
    throw new TargetRefused('unparseable', 'is not a URL this server can parse')
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TargetRefused('scheme', 'must be an http or https URL')
  return url
}

const bare = (hostname: string) => hostname.replace(/^\[|\]$/g, '')

const privateTarget = (host: string, address: string, reason: string) =>
  new TargetRefused('private', `${host === address ? address : `${host} (${address})`} is a ${reason} address`)

/** A dns.lookup for sockets: drops every non-public address of a name, and fails when none is left. */
export function guardedLookup(options: GuardOptions): net.LookupFunction {
  const lookup = (hostname: string, lookupOptions: { all?: boolean; family?: number | string; hints?: number }, callback: (error: Error | null, address?: string | LookupAddress[], family?: number) => void) => {
    const family = lookupOptions.family === 'IPv4' ? 4 : lookupOptions.family === 'IPv6' ? 6 : Number(lookupOptions.family ?? 0)
    dnsLookup(hostname, { all: true, family, hints: lookupOptions.hints ?? 0 }, (error, addresses) => {
      if (error) return callback(error)
      const allowed = options.allowPrivate ? addresses : addresses.filter((a) => blockedAddressReason(a.address) === null)
      if (allowed.length === 0) {
        const first = addresses[0]
        return callback(new TargetRefused('private', `${hostname} resolves only to non-public addresses${first ? ` (${first.address}: ${blockedAddressReason(first.address)})` : ''}`))
      }
      if (lookupOptions.all) return callback(null, allowed)
      callback(null, allowed[0]!.address, allowed[0]!.family)
    })
  }
  return lookup as unknown as net.LookupFunction
}

type ConnectOptions = net.NetConnectOpts & { host?: string; socketPath?: string }
type Created = (error: Error | null, socket?: Duplex) => void

/** Vets an IP literal (which never goes through DNS) and puts the guarded lookup on the socket. */
function guardConnection(options: ConnectOptions, guard: GuardOptions, callback: Created): ConnectOptions | undefined {
  const refuse = (error: Error) => {
    process.nextTick(callback, error)
    return undefined
  }
  if (options.socketPath) return refuse(new TargetRefused('private', 'unix sockets are not a network target'))
  const host = bare(String(options.host ?? 'localhost'))
  if (net.isIP(host) && !guard.allowPrivate) {
    const reason = blockedAddressReason(host)
    if (reason) return refuse(privateTarget(host, host, reason))
  }
  return { ...options, lookup: guardedLookup(guard) }
}

class GuardedHttpAgent extends http.Agent {
  private readonly guard: GuardOptions
  constructor(guard: GuardOptions) {
    super({ keepAlive: false })
    this.guard = guard
  }
  override createConnection(options: ConnectOptions, callback: Created): Duplex | undefined {
    const guarded = guardConnection(options, this.guard, callback)
    return guarded && (super.createConnection as (o: ConnectOptions, c: Created) => Duplex)(guarded, callback)
  }
}

class GuardedHttpsAgent extends https.Agent {
  private readonly guard: GuardOptions
  constructor(guard: GuardOptions) {
    super({ keepAlive: false })
    this.guard = guard
  }
  override createConnection(options: ConnectOptions, callback: Created): Duplex | undefined {
    const guarded = guardConnection(options, this.guard, callback)
    return guarded && (super.createConnection as (o: ConnectOptions, c: Created) => Duplex)(guarded, callback)
  }
}

const agents = new Map<string, http.Agent>()

/**
 * An http or https Agent whose every connection is vetted (see above): hand it to any client
 * library that accepts an agent. `guardedRequest` uses it.
 */
export function guardedAgent(protocol: 'http:' | 'https:', options: GuardOptions): http.Agent {
  const key = `${protocol}${options.allowPrivate}`
  let agent = agents.get(key)
  if (!agent) {
    const guard = { allowPrivate: options.allowPrivate }
    agent = protocol === 'https:' ? new GuardedHttpsAgent(guard) : new GuardedHttpAgent(guard)
    agents.set(key, agent)
  }
  return agent
}

/**
 * Registration-time check of a URL: parseable, http(s), and its host — an IP literal, or every
 * address its name resolves to now — public (unless allowPrivate). Connections are vetted again
 * when they are made; this check only gives the person registering the URL an early answer.
 */
export async function vetTarget(raw: string | URL, options: GuardOptions): Promise<URL> {
  const url = parseTarget(raw)
  if (options.allowPrivate) return url
  const host = bare(url.hostname)
  if (net.isIP(host)) {
    const reason = blockedAddressReason(host)
    if (reason) throw privateTarget(host, host, reason)
    return url
  }
  let addresses: LookupAddress[]
  try {
    addresses = await new Promise<LookupAddress[]>((resolve, reject) => dnsLookup(host, { all: true }, (e, a) => (e ? reject(e) : resolve(a))))
  } catch {
    throw new TargetRefused('unresolvable', `${host} does not resolve`)
  }
  for (const { address } of addresses) {
    const reason = blockedAddressReason(address)
    if (reason) throw privateTarget(host, address, reason)
  }
  if (addresses.length === 0) throw new TargetRefused('unresolvable', `${host} does not resolve`)
  return url
}

export interface GuardedRequestOptions extends GuardOptions {
  method?: string
  headers?: Record<string, string | number>
  body?: string | Buffer
  /** The whole exchange (connect, send, receive) must be over within this time. */
  timeoutMs: number
  /** Keep at most this many bytes of the response body (more is an error); 0 (default) discards it. */
  maxResponseBytes?: number
  /** Follow up to this many redirects of a GET or HEAD, each target vetted again (default 0). */
  maxRedirects?: number
}

export interface GuardedResponse {
  status: number
  headers: IncomingHttpHeaders
  /** Empty unless maxResponseBytes was set. */
  body: Buffer
  /** The URL that answered (after redirects). */
  url: string
}

/**
 * One HTTP request to a URL someone else chose, through the guarded agent. Rejects with
 * TargetRefused (not http(s), unparseable, non-public address) or the network error.
 */
export async function guardedRequest(raw: string | URL, options: GuardedRequestOptions): Promise<GuardedResponse> {
  let url = parseTarget(raw)
  const method = (options.method ?? 'GET').toUpperCase()
  for (let hop = 0; ; hop++) {
    const response = await requestOnce(url, method, options)
    const location = response.headers.location
    const redirect = response.status >= 300 && response.status < 400 && location && (method === 'GET' || method === 'HEAD')
    if (!redirect || hop >= (options.maxRedirects ?? 0)) return response
    url = parseTarget(new URL(location, url).href)
  }
}

function requestOnce(url: URL, method: string, options: GuardedRequestOptions): Promise<GuardedResponse> {
  const limit = options.maxResponseBytes ?? 0
  return new Promise((resolve, reject) => {
    const request = (url.protocol === 'https:' ? https : http).request(url, {
      method,
      agent: guardedAgent(url.protocol as 'http:' | 'https:', options),
      headers: options.headers,
    })
    const deadline = setTimeout(() => request.destroy(new Error(`no complete answer within ${options.timeoutMs} ms`)), options.timeoutMs)
    const fail = (error: Error) => {
      clearTimeout(deadline)
      reject(error)
    }
    request.on('error', fail)
    request.on('response', (response) => {
      const chunks: Buffer[] = []
      let size = 0
      let overflow: Error | undefined
      response.on('data', (chunk: Buffer) => {
        if (limit === 0 || overflow) return
        size += chunk.length
        if (size <= limit) return void chunks.push(chunk)
        overflow = new Error(`the answer is larger than ${limit} bytes`)
        request.destroy()
        fail(overflow)
      })
      response.on('error', (error) => fail(overflow ?? error))
      response.on('end', () => {
        clearTimeout(deadline)
        if (overflow) return
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks), url: url.href })
      })
    })
    request.end(options.body)
  })
}
