// SHUTTLE_ALLOW_PRIVATE_NETWORKS → which private addresses tenants' URLs may reach: none (the default), all
// (`true`), or a list of hosts and CIDRs (`ollama.internal,10.0.0.0/8`).
import { isIP } from 'node:net';

export interface Subnet {
  address: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

export interface PrivateNetworkAllowance {
  /** `true`: every private address (cloud-metadata addresses excepted). */
  all: boolean;
  /** Host names, lower-case and without a trailing dot, that may resolve to private addresses. */
  hosts: readonly string[];
  subnets: readonly Subnet[];
}

export const NO_PRIVATE_NETWORKS: PrivateNetworkAllowance = Object.freeze({ all: false, hosts: [], subnets: [] });

const HOST_NAME = /^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*$/;

/** The normal form host names are compared in: lower-case, without the trailing dot of a fully qualified name. */
export function normalHost(host: string): string {
  return host.toLowerCase().replace(/\.$/, '');
}

/** The allowance, or the entries that are not a host name, an IP address or a CIDR. */
export function parsePrivateNetworkAllowance(value: string): PrivateNetworkAllowance | { invalid: string[] } {
  const text = value.trim();
  if (text === '' || text === 'false') return NO_PRIVATE_NETWORKS;
  if (text === 'true') return { all: true, hosts: [], subnets: [] };
  const hosts: string[] = [];
  const subnets: Subnet[] = [];
  const invalid: string[] = [];
  for (const entry of text.split(',').map((part) => part.trim())) {
    if (entry === '') continue;
    const subnet = subnetOf(entry);
    if (subnet) subnets.push(subnet);
    else if (HOST_NAME.test(normalHost(entry))) hosts.push(normalHost(entry));
    else invalid.push(entry);
  }
  return invalid.length > 0 ? { invalid } : { all: false, hosts, subnets };
}

function subnetOf(entry: string): Subnet | undefined {
  const [address = '', prefixText, ...rest] = entry.replace(/^\[(.*)\]$/, '$1').split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return undefined;
  const bits = version === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? bits : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : Number.NaN;
  if (!(prefix >= 0 && prefix <= bits)) return undefined;
  return { address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}
