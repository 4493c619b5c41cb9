// A tenant's routing rules, one per alias and environment.
import type { RoutingRule } from '../../domain/routing-rule.js';
import type { Db } from '../database.js';
import { newId } from '../ids.js';

export interface StoredRule {
  id: string;
  environment: string;
  alias: string;
  rule: RoutingRule;
  createdAt: number;
  updatedAt: number;
}

export class RoutingRuleRepository {
  constructor(private readonly db: Db) {}

  async list(tenantId: string, environment?: string): Promise<StoredRule[]> {
    let query = this.db.selectFrom('routing_rules').selectAll().where('tenant_id', '=', tenantId);
    if (environment !== undefined) query = query.where('environment', '=', environment);
    const rows = await query.orderBy('environment').orderBy('alias').execute();
    return rows.map((row) => ({
      id: row.id,
      environment: row.environment,
      alias: row.alias,
      rule: JSON.parse(row.rule) as RoutingRule,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    }));
  }

  async get(tenantId: string, environment: string, alias: string): Promise<StoredRule | undefined> {
    return (await this.list(tenantId, environment)).find((rule) => rule.alias === alias);
  }

  /** Creates or replaces the rule; says which it did. */
  async put(tenantId: string, environment: string, alias: string, rule: RoutingRule): Promise<{ stored: StoredRule; created: boolean }> {
    const now = Date.now();
    const existing = await this.get(tenantId, environment, alias);
    if (existing) {
      await this.db
        .updateTable('routing_rules')
        .set({ rule: JSON.stringify(rule), updated_at: now })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', existing.id)
        .execute();
      return { stored: { ...existing, rule, updatedAt: now }, created: false };
    }
    const stored: StoredRule = { id: newId('rul'), environment, alias, rule, createdAt: now, updatedAt: now };
    await this.db
      .insertInto('routing_rules')
      .values({ id: stored.id, tenant_id: tenantId, environment, alias, rule: JSON.stringify(rule), created_at: now, updated_at: now })
      .onConflict((oc) => oc.columns(['tenant_id', 'environment', 'alias']).doUpdateSet({ rule: JSON.stringify(rule), updated_at: now }))
      .execute();
    return { stored, created: true };
  }

  async delete(tenantId: string, environment: string, alias: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('routing_rules')
      .where('tenant_id', '=', tenantId)
      .where('environment', '=', environment)
      .where('alias', '=', alias)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
