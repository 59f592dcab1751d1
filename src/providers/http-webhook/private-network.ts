/**
 * SSRF guard for outbound webhooks: a user-supplied URL must not reach our own network (cloud
 * metadata at 169.254.169.254, localhost admin ports, RFC 1918 services). Every address a name
 * resolves to is checked, and the check is repeated in the socket's own DNS lookup, so a name that
 * re-resolves to a private address between check and connect (DNS rebinding) is refused too.
 * Addresses are compared in canonical form (WHATWG URL already turns `0x7f.1` into `127.0.0.1`).
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import { RoomKitError } from '../../errors.js';

/** The target resolves to a non-public address; nothing was sent. */
export class PrivateNetworkError extends RoomKitError {
  readonly code = 'ERR_ROOMKIT_PRIVATE_NETWORK';
  constructor(readonly host: string, readonly address: string) {
    super(`refusing to send to ${host}: ${address} is not a public address (set allowPrivateNetwork to allow it)`);
    this.name = 'PrivateNetworkError';
  }
}

/** `dns.lookup`'s shape, so tests can resolve names without a DNS server. */
export type LookupFn = (
  hostname: string,
  options: { all: true; family?: number; hints?: number },
  callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

export const systemLookup: LookupFn = (hostname, options, callback) =>
  dnsLookup(hostname, { ...options, all: true, verbatim: true }, callback);

function ipv4Private(ip: string): boolean {
  const [a, b, c] = ip.split('.').map(Number);
  return (
    a === 0 || a === 10 || a === 127 || a >= 224 // this-network, RFC 1918, loopback, multicast + reserved
    || (a === 100 && b >= 64 && b <= 127) // CGNAT 100.64/10
    || (a === 169 && b === 254) // link-local, cloud metadata
    || (a === 172 && b >= 16 && b <= 31) // RFC 1918
    || (a === 192 && b === 168) // RFC 1918
    || (a === 192 && b === 0 && (c === 0 || c === 2)) // IETF protocol assignments, TEST-NET-1
    || (a === 192 && b === 88 && c === 99) // 6to4 relay anycast
    || (a === 198 && (b === 18 || b === 19)) // benchmarking
    || (a === 198 && b === 51 && c === 100) // TEST-NET-2
    || (a === 203 && b === 0 && c === 113) // TEST-NET-3
  );
}

/** Eight 16-bit groups; an IPv4 tail (`::ffff:1.2.3.4`) becomes the last two. */
function ipv6Groups(ip: string): number[] {
  let address = ip.split('%')[0];
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (v4) {
    const [a, b, c, d] = v4[1].split('.').map(Number);
    address = address.slice(0, -v4[1].length) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = address.includes('::') ? address.split('::') : [address, undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const middle = tail === undefined ? [] : new Array(8 - left.length - right.length).fill('0');
  return [...left, ...middle, ...right].map((g) => parseInt(g, 16));
}

const embeddedV4 = (hi: number, lo: number): string => `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;

function ipv6Private(ip: string): boolean {
  const g = ipv6Groups(ip);
  const zeroPrefix = (n: number) => g.slice(0, n).every((x) => x === 0);
  if (zeroPrefix(8)) return true; // ::
  if (zeroPrefix(7) && g[7] === 1) return true; // ::1
  if (zeroPrefix(5) && g[5] === 0xffff) return ipv4Private(embeddedV4(g[6], g[7])); // IPv4-mapped
  if (zeroPrefix(6)) return ipv4Private(embeddedV4(g[6], g[7])); // IPv4-compatible (deprecated)
  if (g[0] === 0x64 && g[1] === 0xff9b) {
    // NAT64: the well-known prefix maps public IPv4; the local-use 64:ff9b:1::/48 is private.
    return g[2] !== 0 || ipv4Private(embeddedV4(g[6], g[7]));
  }
  if (g[0] === 0x2002) return ipv4Private(embeddedV4(g[1], g[2])); // 6to4
  if (g[0] === 0x2001 && g[1] === 0) return true; // Teredo: the IPv4 inside is obfuscated, refuse
  if (g[0] === 0x2001 && g[1] === 0xdb8) return true; // documentation
  if (g[0] === 0x100 && zeroPrefix(4)) return true; // discard-only 100::/64
  if ((g[0] & 0xfe00) === 0xfc00) return true; // unique local fc00::/7
  if ((g[0] & 0xffc0) === 0xfe80 || (g[0] & 0xffc0) === 0xfec0) return true; // link-local, site-local
  return (g[0] & 0xff00) === 0xff00; // multicast
}

/** True for any address that is not a routable public unicast address (or is not an IP at all). */
export function isPrivateAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '');
  const version = isIP(bare.split('%')[0]);
  if (version === 4) return ipv4Private(bare);
  if (version === 6) return ipv6Private(bare);
  return true;
}

/** Resolves `hostname` (or takes it as an IP literal) and throws `PrivateNetworkError` if any address is private. */
export async function assertPublicHost(hostname: string, lookup: LookupFn = systemLookup): Promise<void> {
  const bare = hostname.replace(/^\[|\]$/g, '');
  if (isIP(bare)) {
    if (isPrivateAddress(bare)) throw new PrivateNetworkError(hostname, bare);
    return;
  }
  const addresses = await new Promise<LookupAddress[]>((resolve, reject) =>
    lookup(bare, { all: true }, (err, found) => (err ? reject(err) : resolve(found))));
  const blocked = addresses.find((a) => isPrivateAddress(a.address));
  if (blocked) throw new PrivateNetworkError(hostname, blocked.address);
  if (addresses.length === 0) throw new PrivateNetworkError(hostname, '(no address)');
}

/**
 * A `lookup` for `http.request` that refuses private answers at connect time (the rebinding check).
 * Node calls it with `all: true` (happy eyeballs) or without; both answer shapes are served.
 */
export function publicOnlyLookup(lookup: LookupFn = systemLookup) {
  return (
    hostname: string,
    options: { all?: boolean; family?: number; hints?: number },
    callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
  ): void => {
    lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, options.all ? [] : '');
      const blocked = addresses.find((a) => isPrivateAddress(a.address));
      if (blocked || addresses.length === 0) {
        return callback(new PrivateNetworkError(hostname, blocked?.address ?? '(no address)') as unknown as NodeJS.ErrnoException, options.all ? [] : '');
      }
      if (options.all) return callback(null, addresses);
      callback(null, addresses[0].address, addresses[0].family);
    });
  };
}
