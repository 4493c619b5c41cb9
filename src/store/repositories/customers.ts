// A tenant's end customers, named by the tenant's own external id. Created on first use, race-safe: the unique
// (tenant, external id) key decides, and every caller reads back the one row that won.
import { type Selectable, sql, type Updateable } from 'kysely';
import { type Limits, NO_LIMITS, parseLimits } from '../../domain/limits.js';
import { ConflictError } from '../../errors/shuttle-error.js';
import type { Db } from '../database.js';
import { newId } from '../ids.js';
import { writeLastUses } from '../last-use-writes.js';
import type { LastUse } from '../last-used-tracker.js';
import type { CustomersTable } from '../schema.js';
import { isUniqueViolation } from '../unique-violation.js';

export interface Customer {
  id: string;
  tenantId: string;
  externalId: string;
  name: string | null;
  email: string | null;
  metadata: Record<string, unknown>;
  blocked: boolean;
  limits: Limits;
  createdAt: number;
  lastSeenAt: number | null;
}

export interface CustomerWithTotals extends Customer {
  requests: number;
  spendMicros: number;
}

export interface CustomerFields {
  name?: string | null;
  email?: string | null;
  metadata?: Record<string, unknown>;
  blocked?: boolean;
  limits?: Limits;
}

export type CustomerSort = 'spend' | 'requests' | 'createdAt' | 'lastSeenAt' | 'externalId';

export interface CustomerListOptions {
  search?: string | undefined;
  sort: CustomerSort;
  order: 'asc' | 'desc';
  limit: number;
  offset: number;
}

function toCustomer(row: Selectable<CustomersTable>): Customer {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    externalId: row.external_id,
    name: row.name,
    email: row.email,
    metadata: JSON.parse(row.metadata),
    blocked: row.blocked === 1,
    limits: parseLimits(row.limits),
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
  };
}

const SORT_COLUMNS = {
  spend: 'spend_micros',
  requests: 'requests',
  createdAt: 'customers.created_at',
  lastSeenAt: 'customers.last_seen_at',
  externalId: 'customers.external_id',
} as const;

export class CustomerRepository {
  constructor(private readonly db: Db) {}

  /** The customer with this external id, created when it does not exist yet. */
  async ensure(tenantId: string, externalId: string): Promise<Customer> {
    await this.db
      .insertInto('customers')
      .values({ id: newId('cus'), tenant_id: tenantId, external_id: externalId, metadata: '{}', created_at: Date.now() })
      .onConflict((oc) => oc.columns(['tenant_id', 'external_id']).doNothing())
      .execute();
    const customer = await this.get(tenantId, externalId);
    if (!customer) throw new Error(`customer ${externalId} vanished after insert`);
    return customer;
  }

  async create(tenantId: string, externalId: string, fields: CustomerFields): Promise<Customer> {
    try {
      await this.db
        .insertInto('customers')
        .values({
          id: newId('cus'),
          tenant_id: tenantId,
          external_id: externalId,
          name: fields.name ?? null,
          email: fields.email ?? null,
          metadata: JSON.stringify(fields.metadata ?? {}),
          blocked: fields.blocked ? 1 : 0,
          limits: JSON.stringify(fields.limits ?? NO_LIMITS),
          created_at: Date.now(),
        })
        .execute();
    } catch (error) {
      if (isUniqueViolation(error)) throw new ConflictError('conflict', { message: `A customer with id "${externalId}" already exists.` });
      throw error;
    }
    return (await this.get(tenantId, externalId)) as Customer;
  }

  async get(tenantId: string, externalId: string): Promise<Customer | undefined> {
    const row = await this.db
      .selectFrom('customers')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('external_id', '=', externalId)
      .executeTakeFirst();
    return row && toCustomer(row);
  }

  async update(tenantId: string, externalId: string, fields: CustomerFields): Promise<boolean> {
    const set: Updateable<CustomersTable> = {};
    if (fields.name !== undefined) set.name = fields.name;
    if (fields.email !== undefined) set.email = fields.email;
    if (fields.metadata !== undefined) set.metadata = JSON.stringify(fields.metadata);
    if (fields.blocked !== undefined) set.blocked = fields.blocked ? 1 : 0;
    if (fields.limits !== undefined) set.limits = JSON.stringify(fields.limits);
    if (Object.keys(set).length === 0) return (await this.get(tenantId, externalId)) !== undefined;
    const result = await this.db
      .updateTable('customers')
      .set(set)
      .where('tenant_id', '=', tenantId)
      .where('external_id', '=', externalId)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async delete(tenantId: string, externalId: string): Promise<Customer | undefined> {
    const customer = await this.get(tenantId, externalId);
    if (!customer) return undefined;
    await this.db.deleteFrom('customers').where('tenant_id', '=', tenantId).where('id', '=', customer.id).execute();
    return customer;
  }

  /** Records when customers were last seen, in one transaction; called in batches, never per request. */
  touchLastSeen(uses: readonly LastUse[]): Promise<void> {
    return writeLastUses(this.db, 'customers', 'last_seen_at', uses);
  }

  /** Customers with their all-time requests and spend (from the daily rollups), searched, sorted and paged. */
  async list(tenantId: string, options: CustomerListOptions): Promise<{ data: CustomerWithTotals[]; hasMore: boolean }> {
    let query = this.db
      .selectFrom('customers')
      .leftJoin('usage_daily', (join) =>
        join.onRef('usage_daily.tenant_id', '=', 'customers.tenant_id').onRef('usage_daily.customer_id', '=', 'customers.id'),
      )
      .selectAll('customers')
      .select((eb) => [
        eb.fn.coalesce(eb.fn.sum<number>('usage_daily.billed_micros'), eb.lit(0)).as('spend_micros'),
        eb.fn.coalesce(eb.fn.sum<number>('usage_daily.requests'), eb.lit(0)).as('requests'),
      ])
      .where('customers.tenant_id', '=', tenantId)
      .groupBy('customers.id');
    if (options.search) {
      const pattern = `%${options.search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      query = query.where((eb) =>
        eb.or(
          (['customers.external_id', 'customers.name', 'customers.email'] as const).map(
            (column) => sql<boolean>`lower(${eb.ref(column)}) like ${pattern} escape '\\'`,
          ),
        ),
      );
    }
    const rows = await query
      .orderBy(sql.ref(SORT_COLUMNS[options.sort]), options.order)
      .orderBy('customers.id', options.order)
      .limit(options.limit + 1)
      .offset(options.offset)
      .execute();
    return {
      data: rows
        .slice(0, options.limit)
        .map((row) => ({ ...toCustomer(row), requests: Number(row.requests), spendMicros: Number(row.spend_micros) })),
      hasMore: rows.length > options.limit,
    };
  }
}
