// Tenants: the unit of billing, isolation and configuration.
import type { Selectable } from 'kysely';
import { type Limits, parseLimits } from '../../domain/limits.js';
import type { Db } from '../database.js';
import { newId } from '../ids.js';
import type { TenantsTable } from '../schema.js';

export interface Tenant {
  id: string;
  name: string;
  plan: string;
  settings: Record<string, unknown>;
  limits: Limits;
  createdAt: number;
  /** When an operator suspended it; null while active. */
  suspendedAt: number | null;
  /** The plan an operator gave it; null: none. */
  planId: string | null;
}

/** A tenant's requests and cost (micro-dollars) over a period, from the daily rollups. */
export interface TenantUsage {
  requests: number;
  costMicros: number;
}

/** Tables that name a tenant without a foreign key (records written off the request path): deleted with it. */
const UNLINKED_TABLES = ['usage_events', 'usage_daily', 'flow_runs', 'limit_alerts', 'dead_letters'] as const;

function toTenant(row: Selectable<TenantsTable>): Tenant {
  return {
    id: row.id,
    name: row.name,
    plan: row.plan,
    settings: JSON.parse(row.settings),
    limits: parseLimits(row.limits),
    createdAt: Number(row.created_at),
    suspendedAt: row.suspended_at === null ? null : Number(row.suspended_at),
    planId: row.plan_id,
  };
}

export class TenantRepository {
  constructor(private readonly db: Db) {}

  async create(input: { name: string; plan?: string; planId?: string | null }): Promise<Tenant> {
    const row: Selectable<TenantsTable> = {
      id: newId('ten'),
      name: input.name,
      plan: input.plan ?? 'free',
      settings: '{}',
      limits: '{}',
      created_at: Date.now(),
      suspended_at: null,
      plan_id: input.planId ?? null,
    };
    await this.db.insertInto('tenants').values(row).execute();
    return toTenant(row);
  }

  async get(tenantId: string): Promise<Tenant | undefined> {
    const row = await this.db.selectFrom('tenants').selectAll().where('id', '=', tenantId).executeTakeFirst();
    return row && toTenant(row);
  }

  async update(tenantId: string, changes: { name?: string; settings?: Record<string, unknown>; limits?: Limits }): Promise<void> {
    const set: { name?: string; settings?: string; limits?: string } = {};
    if (changes.name !== undefined) set.name = changes.name;
    if (changes.settings !== undefined) set.settings = JSON.stringify(changes.settings);
    if (changes.limits !== undefined) set.limits = JSON.stringify(changes.limits);
    if (Object.keys(set).length > 0) await this.db.updateTable('tenants').set(set).where('id', '=', tenantId).execute();
  }

  /**
   * Serialises writers of one tenant inside a transaction: on PostgreSQL this row update takes the tenant's row
   * lock until commit; SQLite transactions are serial anyway. Used where a check-then-insert must not race.
   */
  async lock(tenantId: string): Promise<void> {
    await this.db
      .updateTable('tenants')
      .set((eb) => ({ name: eb.ref('name') }))
      .where('id', '=', tenantId)
      .execute();
  }

  async setSuspended(tenantId: string, suspendedAt: number | null): Promise<void> {
    await this.db.updateTable('tenants').set({ suspended_at: suspendedAt }).where('id', '=', tenantId).execute();
  }

  async setPlan(tenantId: string, planId: string | null): Promise<void> {
    await this.db.updateTable('tenants').set({ plan_id: planId }).where('id', '=', tenantId).execute();
  }

  /** The ids of the tenants on a plan. */
  async onPlan(planId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('tenants').select('id').where('plan_id', '=', planId).execute();
    return rows.map((r) => r.id);
  }

  /** Deletes the tenant and everything it owns (most tables cascade; the records written off the request path don't). */
  async delete(tenantId: string): Promise<boolean> {
    for (const table of UNLINKED_TABLES) await this.db.deleteFrom(table).where('tenant_id', '=', tenantId).execute();
    const result = await this.db.deleteFrom('tenants').where('id', '=', tenantId).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /** Every tenant's requests and cost since `sinceDay` (days since the epoch, UTC), from the daily rollups. */
  async usageSince(sinceDay: number): Promise<Map<string, TenantUsage>> {
    const rows = await this.db
      .selectFrom('usage_daily')
      .select((eb) => ['tenant_id', eb.fn.sum<number>('requests').as('requests'), eb.fn.sum<number>('billed_micros').as('cost')])
      .where('day', '>=', sinceDay)
      .groupBy('tenant_id')
      .execute();
    return new Map(rows.map((r) => [r.tenant_id, { requests: Number(r.requests), costMicros: Number(r.cost) }]));
  }

  async findByName(name: string): Promise<Tenant[]> {
    const rows = await this.db.selectFrom('tenants').selectAll().where('name', '=', name).execute();
    return rows.map(toTenant);
  }

  async all(): Promise<Tenant[]> {
    return (await this.db.selectFrom('tenants').selectAll().orderBy('created_at').execute()).map(toTenant);
  }

  async count(): Promise<number> {
    const row = await this.db
      .selectFrom('tenants')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}
