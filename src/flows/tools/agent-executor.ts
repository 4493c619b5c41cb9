// Calls an agent tool: runs another flow — its version active in the run's environment — with the arguments as its
// parameters, through the same FlowRunner and call context (so its model calls are limited, routed and metered as
// part of the run, and its own tools run too). A run calls agents only while it is less deep than the tool's
// maxDepth and MAX_AGENT_DEPTH; sibling agents of one round run one after another (a request meters one call at a time).
import type { FlowRepository } from '../../store/repositories/flows.js';
import { type FlowRunner, MAX_AGENT_DEPTH } from '../flow-runner.js';
import { type StoredTool, type ToolCallContext, ToolCallError, type ToolExecutor } from './tool-executor.js';

export class AgentToolExecutor implements ToolExecutor {
  constructor(
    private readonly flows: FlowRepository,
    private readonly runner: FlowRunner,
  ) {}

  async call(tool: StoredTool, args: Record<string, unknown>, ctx: ToolCallContext): Promise<string> {
    const { flowId, maxDepth } = tool.config as { flowId: string; maxDepth: number };
    const limit = Math.min(maxDepth, MAX_AGENT_DEPTH);
    if (ctx.depth >= limit) throw new ToolCallError(`agents may not nest deeper than ${limit} here; answer without this agent`);
    const call = ctx.call;
    if (!call) throw new Error('an agent tool runs within a call context');
    const flow = await this.flows.find(ctx.tenantId, flowId);
    if (!flow) throw new ToolCallError('the flow of this agent no longer exists');
    return ctx.exclusive(async () => {
      const run = await this.runner.prepare(ctx.tenantId, ctx.environment, { flow, parameters: args, depth: ctx.depth + 1 });
      const answer = await this.runner.answer(run, call);
      return typeof answer.response === 'string' ? answer.response : JSON.stringify(answer.response ?? '');
    });
  }
}
