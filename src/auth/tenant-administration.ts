// What operators do to tenants (docs/operators.md): list them with this month's usage, create one with its first owner
// invited, rename, give a plan, suspend and resume, delete. Each change is audited in the tenant's own log (but a
// deletion, which takes the log with it) and, after the commit, every instance forgets what it cached of the tenant:
// its configuration, its keys and its members' sessions — so a suspension holds at once everywhere.
import type { Logger } from 'pino';
import type { InvalidationBus } from '../cache/invalidation-bus.js';
import { ConflictError, InvalidRequestError, NotFoundError } from '../errors/shuttle-error.js';
import { auditedChange } from '../store/audited-change.js';
import type { Db } from '../store/database.js';
import { ApiKeyRepository } from '../store/repositories/api-keys.js';
import type { Actor } from '../store/repositories/audit-log.js';
import { BUILT_IN_ENVIRONMENTS, EnvironmentRepository } from '../store/repositories/environments.js';
import { MembershipRepository } from '../store/repositories/memberships.js';
import { PlanRepository } from '../store/repositories/plans.js';
import { type Tenant, TenantRepository, type TenantUsage } from '../store/repositories/tenants.js';
import { DAY_MS } from '../store/repositories/usage-rollups.js';
import type { CreatedInvitation, InvitationService } from './invitations.js';

export interface AdministeredTenant extends Tenant {
  /** This calendar month's (UTC) requests and cost, from the daily rollups. */
  month: TenantUsage;
  /** Members with the owner role. */
  owners: number;
}

export interface TenantChanges {
  name?: string | undefined;
  planId?: string | null | undefined;
  suspended?: boolean | undefined;
}

export interface CreatedTenant extends CreatedInvitation {
  tenant: AdministeredTenant;
}

const NO_USAGE: TenantUsage = { requests: 0, costMicros: 0 };

/** The current month's first day (UTC), counted in days since the epoch as the rollups' `day` is. */
function monthStart(now: number): number {
  const date = new Date(now);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1) / DAY_MS;
}

export class TenantAdministration {
  constructor(
    private readonly db: Db,
    private readonly bus: InvalidationBus,
    private readonly invitations: InvitationService,
    /** A deletion takes the tenant's audit log with it: it is logged here instead. */
    private readonly logger?: Pick<Logger, 'info'>,
  ) {}

  async list(): Promise<AdministeredTenant[]> {
    const tenants = new TenantRepository(this.db);
    const [all, usage, owners] = await Promise.all([
      tenants.all(),
      tenants.usageSince(monthStart(Date.now())),
      new MembershipRepository(this.db).ownerCounts(),
    ]);
    return all.map((tenant) => ({ ...tenant, month: usage.get(tenant.id) ?? NO_USAGE, owners: owners.get(tenant.id) ?? 0 }));
  }

  async get(tenantId: string): Promise<AdministeredTenant> {
    const tenants = new TenantRepository(this.db);
    const tenant = await tenants.get(tenantId);
    if (!tenant) throw new NotFoundError(`No tenant ${tenantId}.`);
    const usage = await tenants.usageSince(monthStart(Date.now()));
    return { ...tenant, month: usage.get(tenantId) ?? NO_USAGE, owners: await new MembershipRepository(this.db).countOwners(tenantId) };
  }

  /**
   * A tenant with the built-in environments and no key: its first owner is invited as owners invite people, and
   * makes the master key from the dashboard (nobody but them ever sees it).
   */
  async create(actor: Actor, input: { name: string; ownerEmail: string; planId?: string | null | undefined }): Promise<CreatedTenant> {
    const { tenantId, invited } = await auditedChange(this.db, async (trx, audit) => {
      if (input.planId) await requirePlan(trx, input.planId);
      const tenant = await new TenantRepository(trx).create({ name: input.name, planId: input.planId ?? null });
      for (const environment of BUILT_IN_ENVIRONMENTS) await new EnvironmentRepository(trx).create(tenant.id, environment);
      await audit(tenant.id, actor, {
        action: 'tenant.created',
        targetType: 'tenant',
        targetId: tenant.id,
        details: { name: tenant.name, planId: tenant.planId },
      });
      const invited = await this.invitations.inviteWithin(trx, audit, tenant.id, actor, { email: input.ownerEmail, role: 'owner' });
      return { tenantId: tenant.id, invited };
    });
    return { ...invited, tenant: await this.get(tenantId) };
  }

  /** Renames, changes the plan, suspends or resumes, each given part with its own audit entry, in one transaction. */
  async update(actor: Actor, tenantId: string, changes: TenantChanges): Promise<AdministeredTenant> {
    await auditedChange(
      this.db,
      async (trx, audit) => {
        const tenants = new TenantRepository(trx);
        const before = await tenants.get(tenantId);
        if (!before) throw new NotFoundError(`No tenant ${tenantId}.`);
        const target = { targetType: 'tenant', targetId: tenantId };
        if (changes.name !== undefined && changes.name !== before.name) {
          await tenants.update(tenantId, { name: changes.name });
          await audit(tenantId, actor, { action: 'tenant.updated', ...target, details: { name: { from: before.name, to: changes.name } } });
        }
        if (changes.planId !== undefined && changes.planId !== before.planId) {
          if (changes.planId !== null) await requirePlan(trx, changes.planId);
          await tenants.setPlan(tenantId, changes.planId);
          await audit(tenantId, actor, { action: 'tenant.plan_changed', ...target, details: { from: before.planId, to: changes.planId } });
        }
        if (changes.suspended !== undefined && changes.suspended !== (before.suspendedAt !== null)) {
          await tenants.setSuspended(tenantId, changes.suspended ? Date.now() : null);
          await audit(tenantId, actor, { action: changes.suspended ? 'tenant.suspended' : 'tenant.resumed', ...target });
        }
      },
      () => this.forget(tenantId),
    );
    return this.get(tenantId);
  }

  /** Refused while the tenant has working keys, unless forced: deleting it ends whatever still calls with them. */
  async delete(actor: Actor, tenantId: string, options: { force: boolean }): Promise<void> {
    const forget = await this.db.transaction().execute(async (trx) => {
      const tenants = new TenantRepository(trx);
      const tenant = await tenants.get(tenantId);
      if (!tenant) throw new NotFoundError(`No tenant ${tenantId}.`);
      const keys = new ApiKeyRepository(trx);
      const working = await keys.countWorking(tenantId, Date.now());
      if (working > 0 && !options.force) {
        throw new ConflictError('tenant_has_live_keys', {
          message: `The tenant has ${working} working API key${working === 1 ? '' : 's'}; revoke ${working === 1 ? 'it' : 'them'} first, or delete with ?force=true.`,
        });
      }
      // What other instances cached of the tenant, read before the rows go.
      const hashes = await keys.liveHashes(tenantId);
      const members = (await new MembershipRepository(trx).listForTenant(tenantId)).map((m) => m.userId);
      await tenants.delete(tenantId);
      return { hashes, members, name: tenant.name, working };
    });
    this.logger?.info(
      { tenantId, tenantName: forget.name, workingKeys: forget.working, actor: actor.label ?? actor.type },
      'tenant deleted by an operator',
    );
    await this.publish(tenantId, forget.hashes, forget.members);
  }

  /** Every instance drops the tenant's configuration, its keys and its members' cached memberships. */
  private async forget(tenantId: string): Promise<void> {
    const hashes = await new ApiKeyRepository(this.db).liveHashes(tenantId);
    const members = (await new MembershipRepository(this.db).listForTenant(tenantId)).map((m) => m.userId);
    await this.publish(tenantId, hashes, members);
  }

  private async publish(tenantId: string, hashes: string[], members: string[]): Promise<void> {
    await Promise.all([
      this.bus.publish('tenant-config', tenantId),
      ...hashes.map((hash) => this.bus.publish('api-key', hash)),
      ...members.map((userId) => this.bus.publish('user', userId)),
    ]);
  }
}

/** The plan must exist, and is locked until the change commits: it cannot be deleted meanwhile. */
async function requirePlan(db: Db, planId: string): Promise<void> {
  if (!(await new PlanRepository(db).lock(planId))) throw new InvalidRequestError(`No plan ${planId}.`, 'planId');
}
