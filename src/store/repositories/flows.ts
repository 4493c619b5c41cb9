// Flows, their immutable numbered versions, and which version each environment runs.
import type { Selectable } from 'kysely';
import type { FlowTemplates } from '../../domain/flow-template.js';
import { ConflictError } from '../../errors/shuttle-error.js';
import type { Db } from '../database.js';
import { newId } from '../ids.js';
import type { FlowsTable, FlowVersionsTable } from '../schema.js';
import { isUniqueViolation } from '../unique-violation.js';

export interface Flow {
  id: string;
  slug: string;
  title: string;
  description: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface FlowVersion {
  flowId: string;
  version: number;
  templates: FlowTemplates;
  description: string | null;
  createdBy: string | null;
  createdAt: number;
}

export interface Deployment {
  flowId: string;
  environment: string;
  version: number;
  activatedAt: number;
}

const toFlow = (row: Selectable<FlowsTable>): Flow => ({
  id: row.id,
  slug: row.slug,
  title: row.title,
  description: row.description,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

const toVersion = (row: Selectable<FlowVersionsTable>): FlowVersion => ({
  flowId: row.flow_id,
  version: row.version,
  templates: JSON.parse(row.templates) as FlowTemplates,
  description: row.description,
  createdBy: row.created_by,
  createdAt: row.created_at,
});

export class FlowRepository {
  constructor(private readonly db: Db) {}

  async create(tenantId: string, input: { slug: string; title: string; description?: string | null }): Promise<Flow> {
    const now = Date.now();
    const flow: Flow = {
      id: newId('flw'),
      slug: input.slug,
      title: input.title,
      description: input.description ?? null,
      createdAt: now,
      updatedAt: now,
    };
    try {
      await this.db
        .insertInto('flows')
        .values({
          id: flow.id,
          tenant_id: tenantId,
          slug: flow.slug,
          title: flow.title,
          description: flow.description,
          created_at: now,
          updated_at: now,
        })
        .execute();
    } catch (error) {
      if (isUniqueViolation(error))
        throw new ConflictError('conflict', { message: `A flow with the slug "${input.slug}" already exists.` });
      throw error;
    }
    return flow;
  }

  async slugTaken(tenantId: string, slug: string): Promise<boolean> {
    return (
      (await this.db.selectFrom('flows').select('id').where('tenant_id', '=', tenantId).where('slug', '=', slug).executeTakeFirst()) !==
      undefined
    );
  }

  /** A flow by its id or its slug. */
  async find(tenantId: string, idOrSlug: string): Promise<Flow | undefined> {
    const row = await this.db
      .selectFrom('flows')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where((eb) => eb.or([eb('id', '=', idOrSlug), eb('slug', '=', idOrSlug)]))
      .executeTakeFirst();
    return row && toFlow(row);
  }

  async list(tenantId: string): Promise<Flow[]> {
    return (await this.db.selectFrom('flows').selectAll().where('tenant_id', '=', tenantId).orderBy('title').execute()).map(toFlow);
  }

  async update(tenantId: string, flow: Flow, changes: { slug?: string; title?: string; description?: string | null }): Promise<Flow> {
    const next = { ...flow, ...changes, updatedAt: Date.now() };
    try {
      await this.db
        .updateTable('flows')
        .set({ slug: next.slug, title: next.title, description: next.description, updated_at: next.updatedAt })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', flow.id)
        .execute();
    } catch (error) {
      if (isUniqueViolation(error)) throw new ConflictError('conflict', { message: `A flow with the slug "${next.slug}" already exists.` });
      throw error;
    }
    return next;
  }

  async delete(tenantId: string, flowId: string): Promise<void> {
    await this.db.deleteFrom('flows').where('tenant_id', '=', tenantId).where('id', '=', flowId).execute();
  }

  /** Appends the next version (1, 2, …); the primary key makes concurrent appends safe. */
  async addVersion(
    tenantId: string,
    flowId: string,
    input: { templates: FlowTemplates; description?: string | null; createdBy?: string | null },
  ): Promise<FlowVersion> {
    for (let attempt = 0; ; attempt++) {
      const latest = await this.db
        .selectFrom('flow_versions')
        .select((eb) => eb.fn.max<number>('version').as('v'))
        .where('flow_id', '=', flowId)
        .executeTakeFirst();
      const version: FlowVersion = {
        flowId,
        version: Number(latest?.v ?? 0) + 1,
        templates: input.templates,
        description: input.description ?? null,
        createdBy: input.createdBy ?? null,
        createdAt: Date.now(),
      };
      try {
        await this.db
          .insertInto('flow_versions')
          .values({
            flow_id: flowId,
            version: version.version,
            tenant_id: tenantId,
            templates: JSON.stringify(version.templates),
            description: version.description,
            created_by: version.createdBy,
            created_at: version.createdAt,
          })
          .execute();
        await this.db.updateTable('flows').set({ updated_at: version.createdAt }).where('id', '=', flowId).execute();
        return version;
      } catch (error) {
        if (!isUniqueViolation(error) || attempt >= 5) throw error;
      }
    }
  }

  async versions(tenantId: string, flowId: string): Promise<FlowVersion[]> {
    const rows = await this.db
      .selectFrom('flow_versions')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('flow_id', '=', flowId)
      .orderBy('version')
      .execute();
    return rows.map(toVersion);
  }

  async version(tenantId: string, flowId: string, version: number): Promise<FlowVersion | undefined> {
    const row = await this.db
      .selectFrom('flow_versions')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('flow_id', '=', flowId)
      .where('version', '=', version)
      .executeTakeFirst();
    return row && toVersion(row);
  }

  async latestVersion(tenantId: string, flowId: string): Promise<FlowVersion | undefined> {
    const row = await this.db
      .selectFrom('flow_versions')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('flow_id', '=', flowId)
      .orderBy('version', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row && toVersion(row);
  }

  async deployments(tenantId: string, flowIds?: readonly string[]): Promise<Deployment[]> {
    let query = this.db.selectFrom('flow_deployments').selectAll().where('tenant_id', '=', tenantId);
    if (flowIds) {
      if (flowIds.length === 0) return [];
      query = query.where('flow_id', 'in', flowIds);
    }
    const rows = await query.execute();
    return rows.map((r) => ({ flowId: r.flow_id, environment: r.environment, version: r.version, activatedAt: r.activated_at }));
  }

  async activate(tenantId: string, flowId: string, environment: string, version: number, by: string | null): Promise<void> {
    const now = Date.now();
    await this.db
      .insertInto('flow_deployments')
      .values({ flow_id: flowId, environment, tenant_id: tenantId, version, activated_at: now, activated_by: by })
      .onConflict((oc) => oc.columns(['flow_id', 'environment']).doUpdateSet({ version, activated_at: now, activated_by: by }))
      .execute();
  }
}
