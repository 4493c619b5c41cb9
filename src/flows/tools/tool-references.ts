// What a new version's templates may name: tools of the library (by id or name, each once per template), a
// toolChoice among them, and no agent that leads back to the flow itself — through the versions active in any
// environment of the flows its agents run (a cycle is refused with 400 when the version is created).
import type { FlowTemplates } from '../../domain/flow-template.js';
import { InvalidRequestError } from '../../errors/shuttle-error.js';
import type { Db } from '../../store/database.js';
import { FlowRepository } from '../../store/repositories/flows.js';
import { ToolRepository } from '../../store/repositories/tools.js';

export async function checkToolReferences(db: Db, tenantId: string, flowId: string, templates: FlowTemplates): Promise<void> {
  const tools = new ToolRepository(db);
  const agentFlows = new Set<string>();
  for (const [name, template] of Object.entries(templates)) {
    const names: string[] = [];
    for (const [i, ref] of (template.tools ?? []).entries()) {
      const tool = await tools.find(tenantId, ref);
      if (!tool) throw new InvalidRequestError(`No tool "${ref}" in the tool library.`, `templates.${name}.tools.${i}`);
      if (names.includes(tool.name))
        throw new InvalidRequestError(`The template names the tool "${tool.name}" twice.`, `templates.${name}.tools.${i}`);
      names.push(tool.name);
      // Provider-native tools need an adapter that passes them to its provider; none does yet.
      if (tool.type === 'virtual') {
        throw new InvalidRequestError(
          `"${tool.name}" is a provider-native tool (${String(tool.config.providerTool)}), which no provider of this gateway runs yet.`,
          `templates.${name}.tools.${i}`,
        );
      }
      for (const called of flowsCalledBy(tool)) agentFlows.add(called);
    }
    const choice = template.toolChoice;
    if (typeof choice === 'object' && !names.includes(choice.name)) {
      throw new InvalidRequestError(
        `toolChoice names "${choice.name}", which is not among the template's tools.`,
        `templates.${name}.toolChoice`,
      );
    }
    if (choice === 'required' && names.length === 0) {
      throw new InvalidRequestError('toolChoice "required" needs tools.', `templates.${name}.toolChoice`);
    }
  }
  await refuseCycle(db, tenantId, flowId, [...agentFlows]);
}

/** The flows a tool runs: an agent's flow, a critique's producer and critic (a cycle through either is refused). */
function flowsCalledBy(tool: { type: string; config: Record<string, unknown> }): string[] {
  if (tool.type === 'agent') return [String(tool.config.flowId)];
  if (tool.type === 'critique') return [String(tool.config.producerFlow), String(tool.config.criticFlow)];
  return [];
}

/** Refuses (400) a version whose agents lead back to its own flow through other flows' active versions. */
export async function checkAgentCycles(db: Db, tenantId: string, flowId: string, templates: FlowTemplates): Promise<void> {
  const tools = new ToolRepository(db);
  const agentFlows: string[] = [];
  for (const template of Object.values(templates)) {
    for (const ref of template.tools ?? []) {
      const tool = await tools.find(tenantId, ref);
      if (tool) agentFlows.push(...flowsCalledBy(tool));
    }
  }
  await refuseCycle(db, tenantId, flowId, agentFlows);
}

async function refuseCycle(db: Db, tenantId: string, flowId: string, agentFlows: string[]): Promise<void> {
  const path = await agentPathBack(db, tenantId, flowId, agentFlows);
  if (path) {
    throw new InvalidRequestError(
      `The agent tools make a cycle (${path.join(' → ')}): a flow may not call itself through agents.`,
      'templates',
    );
  }
}

/** The slugs of a path from the flow back to itself through agent tools of active versions, if there is one. */
async function agentPathBack(db: Db, tenantId: string, start: string, first: string[]): Promise<string[] | undefined> {
  const flows = new FlowRepository(db);
  const tools = new ToolRepository(db);
  const slug = async (id: string) => (await flows.find(tenantId, id))?.slug ?? id;
  const seen = new Set<string>();
  const queue: Array<{ flowId: string; path: string[] }> = first.map((flowId) => ({ flowId, path: [start] }));
  while (queue.length > 0) {
    const { flowId, path } = queue.shift() as { flowId: string; path: string[] };
    if (flowId === start) return Promise.all([...path, start].map(slug));
    if (seen.has(flowId)) continue;
    seen.add(flowId);
    for (const deployment of await flows.deployments(tenantId, [flowId])) {
      const version = await flows.version(tenantId, flowId, deployment.version);
      for (const template of Object.values(version?.templates ?? {})) {
        for (const ref of template.tools ?? []) {
          const tool = await tools.find(tenantId, ref);
          for (const called of tool ? flowsCalledBy(tool) : []) queue.push({ flowId: called, path: [...path, flowId] });
        }
      }
    }
  }
  return undefined;
}

/** The slugs of the flows whose versions active in some environment name the tool (by id or name). */
export async function flowsUsingTool(db: Db, tenantId: string, tool: { id: string; name: string }): Promise<string[]> {
  const flows = new FlowRepository(db);
  const using = new Set<string>();
  for (const deployment of await flows.deployments(tenantId)) {
    const version = await flows.version(tenantId, deployment.flowId, deployment.version);
    const refs = Object.values(version?.templates ?? {}).flatMap((template) => template.tools ?? []);
    if (refs.includes(tool.id) || refs.includes(tool.name)) using.add(deployment.flowId);
  }
  return Promise.all([...using].map(async (id) => (await flows.find(tenantId, id))?.slug ?? id));
}
