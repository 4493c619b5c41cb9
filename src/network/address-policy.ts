// Which addresses a tenant's URLs may reach: never loopback, private, link-local, multicast, reserved or cloud-metadata
// ones, unless the operator allows them (SHUTTLE_ALLOW_PRIVATE_NETWORKS; cloud metadata never). Checked on the
// address actually connected to, through `lookup`, and on a URL when a tenant saves it.
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { BlockList, isIP, isIPv6, type LookupFunction } from 'node:net';
import { normalHost, type PrivateNetworkAllowance } from '../config/private-networks.js';
import { ShuttleError } from '../errors/shuttle-error.js';

/** Resolves a host name, as `dns.lookup` does with `{all: true}`; replaceable so tests can rebind a name. */
export type HostResolver = (
  hostname: string,
  options: LookupOptions & { all: true },
  callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

const systemResolver: HostResolver = (hostname, options, callback) => dnsLookup(hostname, options, callback);

/** A tenant's URL points at an address this deployment keeps from tenants. Never says which address it resolved to. */
export class AddressRefusedError extends ShuttleError {
  constructor(host: string, param?: string) {
    super('private_network_refused', {
      message: `Shuttle does not let tenants reach ${host}: it is, or resolves to, a loopback, private, link-local, reserved or cloud-metadata address. The operator can allow private networks with SHUTTLE_ALLOW_PRIVATE_NETWORKS.`,
      param,
    });
  }
}

const METADATA_HOSTS = new Set(['metadata', 'metadata.google.internal', 'metadata.goog', 'instance-data', 'instance-data.ec2.internal']);

const metadata = blockList([
  ['169.254.169.254', 32], // AWS, GCP, Azure, OCI, DigitalOcean…
  ['169.254.170.2', 32], // AWS ECS task credentials
  ['100.100.100.200', 32], // Alibaba Cloud
  ['168.63.129.16', 32], // Azure WireServer
  ['fd00:ec2::254', 128], // AWS over IPv6
]);

const refusedIpv4 = blockList([
  ['0.0.0.0', 8], // "this network", the unspecified address
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relays
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, and the broadcast address
]);

const refusedIpv6 = blockList([
  ['::', 96], // unspecified, loopback, IPv4-compatible
  ['64:ff9b:1::', 48], // local-use NAT64
  ['100::', 64], // discard
  ['2001::', 32], // Teredo
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local (fd00:ec2::254 among them)
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local
  ['ff00::', 8], // multicast
]);

function blockList(subnets: Array<[string, number]>): BlockList {
  const list = new BlockList();
  for (const [address, prefix] of subnets) list.addSubnet(address, prefix, isIPv6(address) ? 'ipv6' : 'ipv4');
  return list;
}

/**
 * The IPv4 address inside an IPv4-mapped (::ffff:a.b.c.d), IPv4-translated (::ffff:0:a.b.c.d, which a SIIT translator
 * carries to IPv4), NAT64 (64:ff9b::/96) or 6to4 (2002::/16) address.
 */
function embeddedIpv4(address: string): string | undefined {
  const words = ipv6Words(address);
  const zero = (from: number, to: number) => words.slice(from, to).every((word) => word === 0);
  const dotted = (high: number, low: number) => `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
  const [w0, w1 = 0, w2 = 0, , w4, w5, w6 = 0, w7 = 0] = words;
  if (zero(0, 5) && w5 === 0xffff) return dotted(w6, w7);
  if (zero(0, 4) && w4 === 0xffff && w5 === 0) return dotted(w6, w7);
  if (w0 === 0x64 && w1 === 0xff9b && zero(2, 6)) return dotted(w6, w7);
  if (w0 === 0x2002) return dotted(w1, w2);
  return undefined;
}

function ipv6Words(address: string): number[] {
  let text = address.toLowerCase().replace(/%.*$/, '');
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const first = head === '' ? [] : head.split(':');
  const last = tail === undefined || tail === '' ? [] : tail.split(':');
  const gap = tail === undefined ? [] : new Array<string>(8 - first.length - last.length).fill('0');
  return [...first, ...gap, ...last].map((word) => Number.parseInt(word, 16));
}

export class AddressPolicy {
  private readonly allowedHosts: ReadonlySet<string>;
  private readonly allowedSubnets = new BlockList();

  constructor(
    private readonly allowance: PrivateNetworkAllowance,
    private readonly resolve: HostResolver = systemResolver,
  ) {
    this.allowedHosts = new Set(allowance.hosts);
    for (const subnet of allowance.subnets) this.allowedSubnets.addSubnet(subnet.address, subnet.prefix, subnet.family);
  }

  /** Whether `host` (a name or an IP address) may connect to `address`, one of its addresses. */
  allows(host: string, address: string): boolean {
    const name = normalHost(host);
    if (METADATA_HOSTS.has(name)) return false;
    const v6 = isIPv6(address);
    const v4 = v6 ? embeddedIpv4(address) : address;
    if (v4 !== undefined ? metadata.check(v4, 'ipv4') : metadata.check(address, 'ipv6')) return false;
    const refused = v4 !== undefined ? refusedIpv4.check(v4, 'ipv4') : refusedIpv6.check(address, 'ipv6');
    if (!refused || this.allowance.all || this.allowedHosts.has(name)) return true;
    return this.allowedSubnets.check(address, v6 ? 'ipv6' : 'ipv4') || (v4 !== undefined && this.allowedSubnets.check(v4, 'ipv4'));
  }

  /**
   * Refuses a URL whose host is, or now resolves to, an address tenants may not reach (the 400 when a tenant saves
   * it). A name that does not resolve (yet) passes: the check at connect time still applies.
   */
  async assertAllowed(url: string, param: string): Promise<void> {
    const host = new URL(url).hostname.replace(/^\[(.*)\]$/, '$1');
    if (isIP(host) !== 0) {
      if (!this.allows(host, host)) throw new AddressRefusedError(host, param);
      return;
    }
    // `localhost` names are loopback (RFC 6761) even where the resolver does not know them (`localhost.`).
    const local = /(^|\.)localhost$/.test(normalHost(host)) ? [{ address: '127.0.0.1', family: 4 }] : [];
    const resolved = await new Promise<LookupAddress[]>((resolve) => {
      const timer = setTimeout(() => resolve([]), 5_000);
      this.resolve(host, { all: true }, (error, found) => {
        clearTimeout(timer);
        resolve(error ? [] : found);
      });
    });
    const addresses = [...local, ...resolved];
    if (METADATA_HOSTS.has(normalHost(host)) || addresses.some((entry) => !this.allows(host, entry.address))) {
      throw new AddressRefusedError(host, param);
    }
  }

  /**
   * `net.connect`'s `lookup`: resolves the name and refuses it when any of its addresses may not be reached, so the
   * address checked is the one connected to (a name rebound after it was saved is caught here).
   */
  readonly lookup: LookupFunction = (hostname, options, callback) => {
    this.resolve(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      if (addresses.some((entry) => !this.allows(hostname, entry.address))) return callback(new AddressRefusedError(hostname), '', 0);
      if (options.all) return callback(null, addresses);
      const [first] = addresses;
      if (first === undefined) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '', 0);
      callback(null, first.address, first.family);
    });
  };
}
