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
}

function toTenant(row: Selectable<TenantsTable>): Tenant {
  return {
    id: row.id,
    name: row.name,
    plan: row.plan,
    settings: JSON.parse(row.settings),
    limits: parseLimits(row.limits),
    createdAt: row.created_at,
  };
}

export class TenantRepository {
  constructor(private readonly db: Db) {}

  async create(input: { name: string; plan?: string }): Promise<Tenant> {
    const row: Selectable<TenantsTable> = {
      id: newId('ten'),
      name: input.name,
      plan: input.plan ?? 'free',
      settings: '{}',
      limits: '{}',
      created_at: Date.now(),
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
