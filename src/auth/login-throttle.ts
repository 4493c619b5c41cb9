// Refuses logins after repeated failures per account and per client address (429 + Retry-After), counted in a
// window that works across instances when the counter lives in Redis.
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

  /** Throws login_throttled when either the account or the address has used up its failures. */
  async check(email: string, address: string): Promise<void> {
    const [account, client] = await Promise.all([this.counter.peek(accountKey(email)), this.counter.peek(addressKey(address))]);
    const blocked = [
      account.count >= this.options.maxFailuresPerAccount ? account.resetInMs : 0,
      client.count >= this.options.maxFailuresPerAddress ? client.resetInMs : 0,
    ];
    const waitMs = Math.max(...blocked);
    if (waitMs > 0) {
      const seconds = Math.max(1, Math.ceil(waitMs / 1000));
      throw new RateLimitError('login_throttled', {
        message: `Too many failed login attempts. Try again in ${formatWait(seconds)}.`,
        headers: { 'retry-after': String(seconds) },
      });
    }
  }

  async recordFailure(email: string, address: string): Promise<void> {
    await Promise.all([
      this.counter.increment(accountKey(email), this.options.windowMs),
      this.counter.increment(addressKey(address), this.options.windowMs),
    ]);
  }

  /** A successful login clears the account's failures (not the address's: one good password must not unlock guessing). */
  async recordSuccess(email: string): Promise<void> {
    await this.counter.reset(accountKey(email));
  }
}

const accountKey = (email: string): string => `account:${email.trim().toLowerCase()}`;
const addressKey = (address: string): string => `address:${address}`;

function formatWait(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}
