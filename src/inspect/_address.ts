import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/** A resolved address of a download host. */
export type Address = Readonly<{ address: string; family: 4 | 6 }>;

/**
 * Resolves `hostname` (every address, not just the first) and checks each one: any address
 * that is not public makes the whole host blocked, so a DNS answer mixing a public and a
 * private address cannot be used to reach the private one. With `allowLoopback` (tests only),
 * loopback and private ranges are allowed; unspecified, multicast and reserved never are.
 */
export async function checkedAddresses(hostname: string, allowLoopback: boolean): Promise<Address[] | 'blocked'> {
  const host = hostname.replace(/^\[(.*)\]$/, '$1');
  const family = isIP(host);
  const found = family ? [{ address: host, family }] : await lookup(host, { all: true, verbatim: true });
  if (found.length === 0) throw new Error('no address');
  const addresses = found.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }) as Address);
  return addresses.some((a) => isBlocked(a, allowLoopback)) ? 'blocked' : addresses;
}

/** True for an address a download may not connect to. */
export function isBlocked(a: Address, allowLoopback: boolean): boolean {
  const type = a.family === 6 ? 'ipv6' : 'ipv4';
  return never.check(a.address, type) || (!allowLoopback && local.check(a.address, type));
}

// --- internal ---

/**
 * Adds an IPv4 range, and the same range as reached through NAT64 (`64:ff9b::/96`) and 6to4
 * (`2002::/16`). BlockList itself matches IPv4-mapped addresses (`::ffff:a.b.c.d`).
 */
function addIpv4(list: BlockList, address: string, prefix: number): void {
  list.addSubnet(address, prefix, 'ipv4');
  const [a, b, c, d] = address.split('.').map(Number) as [number, number, number, number];
  const hi = ((a << 8) | b).toString(16);
  const lo = ((c << 8) | d).toString(16);
  list.addSubnet(`64:ff9b::${hi}:${lo}`, 96 + prefix, 'ipv6');
  list.addSubnet(`2002:${hi}:${lo}::`, 16 + prefix, 'ipv6');
}

/** Not a real destination anywhere: refused even in tests. */
const never = new BlockList();
for (const [a, p] of [
  ['0.0.0.0', 8],
  ['192.0.2.0', 24],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  addIpv4(never, a, p);
never.addAddress('::', 'ipv6');
never.addSubnet('2001:db8::', 32, 'ipv6');
never.addSubnet('ff00::', 8, 'ipv6');

/** Loopback, private, link-local and shared ranges (RFC 1918, 6598, 3927, 4193, 4291): allowed only with fetch.allowLoopback. */
const local = new BlockList();
for (const [a, p] of [
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
] as const)
  addIpv4(local, a, p);
local.addAddress('::1', 'ipv6');
local.addSubnet('fc00::', 7, 'ipv6');
local.addSubnet('fe80::', 10, 'ipv6');
local.addSubnet('fec0::', 10, 'ipv6');
