// Which users belong to which tenants, and with what role.
import type { Db } from '../database.js';
import type { Role } from '../schema.js';

export interface Membership {
  tenantId: string;
  tenantName: string;
  userId: string;
  role: Role;
  /** An operator suspended the tenant: its members and keys get 423 tenant_suspended (docs/operators.md). */
  suspended: boolean;
}

export interface Member {
  userId: string;
  email: string;
  name: string | null;
  role: Role;
  createdAt: number;
}

export class MembershipRepository {
  constructor(private readonly db: Db) {}

  async add(tenantId: string, userId: string, role: Role): Promise<void> {
    await this.db.insertInto('memberships').values({ tenant_id: tenantId, user_id: userId, role, created_at: Date.now() }).execute();
  }

  async role(tenantId: string, userId: string): Promise<Role | undefined> {
    const row = await this.db
      .selectFrom('memberships')
      .select('role')
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row?.role;
  }

  async listForTenant(tenantId: string): Promise<Member[]> {
    const rows = await this.db
      .selectFrom('memberships')
      .innerJoin('users', 'users.id', 'memberships.user_id')
      .select(['users.id', 'users.email', 'users.name', 'memberships.role', 'memberships.created_at'])
      .where('memberships.tenant_id', '=', tenantId)
      .orderBy('memberships.created_at')
      .execute();
    return rows.map((r) => ({ userId: r.id, email: r.email, name: r.name, role: r.role, createdAt: r.created_at }));
  }

  async countOwners(tenantId: string): Promise<number> {
    const row = await this.db
      .selectFrom('memberships')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('tenant_id', '=', tenantId)
      .where('role', '=', 'owner')
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** How many owners each tenant has (tenants without one are absent). */
  async ownerCounts(): Promise<Map<string, number>> {
    const rows = await this.db
      .selectFrom('memberships')
      .select((eb) => ['tenant_id', eb.fn.countAll<number>().as('n')])
      .where('role', '=', 'owner')
      .groupBy('tenant_id')
      .execute();
    return new Map(rows.map((r) => [r.tenant_id, Number(r.n)]));
  }

  async setRole(tenantId: string, userId: string, role: Role): Promise<boolean> {
    const result = await this.db
      .updateTable('memberships')
      .set({ role })
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async remove(tenantId: string, userId: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('memberships')
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async listForUser(userId: string): Promise<Membership[]> {
    const rows = await this.db
      .selectFrom('memberships')
      .innerJoin('tenants', 'tenants.id', 'memberships.tenant_id')
      .select(['memberships.tenant_id', 'tenants.name', 'tenants.suspended_at', 'memberships.user_id', 'memberships.role'])
      .where('memberships.user_id', '=', userId)
      .orderBy('memberships.created_at')
      .execute();
    return rows.map((r) => ({
      tenantId: r.tenant_id,
      tenantName: r.name,
      userId: r.user_id,
      role: r.role,
      suspended: r.suspended_at !== null,
    }));
  }
}
