import net from 'node:net'

/**
 * Which addresses an outgoing request may connect to. The decision is made on the parsed address,
 * never on its spelling: `::ffff:7f00:1`, `0:0:0:0:0:ffff:127.0.0.1` and `127.0.0.1` are one
 * address, and IPv6 forms that carry an IPv4 address (mapped, NAT64, 6to4, Teredo) are judged by
 * the IPv4 address they reach.
 */

const V4_BLOCKS: [base: string, bits: number, label: string][] = [
  ['0.0.0.0', 8, 'this network'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'carrier-grade NAT'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'IETF protocol assignments'],
  ['192.0.2.0', 24, 'documentation'],
  ['192.88.99.0', 24, '6to4 relay anycast'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'],
]

const v4Number = (ip: string) => ip.split('.').reduce((n, part) => n * 256 + Number(part), 0)
const v4Text = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.')
const V4_RANGES = V4_BLOCKS.map(([base, bits, label]) => ({ base: v4Number(base), bits, label: `${label} (${base}/${bits})` }))

function blockedV4(n: number): string | null {
  for (const range of V4_RANGES) {
    const size = 2 ** (32 - range.bits)
    if (Math.floor(n / size) === Math.floor(range.base / size)) return range.label
  }
  return null
}

/** The eight 16-bit words of an IPv6 address (zone id dropped), or null when it is not one. */
export function ipv6Words(address: string): number[] | null {
  let text = address.toLowerCase().split('%')[0]!
  if (!net.isIPv6(text)) return null
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)
  if (dotted) {
    const n = v4Number(dotted[1]!)
    text = `${text.slice(0, dotted.index)}${Math.floor(n / 65536).toString(16)}:${(n % 65536).toString(16)}`
  }
  const [head = '', tail] = text.split('::')
  const left = head ? head.split(':') : []
  const right = tail ? tail.split(':') : []
  const words = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right]
  return words.map((w) => Number.parseInt(w, 16))
}

const v4Of = (high: number, low: number) => high * 65536 + low

function blockedV6(w: number[]): string | null {
  const zeros = (from: number, to: number) => w.slice(from, to).every((x) => x === 0)
  if (zeros(0, 8)) return 'unspecified (::)'
  if (zeros(0, 7) && w[7] === 1) return 'loopback (::1)'
  if (zeros(0, 5) && w[5] === 0xffff) {
    const v4 = v4Of(w[6]!, w[7]!)
    const reason = blockedV4(v4)
    return reason && `IPv4-mapped ${v4Text(v4)}: ${reason}`
  }
  if (zeros(0, 6)) return 'IPv4-compatible (::/96, deprecated)'
  if (w[0] === 0x64 && w[1] === 0xff9b) {
    if (zeros(2, 6)) {
      const v4 = v4Of(w[6]!, w[7]!)
      const reason = blockedV4(v4)
      return reason && `NAT64 of ${v4Text(v4)}: ${reason}`
    }
    if (w[2] === 1) return 'local-use NAT64 (64:ff9b:1::/48)'
  }
  // Everything outside global unicast (2000::/3) is local, multicast, reserved or unassigned.
  if ((w[0]! & 0xe000) !== 0x2000) {
    if ((w[0]! & 0xfe00) === 0xfc00) return 'unique local (fc00::/7)'
    if ((w[0]! & 0xffc0) === 0xfe80) return 'link-local (fe80::/10)'
    if ((w[0]! & 0xffc0) === 0xfec0) return 'site-local (fec0::/10, deprecated)'
    if ((w[0]! & 0xff00) === 0xff00) return 'multicast (ff00::/8)'
    return 'reserved (outside 2000::/3)'
  }
  if (w[0] === 0x2002) {
    const v4 = v4Of(w[1]!, w[2]!)
    const reason = blockedV4(v4)
    return reason && `6to4 of ${v4Text(v4)}: ${reason}`
  }
  if (w[0] === 0x2001 && w[1] === 0) {
    // Teredo: the server's IPv4 address in clear, the client's inverted in the last 32 bits.
    const server = v4Of(w[2]!, w[3]!)
    const client = v4Of(w[6]! ^ 0xffff, w[7]! ^ 0xffff)
    const reason = blockedV4(server) ?? blockedV4(client)
    return reason && `Teredo (2001::/32) through ${v4Text(server)} to ${v4Text(client)}: ${reason}`
  }
  if (w[0] === 0x2001 && w[1] === 0x0db8) return 'documentation (2001:db8::/32)'
  if (w[0] === 0x2001 && w[1] === 2 && w[2] === 0) return 'benchmarking (2001:2::/48)'
  if (w[0] === 0x2001 && (w[1]! & 0xfff0) === 0x0010) return 'ORCHID (2001:10::/28)'
  if ((w[0]! & 0xfff0) === 0x3ff0) return 'documentation (3fff::/20)'
  if (w[0] === 0x5f00) return 'SRv6 SIDs (5f00::/16)'
  return null
}

/**
 * Why an address must not be connected to (loopback, private, link-local, CGNAT, multicast,
 * reserved, documentation… in any IPv4 or IPv6 spelling), or null for a public address. Anything
 * that is not an IP address at all is refused too.
 */
export function blockedAddressReason(address: string): string | null {
  const ip = address.replace(/^\[|\]$/g, '')
  if (net.isIPv4(ip)) return blockedV4(v4Number(ip))
  const words = ipv6Words(ip)
  return words ? blockedV6(words) : 'not an IP address'
}

export function isPrivateAddress(address: string): boolean {
  return blockedAddressReason(address) !== null
}
