// Which flow version runs where: activate a version in an environment, see how two environments differ, and promote
// one environment's active versions to another in a single transaction. Activations and promotions are audit-logged.
import { InvalidRequestError, NotFoundError } from '../errors/shuttle-error.js';
import { auditedChange } from '../store/audited-change.js';
import type { Db } from '../store/database.js';
import type { Actor } from '../store/repositories/audit-log.js';
import { EnvironmentRepository } from '../store/repositories/environments.js';
import { type Flow, FlowRepository } from '../store/repositories/flows.js';
import type { Flows } from './flows.js';
import { checkAgentCycles } from './tools/tool-references.js';

/** A flow whose active versions differ between two environments (null: none active there). */
export interface Difference {
  flow: Flow;
  from: number | null;
  to: number | null;
}

export interface Activation {
  flowId: string;
  environment: string;
  version: number;
  previousVersion: number | null;
}

export class FlowDeployments {
  constructor(
    private readonly db: Db,
    private readonly flows: Flows,
  ) {}

  async activate(tenantId: string, actor: Actor, idOrSlug: string, version: number, environment: string): Promise<Activation> {
    return auditedChange(this.db, async (trx, audit) => {
      const flow = await this.flows.find(tenantId, idOrSlug, trx);
      if (!(await new EnvironmentRepository(trx).exists(tenantId, environment)))
        throw new InvalidRequestError(`No environment "${environment}".`, 'environment');
      const flows = new FlowRepository(trx);
      const found = await flows.version(tenantId, flow.id, version);
      if (!found) throw new NotFoundError(`"${flow.slug}" has no version ${version}.`);
      await checkAgentCycles(trx, tenantId, flow.id, found.templates);
      const previousVersion = (await flows.deployments(tenantId, [flow.id])).find((d) => d.environment === environment)?.version ?? null;
      await flows.activate(tenantId, flow.id, environment, version, actor.type === 'user' ? actor.id : null);
      await audit(tenantId, actor, {
        action: 'flow.activated',
        targetType: 'flow',
        targetId: flow.id,
        details: { slug: flow.slug, environment, version, previousVersion },
      });
      return { flowId: flow.id, environment, version, previousVersion };
    });
  }

  /** The flows whose active versions differ between two environments. */
  diff(tenantId: string, from: string, to: string): Promise<Difference[]> {
    return differences(this.db, tenantId, from, to);
  }

  /**
   * Copies the active versions of `from` to `to` (every flow that differs, or only those named by id or slug), in one
   * transaction; a difference's `to` is the version before the promotion.
   */
  async promote(tenantId: string, actor: Actor, from: string, to: string, only?: readonly string[]): Promise<Difference[]> {
    if (from === to) throw new InvalidRequestError('from and to must be different environments.', 'to');
    return auditedChange(this.db, async (trx, audit) => {
      const flows = new FlowRepository(trx);
      let changes = (await differences(trx, tenantId, from, to)).filter((d) => d.from !== null);
      if (only) {
        const wanted = new Set(only);
        for (const name of wanted) {
          if (!changes.some((d) => d.flow.id === name || d.flow.slug === name) && !(await flows.find(tenantId, name))) {
            throw new NotFoundError(`No flow "${name}".`);
          }
        }
        changes = changes.filter((d) => wanted.has(d.flow.id) || wanted.has(d.flow.slug));
      }
      for (const change of changes)
        await flows.activate(tenantId, change.flow.id, to, change.from as number, actor.type === 'user' ? actor.id : null);
      await audit(tenantId, actor, {
        action: 'environments.promoted',
        targetType: 'environment',
        targetId: to,
        details: { from, to, flows: changes.map((c) => ({ slug: c.flow.slug, version: c.from, previousVersion: c.to })) },
      });
      return changes;
    });
  }
}

async function differences(db: Db, tenantId: string, from: string, to: string): Promise<Difference[]> {
  const environments = new EnvironmentRepository(db);
  for (const [param, name] of Object.entries({ from, to })) {
    if (!(await environments.exists(tenantId, name))) throw new InvalidRequestError(`No environment "${name}".`, param);
  }
  const flows = new FlowRepository(db);
  const deployments = await flows.deployments(tenantId);
  const active = (flowId: string, environment: string) =>
    deployments.find((d) => d.flowId === flowId && d.environment === environment)?.version ?? null;
  return (await flows.list(tenantId))
    .map((flow) => ({ flow, from: active(flow.id, from), to: active(flow.id, to) }))
    .filter((d) => d.from !== d.to);
}
