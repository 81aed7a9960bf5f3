import { lookup as dnsLookup, type LookupAddress } from 'node:dns'
import net from 'node:net'

const V4_BLOCKS: [string, number][] = [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24], ['203.0.113.0', 24],
  ['224.0.0.0', 4], ['240.0.0.0', 4],
]

const toNumber = (ip: string) => ip.split('.').reduce((n, part) => (n << 8) + Number(part), 0) >>> 0

/** Loopback, private, link-local, CGNAT, documentation, multicast and reserved addresses (v4 and v6). */
export function isPrivateAddress(address: string): boolean {
  const ip = address.replace(/^\[|\]$/g, '').toLowerCase()
  if (net.isIPv4(ip)) {
    const n = toNumber(ip)
    return V4_BLOCKS.some(([base, bits]) => (n >>> (32 - bits)) === (toNumber(base) >>> (32 - bits)))
  }
  if (!net.isIPv6(ip)) return true
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(ip)
  if (mapped) return isPrivateAddress(mapped[1]!)
  if (ip === '::' || ip === '::1') return true
  const first = Number.parseInt(ip.split(':')[0] || '0', 16)
  return (first & 0xfe00) === 0xfc00 || (first & 0xffc0) === 0xfe80 || (first & 0xff00) === 0xff00 || ip.startsWith('2001:db8')
}

/**
 * A DNS lookup for outgoing requests that refuses private addresses (SSRF guard). Used at connect
 * time, so a name that resolved to a public address when a webhook was registered cannot be
 * re-pointed at the internal network later (DNS rebinding).
 */
export function guardedLookup(allowPrivate: boolean) {
  return (hostname: string, options: { all?: boolean; family?: number }, callback: (error: Error | null, address?: string | LookupAddress[], family?: number) => void) => {
    dnsLookup(hostname, { all: true, family: options.family ?? 0 }, (error, addresses) => {
      if (error) return callback(error)
      const allowed = addresses.filter((a) => allowPrivate || !isPrivateAddress(a.address))
      if (allowed.length === 0) return callback(Object.assign(new Error(`${hostname} resolves to a private address`), { code: 'EPRIVATE' }))
      if (options.all) return callback(null, allowed)
      callback(null, allowed[0]!.address, allowed[0]!.family)
    })
  }
}

/** Resolves a URL's host and says whether every address it has is public. */
export async function resolvesToPublic(url: URL): Promise<boolean> {
  const host = url.hostname.replace(/^\[|\]$/g, '')
  if (net.isIP(host)) return !isPrivateAddress(host)
  const addresses = await new Promise<LookupAddress[]>((resolve, reject) => dnsLookup(host, { all: true }, (e, a) => (e ? reject(e) : resolve(a))))
  return addresses.length > 0 && addresses.every((a) => !isPrivateAddress(a.address))
}
