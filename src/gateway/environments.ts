// A tenant's environments, every change to them: add one, or remove one nothing uses any more (production and
// development are built in). Each change is audit-logged and reloads the tenant's configuration everywhere.
import type { InvalidationBus } from '../cache/invalidation-bus.js';
import { ConflictError, NotFoundError } from '../errors/shuttle-error.js';
import { auditedChange } from '../store/audited-change.js';
import type { Db } from '../store/database.js';
import type { Actor } from '../store/repositories/audit-log.js';
import { BUILT_IN_ENVIRONMENTS, type Environment, EnvironmentRepository } from '../store/repositories/environments.js';

export class Environments {
  constructor(
    private readonly db: Db,
    private readonly bus: InvalidationBus,
  ) {}

  list(tenantId: string): Promise<Environment[]> {
    return new EnvironmentRepository(this.db).list(tenantId);
  }

  create(tenantId: string, actor: Actor, name: string): Promise<Environment> {
    return auditedChange(
      this.db,
      async (trx, audit) => {
        const environment = await new EnvironmentRepository(trx).create(tenantId, name);
        await audit(tenantId, actor, { action: 'environment.created', targetType: 'environment', targetId: environment.name });
        return environment;
      },
      () => this.bus.publish('tenant-config', tenantId),
    );
  }

  /** Refused (409) for a built-in environment, or one that still has keys, provider connections or routing rules. */
  async delete(tenantId: string, actor: Actor, name: string): Promise<void> {
    if ((BUILT_IN_ENVIRONMENTS as readonly string[]).includes(name)) {
      throw new ConflictError('conflict', { message: `The ${name} environment is built in and cannot be removed.` });
    }
    await auditedChange(
      this.db,
      async (trx, audit) => {
        const environments = new EnvironmentRepository(trx);
        if (!(await environments.exists(tenantId, name))) throw new NotFoundError(`No environment "${name}".`);
        const usage = await environments.usage(tenantId, name);
        if (usage.keys + usage.connections + usage.rules > 0) {
          throw new ConflictError('conflict', {
            message: `The ${name} environment still has ${usage.keys} key(s), ${usage.connections} provider connection(s) and ${usage.rules} routing rule(s); remove them first.`,
          });
        }
        await environments.delete(tenantId, name);
        await audit(tenantId, actor, { action: 'environment.deleted', targetType: 'environment', targetId: name });
      },
      () => this.bus.publish('tenant-config', tenantId),
    );
  }
}
