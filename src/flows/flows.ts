// A tenant's flows and their versions, every change to them: create, rename, delete, add a version (versions never
// change afterwards), and push a flow kept as code. Each change is audit-logged with its write, in one transaction.

import { type FlowTemplates, slugify } from '../domain/flow-template.js';
import { InvalidRequestError, NotFoundError } from '../errors/shuttle-error.js';
import { auditedChange } from '../store/audited-change.js';
import type { Db } from '../store/database.js';
import type { Actor } from '../store/repositories/audit-log.js';
import { type Flow, FlowRepository, type FlowVersion } from '../store/repositories/flows.js';
import { TenantRepository } from '../store/repositories/tenants.js';
import { versionParameters } from './parameters.js';
import { compileSchema } from './structured-output.js';
import { checkToolReferences } from './tools/tool-references.js';

/** A flow with its latest version number and the version active in each environment. */
export interface FlowSummary extends Flow {
  latestVersion: number | null;
  environments: Record<string, number>;
}

export interface NewFlow {
  title: string;
  /** From the title when not given (made unique with -2, -3, …). */
  slug?: string | undefined;
  description?: string | null | undefined;
}

export interface NewVersion {
  templates: FlowTemplates;
  description?: string | undefined;
}

/** A flow file pushed as code: the flow is created when new, and a version added when its templates changed. */
export interface PushedFlow {
  flow: Flow;
  version: FlowVersion;
  createdFlow: boolean;
  createdVersion: boolean;
}

export class Flows {
  constructor(private readonly db: Db) {}

  async list(tenantId: string): Promise<FlowSummary[]> {
    const flows = new FlowRepository(this.db);
    const all = await flows.list(tenantId);
    const deployments = await flows.deployments(tenantId);
    const latest = await Promise.all(all.map((flow) => flows.latestVersion(tenantId, flow.id)));
    return all.map((flow, i) => ({
      ...flow,
      latestVersion: latest[i]?.version ?? null,
      environments: Object.fromEntries(deployments.filter((d) => d.flowId === flow.id).map((d) => [d.environment, d.version])),
    }));
  }

  /** The flow by id or slug; 404 when the tenant has none. */
  async find(tenantId: string, idOrSlug: string, db: Db = this.db): Promise<Flow> {
    const flow = await new FlowRepository(db).find(tenantId, idOrSlug);
    if (!flow) throw new NotFoundError(`No flow "${idOrSlug}".`);
    return flow;
  }

  async get(tenantId: string, idOrSlug: string): Promise<FlowSummary> {
    return this.summary(tenantId, await this.find(tenantId, idOrSlug));
  }

  async create(tenantId: string, actor: Actor, input: NewFlow): Promise<FlowSummary> {
    const flow = await auditedChange(this.db, async (trx, audit) => {
      const flows = new FlowRepository(trx);
      let slug = input.slug;
      if (slug === undefined) {
        const base = slugify(input.title);
        slug = base;
        for (let n = 2; await flows.slugTaken(tenantId, slug); n++) slug = `${base}-${n}`;
      }
      const created = await flows.create(tenantId, { slug, title: input.title, description: input.description ?? null });
      await audit(tenantId, actor, { action: 'flow.created', targetType: 'flow', targetId: created.id, details: { slug } });
      return created;
    });
    return this.summary(tenantId, flow);
  }

  /** Renames a flow or changes its slug or description. */
  async update(tenantId: string, actor: Actor, idOrSlug: string, changes: Partial<NewFlow>): Promise<FlowSummary> {
    const given = JSON.parse(JSON.stringify(changes)) as { slug?: string; title?: string; description?: string | null };
    const flow = await auditedChange(this.db, async (trx, audit) => {
      const updated = await new FlowRepository(trx).update(tenantId, await this.find(tenantId, idOrSlug, trx), given);
      await audit(tenantId, actor, { action: 'flow.updated', targetType: 'flow', targetId: updated.id, details: given });
      return updated;
    });
    return this.summary(tenantId, flow);
  }

  /** Deletes a flow with its versions and deployments. */
  async delete(tenantId: string, actor: Actor, idOrSlug: string): Promise<void> {
    await auditedChange(this.db, async (trx, audit) => {
      const flow = await this.find(tenantId, idOrSlug, trx);
      await new FlowRepository(trx).delete(tenantId, flow.id);
      await audit(tenantId, actor, { action: 'flow.deleted', targetType: 'flow', targetId: flow.id, details: { slug: flow.slug } });
    });
  }

  /** Adds the next version; a template's responseSchema must compile. */
  async addVersion(tenantId: string, actor: Actor, idOrSlug: string, input: NewVersion): Promise<FlowVersion> {
    const flow = await this.find(tenantId, idOrSlug);
    for (const [name, template] of Object.entries(input.templates)) {
      if (template.responseSchema) {
        try {
          compileSchema(template.responseSchema);
        } catch (error) {
          throw new InvalidRequestError((error as Error).message, `templates.${name}.responseSchema`);
        }
      }
    }
    await checkToolReferences(this.db, tenantId, flow.id, input.templates);
    return this.appendVersion(tenantId, actor, flow, input);
  }

  /**
   * Flows as code: creates the flow from its slug (or title) when new, and adds a version unless the templates are
   * those of the latest one (`force` adds one anyway).
   */
  async push(tenantId: string, actor: Actor, definition: NewFlow & NewVersion, force = false): Promise<PushedFlow> {
    const slug = definition.slug ?? slugify(definition.title);
    const existing = await new FlowRepository(this.db).find(tenantId, slug);
    const latest = existing ? await new FlowRepository(this.db).latestVersion(tenantId, existing.id) : undefined;
    if (existing && latest !== undefined && JSON.stringify(latest.templates) === JSON.stringify(definition.templates) && !force) {
      return { flow: existing, version: latest, createdFlow: false, createdVersion: false };
    }
    // Checked before a new flow is created, so a file naming an unknown tool leaves nothing behind (a new flow can't
    // be in a cycle: no agent runs it yet).
    await checkToolReferences(this.db, tenantId, existing?.id ?? '', definition.templates);
    const flow = existing ?? (await this.create(tenantId, actor, { ...definition, slug }));
    const version = await this.appendVersion(tenantId, actor, flow, definition);
    return { flow, version, createdFlow: existing === undefined, createdVersion: true };
  }

  async versions(tenantId: string, idOrSlug: string): Promise<FlowVersion[]> {
    const flow = await this.find(tenantId, idOrSlug);
    return new FlowRepository(this.db).versions(tenantId, flow.id);
  }

  async version(tenantId: string, idOrSlug: string, version: number): Promise<FlowVersion> {
    const flow = await this.find(tenantId, idOrSlug);
    const found = await new FlowRepository(this.db).version(tenantId, flow.id, version);
    if (!found) throw new NotFoundError(`"${flow.slug}" has no version ${version}.`);
    return found;
  }

  /** The [[parameters]] of a version (the latest by default). */
  async parameters(
    tenantId: string,
    idOrSlug: string,
    version?: number,
  ): Promise<{ version: number; parameters: ReturnType<typeof versionParameters> }> {
    const flow = await this.find(tenantId, idOrSlug);
    const flows = new FlowRepository(this.db);
    const found = version === undefined ? await flows.latestVersion(tenantId, flow.id) : await flows.version(tenantId, flow.id, version);
    if (!found)
      throw new NotFoundError(version === undefined ? `"${flow.slug}" has no versions yet.` : `"${flow.slug}" has no version ${version}.`);
    return { version: found.version, parameters: versionParameters(found.templates) };
  }

  private appendVersion(tenantId: string, actor: Actor, flow: Flow, input: NewVersion): Promise<FlowVersion> {
    return auditedChange(this.db, async (trx, audit) => {
      // Concurrent appends wait here for each other: in a transaction a clash on the version number can't be retried.
      await new TenantRepository(trx).lock(tenantId);
      const version = await new FlowRepository(trx).addVersion(tenantId, flow.id, {
        templates: input.templates,
        description: input.description ?? null,
        createdBy: actor.type === 'user' ? actor.id : null,
      });
      await audit(tenantId, actor, {
        action: 'flow.version_created',
        targetType: 'flow',
        targetId: flow.id,
        details: { version: version.version },
      });
      return version;
    });
  }

  private async summary(tenantId: string, flow: Flow): Promise<FlowSummary> {
    const flows = new FlowRepository(this.db);
    const deployments = await flows.deployments(tenantId, [flow.id]);
    return {
      ...flow,
      latestVersion: (await flows.latestVersion(tenantId, flow.id))?.version ?? null,
      environments: Object.fromEntries(deployments.map((d) => [d.environment, d.version])),
    };
  }
}
