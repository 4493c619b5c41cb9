// Plans operators give tenants (docs/operators.md): created, changed and deleted here; a change reaches every
// instance at once, since each tenant on the plan has its configuration (effective limits and models) reloaded.
import type { InvalidationBus } from '../cache/invalidation-bus.js';
import { type LimitsPatch, mergeLimits, NO_LIMITS } from '../domain/limits.js';
import { ConflictError, NotFoundError } from '../errors/shuttle-error.js';
import { auditedChange } from '../store/audited-change.js';
import type { Db } from '../store/database.js';
import type { Actor } from '../store/repositories/audit-log.js';
import { type Plan, PlanRepository } from '../store/repositories/plans.js';
import { TenantRepository } from '../store/repositories/tenants.js';

export interface PlanInput {
  name: string;
  allowedModels?: string[] | null | undefined;
  limits?: LimitsPatch | undefined;
  maxConcurrentRequests?: number | null | undefined;
  modelMultipliers?: Record<string, number> | undefined;
}

/** What PATCH may change; absent parts stay as they are, and limits merge as everywhere else. */
export type PlanPatch = Partial<PlanInput>;

export class Plans {
  constructor(
    private readonly db: Db,
    private readonly bus: InvalidationBus,
  ) {}

  list(): Promise<Plan[]> {
    return new PlanRepository(this.db).list();
  }

  async get(planId: string): Promise<Plan> {
    const plan = await new PlanRepository(this.db).get(planId);
    if (!plan) throw new NotFoundError(`No plan ${planId}.`);
    return plan;
  }

  /** A plan named so, for the CLI: `--plan` takes an id or a name. */
  async find(idOrName: string): Promise<Plan> {
    const plans = new PlanRepository(this.db);
    const plan = (await plans.get(idOrName)) ?? (await plans.findByName(idOrName));
    if (!plan) throw new NotFoundError(`No plan with id or name "${idOrName}".`);
    return plan;
  }

  create(input: PlanInput): Promise<Plan> {
    return new PlanRepository(this.db).create({
      name: input.name,
      allowedModels: input.allowedModels ?? null,
      limits: mergeLimits(NO_LIMITS, input.limits ?? {}),
      maxConcurrentRequests: input.maxConcurrentRequests ?? null,
      modelMultipliers: input.modelMultipliers ?? {},
    });
  }

  /** Each tenant on the plan records the change in its audit log, and has its configuration reloaded everywhere. */
  async update(actor: Actor, planId: string, patch: PlanPatch): Promise<Plan> {
    const { plan } = await auditedChange(
      this.db,
      async (trx, audit) => {
        const plans = new PlanRepository(trx);
        const before = await plans.get(planId);
        if (!before) throw new NotFoundError(`No plan ${planId}.`);
        const fields = {
          name: patch.name ?? before.name,
          allowedModels: patch.allowedModels === undefined ? before.allowedModels : patch.allowedModels,
          limits: patch.limits === undefined ? before.limits : mergeLimits(before.limits, patch.limits),
          maxConcurrentRequests: patch.maxConcurrentRequests === undefined ? before.maxConcurrentRequests : patch.maxConcurrentRequests,
          modelMultipliers: patch.modelMultipliers ?? before.modelMultipliers,
        };
        const updatedAt = await plans.update(planId, fields);
        if (updatedAt === undefined) throw new NotFoundError(`No plan ${planId}.`);
        const tenantIds = await new TenantRepository(trx).onPlan(planId);
        for (const tenantId of tenantIds) {
          await audit(tenantId, actor, { action: 'plan.updated', targetType: 'plan', targetId: planId, details: { ...fields } });
        }
        return { plan: { ...before, ...fields, updatedAt }, tenantIds };
      },
      ({ tenantIds }) => Promise.all(tenantIds.map((tenantId) => this.bus.publish('tenant-config', tenantId))),
    );
    return plan;
  }

  /** A plan tenants are on stays: give them another plan first. */
  async delete(planId: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const plans = new PlanRepository(trx);
      if (!(await plans.lock(planId))) throw new NotFoundError(`No plan ${planId}.`);
      const tenants = await new TenantRepository(trx).onPlan(planId);
      if (tenants.length > 0) {
        throw new ConflictError('plan_in_use', {
          message: `${tenants.length} tenant${tenants.length === 1 ? ' is' : 's are'} on this plan; give ${tenants.length === 1 ? 'it' : 'them'} another plan before deleting it.`,
        });
      }
      await plans.delete(planId);
    });
  }
}
