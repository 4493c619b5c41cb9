// Refuses logins after repeated failures per account and per client address (429 + Retry-After), counted in a
// window that works across instances when the counter lives in Redis. Every attempt counts until it succeeds.
import { isIPv6 } from 'node:net';
import type { WindowCounter } from '../cache/window-counter.js';
import { RateLimitError } from '../errors/shuttle-error.js';

export interface LoginThrottleOptions {
  maxFailuresPerAccount: number;
  maxFailuresPerAddress: number;
  windowMs: number;
}

export class LoginThrottle {
  constructor(
    private readonly counter: WindowCounter,
    private readonly options: LoginThrottleOptions,
  ) {}

  /**
   * Counts an attempt against the account and the client address before its password is verified, and throws
   * login_throttled when either is past its limit. Counting first, in one atomic increment, is what makes the limit
   * hold under concurrency: forty simultaneous guesses each get a different count, so at most the limit of them are
   * ever verified — where checking, verifying and then counting would let every one of them through the check.
   */
  async admit(email: string, address: string): Promise<void> {
    const { windowMs } = this.options;
    // The address first: an attempt it refuses never reaches a password, so it is not held against the account —
    // and a refused address cannot add a counter per email it makes up, which would grow without bound.
    const client = await this.counter.increment(addressKey(address), windowMs);
    if (client.count > this.options.maxFailuresPerAddress) throw throttled(client.resetInMs);
    const account = await this.counter.increment(accountKey(email), windowMs);
    if (account.count > this.options.maxFailuresPerAccount) throw throttled(account.resetInMs);
  }

  /**
   * A successful login clears the account's count, and gives the address back the attempt it took (but not its
   * failures: one good password must not unlock guessing from that address).
   */
  async recordSuccess(email: string, address: string): Promise<void> {
    await Promise.all([this.counter.reset(accountKey(email)), this.counter.decrement(addressKey(address))]);
  }
}

const accountKey = (email: string): string => `account:${email.trim().toLowerCase()}`;
const addressKey = (address: string): string => `address:${clientNetwork(address)}`;

/**
 * The client an address stands for: an IPv4 address itself, an IPv6 address's /64 — one network's hosts pick any
 * address in it (privacy addresses), so counting each alone would give a single client billions of fresh counts.
 */
function clientNetwork(address: string): string {
  if (!isIPv6(address) || /^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(address)) return address;
  const [head = '', tail] = address.toLowerCase().replace(/%.*$/, '').split('::');
  const first = head === '' ? [] : head.split(':');
  const last = tail === undefined || tail === '' ? [] : tail.split(':');
  const words = [...first, ...new Array<string>(Math.max(0, 8 - first.length - last.length)).fill('0'), ...last];
  return `${words
    .slice(0, 4)
    .map((word) => Number.parseInt(word, 16).toString(16))
    .join(':')}::/64`;
}

function throttled(waitMs: number): RateLimitError {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  return new RateLimitError('login_throttled', {
    message: `Too many failed login attempts. Try again in ${formatWait(seconds)}.`,
    headers: { 'retry-after': String(seconds) },
  });
}

function formatWait(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}
