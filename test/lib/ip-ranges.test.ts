import t from 'tap'
import { blockedAddressReason, ipv6Words } from '../../src/lib/ip-ranges.js'

t.test('one address, any spelling: IPv6 words are parsed, not pattern-matched', async (t) => {
  t.same(ipv6Words('::ffff:7f00:1'), [0, 0, 0, 0, 0, 0xffff, 0x7f00, 1])
  t.same(ipv6Words('0:0:0:0:0:ffff:127.0.0.1'), [0, 0, 0, 0, 0, 0xffff, 0x7f00, 1])
  t.same(ipv6Words('::FFFF:127.0.0.1'), [0, 0, 0, 0, 0, 0xffff, 0x7f00, 1])
  t.same(ipv6Words('fe80::1%eth0'), [0xfe80, 0, 0, 0, 0, 0, 0, 1])
  t.same(ipv6Words('::'), [0, 0, 0, 0, 0, 0, 0, 0])
  t.same(ipv6Words('1::'), [1, 0, 0, 0, 0, 0, 0, 0])
  t.equal(ipv6Words('127.0.0.1'), null)
  t.equal(ipv6Words('not-an-address'), null)
})

t.test('non-public addresses are refused in every IPv4 and IPv6 form', async (t) => {
  const refused: [string, RegExp][] = [
    ['127.0.0.1', /loopback/],
    ['127.255.255.254', /loopback/],
    ['0.0.0.0', /this network/],
    ['10.20.30.40', /private/],
    ['172.31.255.255', /private/],
    ['192.168.0.1', /private/],
    ['169.254.169.254', /link-local/],
    ['100.64.0.1', /carrier-grade NAT/],
    ['100.127.255.255', /carrier-grade NAT/],
    ['192.0.0.170', /IETF/],
    ['198.18.0.1', /benchmarking/],
    ['224.0.0.251', /multicast/],
    ['255.255.255.255', /reserved/],
    ['::', /unspecified/],
    ['::1', /loopback/],
    ['0:0:0:0:0:0:0:1', /loopback/],
    ['::ffff:7f00:1', /IPv4-mapped 127\.0\.0\.1: loopback/],
    ['0:0:0:0:0:ffff:127.0.0.1', /IPv4-mapped 127\.0\.0\.1: loopback/],
    ['::ffff:169.254.169.254', /IPv4-mapped 169\.254\.169\.254: link-local/],
    ['::ffff:a9fe:a9fe', /IPv4-mapped 169\.254\.169\.254: link-local/],
    ['::ffff:a00:1', /IPv4-mapped 10\.0\.0\.1: private/],
    ['::127.0.0.1', /IPv4-compatible/],
    ['::8.8.8.8', /IPv4-compatible/],
    ['::ffff:0:7f00:1', /reserved/],
    ['64:ff9b::7f00:1', /NAT64 of 127\.0\.0\.1: loopback/],
    ['64:ff9b::a9fe:a9fe', /NAT64 of 169\.254\.169\.254/],
    ['64:ff9b:1::808:808', /local-use NAT64/],
    ['2002:7f00:1::', /6to4 of 127\.0\.0\.1: loopback/],
    ['2002:a9fe:a9fe::1', /6to4 of 169\.254\.169\.254: link-local/],
    ['2002:c0a8:101::', /6to4 of 192\.168\.1\.1: private/],
    // Teredo: server 65.54.227.120 (public), client 127.0.0.1 inverted into the last 32 bits.
    ['2001:0:4136:e378:8000:63bf:80ff:fffe', /Teredo .* to 127\.0\.0\.1: loopback/],
    ['2001:0:a00:1::', /Teredo \(2001::\/32\) through 10\.0\.0\.1 .*: private/],
    ['fc00::1', /unique local/],
    ['fd12:3456::1', /unique local/],
    ['fe80::1', /link-local/],
    ['fe80::1%eth0', /link-local/],
    ['fec0::1', /site-local/],
    ['ff02::1', /multicast/],
    ['100::1', /reserved/],
    ['2001:db8::1', /documentation/],
    ['3fff::1', /documentation/],
    ['2001:2::1', /benchmarking/],
    ['[::1]', /loopback/],
    ['localhost', /not an IP address/],
    ['', /not an IP address/],
  ]
  for (const [address, reason] of refused) t.match(blockedAddressReason(address), reason, address)
})

t.test('public addresses pass, including IPv6 forms that carry a public IPv4 address', async (t) => {
  for (const address of ['8.8.8.8', '1.1.1.1', '93.184.216.34', '172.32.0.1', '100.128.0.1', '2606:4700:4700::1111', '2a00:1450:4001:81b::200e', '::ffff:8.8.8.8', '::ffff:808:808', '64:ff9b::808:808', '2002:808:808::1', '2001:0:4136:e378:8000:63bf:f7f7:f7f7']) {
    t.equal(blockedAddressReason(address), null, address)
  }
})
