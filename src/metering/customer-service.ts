// The Customers API's changes and reads: create a customer ahead of its first request, change its details, limits
// or blocked flag, delete it. Each change reaches every instance's CustomerDirectory after the commit; changes to
// limits or the blocked flag are audited with them.
import type { InvalidationBus } from '../cache/invalidation-bus.js';
import { COST_PERIODS, type CostPeriod, type LimitsPatch, mergeLimits, NO_LIMITS } from '../domain/limits.js';
import { NotFoundError } from '../errors/shuttle-error.js';
import { auditedChange } from '../store/audited-change.js';
import type { Db } from '../store/database.js';
import type { Actor } from '../store/repositories/audit-log.js';
import {
  type Customer,
  type CustomerFields,
  type CustomerListOptions,
  CustomerRepository,
  type CustomerWithTotals,
} from '../store/repositories/customers.js';
import { spentMicros } from '../store/repositories/usage-queries.js';
import { customerCacheKey } from './customer-directory.js';
import { periodBucket } from './limits/periods.js';

/** A customer's details as the API takes them; limits are a patch over the current ones (or none). */
export type CustomerChanges = Omit<CustomerFields, 'limits'> & { limits?: LimitsPatch | undefined };

export interface CustomerDetail {
  customer: Customer;
  spentMicros: Record<CostPeriod, number>;
}

export class CustomerService {
  constructor(
    private readonly db: Db,
    private readonly bus: InvalidationBus,
  ) {}

  list(tenantId: string, options: CustomerListOptions): Promise<{ data: CustomerWithTotals[]; hasMore: boolean }> {
    return new CustomerRepository(this.db).list(tenantId, options);
  }

  async get(tenantId: string, externalId: string): Promise<Customer> {
    return found(await new CustomerRepository(this.db).get(tenantId, externalId), externalId);
  }

  /** The customer with what it has spent today, this month and in total. */
  async detail(tenantId: string, externalId: string): Promise<CustomerDetail> {
    return this.withSpend(tenantId, await this.get(tenantId, externalId));
  }

  async create(tenantId: string, externalId: string, changes: CustomerChanges): Promise<CustomerDetail> {
    const { limits, ...fields } = changes;
    const customer = await auditedChange(
      this.db,
      (trx) => new CustomerRepository(trx).create(tenantId, externalId, { ...fields, limits: mergeLimits(NO_LIMITS, limits ?? {}) }),
      () => this.forget(tenantId, externalId),
    );
    return this.withSpend(tenantId, customer);
  }

  async update(tenantId: string, actor: Actor, externalId: string, changes: CustomerChanges): Promise<CustomerDetail> {
    const { limits, ...fields } = changes;
    const customer = await auditedChange(
      this.db,
      async (trx, audit) => {
        const customers = new CustomerRepository(trx);
        const current = found(await customers.get(tenantId, externalId), externalId);
        await customers.update(tenantId, externalId, { ...fields, ...(limits ? { limits: mergeLimits(current.limits, limits) } : {}) });
        if (limits !== undefined || fields.blocked !== undefined) {
          await audit(tenantId, actor, {
            action: 'customer.updated',
            targetType: 'customer',
            targetId: current.id,
            details: {
              externalId,
              ...(fields.blocked === undefined ? {} : { blocked: fields.blocked }),
              ...(limits ? { limits } : {}),
            },
          });
        }
        return found(await customers.get(tenantId, externalId), externalId);
      },
      () => this.forget(tenantId, externalId),
    );
    return this.withSpend(tenantId, customer);
  }

  /** The customer's usage history stays. */
  async delete(tenantId: string, externalId: string): Promise<void> {
    await auditedChange(
      this.db,
      async (trx) => found(await new CustomerRepository(trx).delete(tenantId, externalId), externalId),
      () => this.forget(tenantId, externalId),
    );
  }

  private forget(tenantId: string, externalId: string): Promise<void> {
    return this.bus.publish('customer', customerCacheKey(tenantId, externalId));
  }

  private async withSpend(tenantId: string, customer: Customer): Promise<CustomerDetail> {
    const now = Date.now();
    const spent = {} as Record<CostPeriod, number>;
    for (const period of COST_PERIODS) {
      const bucket = periodBucket(period, now);
      spent[period] = await spentMicros(this.db, tenantId, 'customer', customer.id, bucket.fromDay, bucket.toDay);
    }
    return { customer, spentMicros: spent };
  }
}

function found<T>(customer: T | undefined, externalId: string): T {
  if (!customer) throw new NotFoundError(`No customer "${externalId}".`);
  return customer;
}
