// A tenant's routing rules, every change to them: save (create or replace) and delete, each audit-logged and heard
// by every instance within a second (the tenant's configuration is invalidated). A rule names only connections its
// environment can use.
import type { InvalidationBus } from '../../cache/invalidation-bus.js';
import type { RoutingRule } from '../../domain/routing-rule.js';
import { InvalidRequestError, NotFoundError } from '../../errors/shuttle-error.js';
import { auditedChange } from '../../store/audited-change.js';
import type { Db } from '../../store/database.js';
import type { Actor } from '../../store/repositories/audit-log.js';
import { EnvironmentRepository } from '../../store/repositories/environments.js';
import { RoutingRuleRepository, type StoredRule } from '../../store/repositories/routing-rules.js';
import type { TenantConfigCache } from '../tenant-config.js';
import type { Router } from './router.js';

export class RoutingRules {
  constructor(
    private readonly db: Db,
    private readonly bus: InvalidationBus,
    private readonly tenantConfigs: TenantConfigCache,
    private readonly router: Router,
  ) {}

  list(tenantId: string, environment?: string): Promise<StoredRule[]> {
    return new RoutingRuleRepository(this.db).list(tenantId, environment);
  }

  async get(tenantId: string, environment: string, alias: string): Promise<StoredRule> {
    const stored = await new RoutingRuleRepository(this.db).get(tenantId, environment, alias);
    if (!stored) throw new NotFoundError(`No routing rule "${alias}" in ${environment}.`);
    return stored;
  }

  /** Creates or replaces the rule for `alias` in `environment`; `created` tells which. */
  async save(
    tenantId: string,
    actor: Actor,
    environment: string,
    alias: string,
    rule: RoutingRule,
  ): Promise<{ stored: StoredRule; created: boolean }> {
    if (!(await new EnvironmentRepository(this.db).exists(tenantId, environment)))
      throw new InvalidRequestError(`No environment "${environment}".`, 'environment');
    const env = (await this.tenantConfigs.get(tenantId)).environments.get(environment);
    rule.targets.forEach((target, i) => {
      if (!this.router.connection(target.provider, env)) {
        throw new InvalidRequestError(
          `No provider connection "${target.provider}" in ${environment} (nor a global one).`,
          `targets.${i}.provider`,
        );
      }
    });
    return auditedChange(
      this.db,
      async (trx, audit) => {
        const saved = await new RoutingRuleRepository(trx).put(tenantId, environment, alias, rule);
        await audit(tenantId, actor, {
          action: 'routing_rule.saved',
          targetType: 'routing_rule',
          targetId: `${environment}/${alias}`,
          details: { created: saved.created, rule },
        });
        return saved;
      },
      () => this.bus.publish('tenant-config', tenantId),
    );
  }

  async delete(tenantId: string, actor: Actor, environment: string, alias: string): Promise<void> {
    await auditedChange(
      this.db,
      async (trx, audit) => {
        if (!(await new RoutingRuleRepository(trx).delete(tenantId, environment, alias))) {
          throw new NotFoundError(`No routing rule "${alias}" in ${environment}.`);
        }
        await audit(tenantId, actor, { action: 'routing_rule.deleted', targetType: 'routing_rule', targetId: `${environment}/${alias}` });
      },
      () => this.bus.publish('tenant-config', tenantId),
    );
  }
}
