// Plans: the terms an operator gives tenants (docs/operators.md). Server-level, like users: no tenant owns a plan.
import type { Selectable } from 'kysely';
import { parseLimits } from '../../domain/limits.js';
import type { PlanTerms } from '../../domain/plan.js';
import { ConflictError } from '../../errors/shuttle-error.js';
import type { Db } from '../database.js';
import { newId } from '../ids.js';
import type { PlansTable } from '../schema.js';
import { isUniqueViolation } from '../unique-violation.js';

export interface Plan extends PlanTerms {
  createdAt: number;
  updatedAt: number;
}

export type PlanFields = Omit<PlanTerms, 'id'>;

function toPlan(row: Selectable<PlansTable>): Plan {
  return {
    id: row.id,
    name: row.name,
    allowedModels: row.allowed_models === null ? null : (JSON.parse(row.allowed_models) as string[]),
    limits: parseLimits(row.limits),
    maxConcurrentRequests: row.max_concurrent_requests,
    modelMultipliers: JSON.parse(row.model_multipliers) as Record<string, number>,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

function toColumns(fields: PlanFields) {
  return {
    name: fields.name,
    allowed_models: fields.allowedModels === null ? null : JSON.stringify(fields.allowedModels),
    limits: JSON.stringify(fields.limits),
    max_concurrent_requests: fields.maxConcurrentRequests,
    model_multipliers: JSON.stringify(fields.modelMultipliers),
  };
}

function nameTaken(name: string): ConflictError {
  return new ConflictError('conflict', { message: `A plan named "${name}" already exists; choose another name.`, param: 'name' });
}

export class PlanRepository {
  constructor(private readonly db: Db) {}

  async create(fields: PlanFields): Promise<Plan> {
    const now = Date.now();
    const row: Selectable<PlansTable> = { id: newId('pln'), ...toColumns(fields), created_at: now, updated_at: now };
    try {
      await this.db.insertInto('plans').values(row).execute();
    } catch (error) {
      if (isUniqueViolation(error)) throw nameTaken(fields.name);
      throw error;
    }
    return toPlan(row);
  }

  async get(planId: string): Promise<Plan | undefined> {
    const row = await this.db.selectFrom('plans').selectAll().where('id', '=', planId).executeTakeFirst();
    return row && toPlan(row);
  }

  async findByName(name: string): Promise<Plan | undefined> {
    const row = await this.db.selectFrom('plans').selectAll().where('name', '=', name).executeTakeFirst();
    return row && toPlan(row);
  }

  async list(): Promise<Plan[]> {
    return (await this.db.selectFrom('plans').selectAll().orderBy('created_at').orderBy('id').execute()).map(toPlan);
  }

  /** Returns when it was updated, or undefined when there is no such plan. */
  async update(planId: string, fields: PlanFields): Promise<number | undefined> {
    const now = Date.now();
    try {
      const result = await this.db
        .updateTable('plans')
        .set({ ...toColumns(fields), updated_at: now })
        .where('id', '=', planId)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0 ? now : undefined;
    } catch (error) {
      if (isUniqueViolation(error)) throw nameTaken(fields.name);
      throw error;
    }
  }

  /**
   * Takes the plan's row lock until the transaction ends (PostgreSQL; SQLite transactions are serial anyway), so
   * that giving a tenant a plan and deleting that plan cannot both succeed. False when there is no such plan.
   */
  async lock(planId: string): Promise<boolean> {
    const result = await this.db
      .updateTable('plans')
      .set((eb) => ({ name: eb.ref('name') }))
      .where('id', '=', planId)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async delete(planId: string): Promise<boolean> {
    const result = await this.db.deleteFrom('plans').where('id', '=', planId).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
