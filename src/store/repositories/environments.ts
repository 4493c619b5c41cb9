// A tenant's environments: production and development always, and any the tenant adds.
import { ConflictError } from '../../errors/shuttle-error.js';
import type { Db } from '../database.js';
import { isUniqueViolation } from '../unique-violation.js';

export const BUILT_IN_ENVIRONMENTS = ['production', 'development'] as const;

export interface Environment {
  name: string;
  createdAt: number;
}

export class EnvironmentRepository {
  constructor(private readonly db: Db) {}

  async list(tenantId: string): Promise<Environment[]> {
    const rows = await this.db
      .selectFrom('environments')
      .select(['name', 'created_at'])
      .where('tenant_id', '=', tenantId)
      .orderBy('created_at')
      .orderBy('name', 'desc')
      .execute();
    return rows.map((row) => ({ name: row.name, createdAt: row.created_at }));
  }

  async exists(tenantId: string, name: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('environments')
      .select('name')
      .where('tenant_id', '=', tenantId)
      .where('name', '=', name)
      .executeTakeFirst();
    return row !== undefined;
  }

  async create(tenantId: string, name: string): Promise<Environment> {
    const environment = { name, createdAt: Date.now() };
    try {
      await this.db.insertInto('environments').values({ tenant_id: tenantId, name, created_at: environment.createdAt }).execute();
    } catch (error) {
      if (isUniqueViolation(error)) throw new ConflictError('conflict', { message: `The environment "${name}" already exists.` });
      throw error;
    }
    return environment;
  }

  async delete(tenantId: string, name: string): Promise<boolean> {
    const result = await this.db.deleteFrom('environments').where('tenant_id', '=', tenantId).where('name', '=', name).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /** How many live keys and stored settings still belong to the environment. */
  async usage(tenantId: string, name: string): Promise<{ keys: number; connections: number; rules: number }> {
    const count = async (table: 'api_keys' | 'provider_connections' | 'routing_rules') => {
      let query = this.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('tenant_id', '=', tenantId)
        .where('environment', '=', name);
      if (table === 'api_keys') query = query.where('revoked_at' as never, 'is', null);
      return Number((await query.executeTakeFirstOrThrow()).n);
    };
    return { keys: await count('api_keys'), connections: await count('provider_connections'), rules: await count('routing_rules') };
  }
}
