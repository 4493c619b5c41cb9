// Resolves the end customer of a request (created on first use) with a warm cache, so attribution costs no database
// round trip; blocking, limits and deletion take effect at once, on every instance.

import type { InvalidationBus } from '../cache/invalidation-bus.js';
import { LoadingCache } from '../cache/loading-cache.js';
import { InvalidRequestError } from '../errors/shuttle-error.js';
import type { LastUsedTracker } from '../store/last-used-tracker.js';
import type { Customer, CustomerRepository } from '../store/repositories/customers.js';

const CUSTOMER_ID = /^[^\p{Cc}\p{Cf}\p{Zl}\p{Zp}]{1,256}$/u;

export function validateCustomerId(externalId: string, param: string): string {
  if (!CUSTOMER_ID.test(externalId)) {
    throw new InvalidRequestError('The customer id must be 1–256 printable characters.', param, 'invalid_customer_id');
  }
  return externalId;
}

export const customerCacheKey = (tenantId: string, externalId: string): string => `${tenantId}\u0000${externalId}`;

export class CustomerDirectory {
  private readonly cache = new LoadingCache<Customer>({ max: 100_000, ttlMs: 60_000 });

  constructor(
    private readonly customers: CustomerRepository,
    private readonly lastSeen: LastUsedTracker,
    bus: InvalidationBus,
  ) {
    bus.subscribe('customer', (key) => this.cache.forget(key));
    bus.onResync(() => this.cache.clear());
  }

  async resolve(tenantId: string, externalId: string): Promise<Customer> {
    const key = customerCacheKey(tenantId, externalId);
    const customer = this.cache.peek(key) ?? (await this.cache.get(key, () => this.customers.ensure(tenantId, externalId)));
    this.lastSeen.record(tenantId, customer.id, Date.now());
    return customer;
  }

  /** The customer when cached (and seen now), else undefined: then resolve() loads or creates it. */
  cached(tenantId: string, externalId: string): Customer | undefined {
    const customer = this.cache.peek(customerCacheKey(tenantId, externalId));
    if (customer !== undefined) this.lastSeen.record(tenantId, customer.id, Date.now());
    return customer;
  }
}
