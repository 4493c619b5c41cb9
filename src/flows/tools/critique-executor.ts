// Calls a critique tool: the producer flow answers the arguments, the critic flow judges the answer, and while the
// critic does not approve the producer is asked again with the critic's feedback — up to maxIterations answers. The
// tool's result is the last answer. Both flows run their versions active in the run's environment, through the same
// FlowRunner and call context as the run (every model call limited, routed and metered as part of it), one deeper.
import type { FlowRepository } from '../../store/repositories/flows.js';
import { type FlowRunner, MAX_AGENT_DEPTH } from '../flow-runner.js';
import { type StoredTool, type ToolCallContext, ToolCallError, type ToolExecutor } from './tool-executor.js';

export interface CritiqueVerdict {
  approved: boolean;
  /** What the producer is told: the verdict's feedback field, else the critic's whole answer. */
  feedback: string;
}

interface CritiqueConfig {
  producerFlow: string;
  criticFlow: string;
  maxIterations: number;
  verdict: { format: 'json' | 'keyword'; field: string; keyword: string };
}

/**
 * Reads the critic's answer. `json`: the first `{` to the last `}` of it parsed, approved when `field` is `true`,
 * feedback its `feedback` string; an answer that is not such JSON does not approve, and is the feedback itself.
 * `keyword`: approved when the answer contains the keyword as a word (case-sensitive); the feedback is the answer.
 */
export function readVerdict(text: string, verdict: CritiqueConfig['verdict']): CritiqueVerdict {
  if (verdict.format === 'keyword') {
    const escaped = verdict.keyword.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return { approved: new RegExp(`(^|\\W)${escaped}(\\W|$)`).test(text), feedback: text };
  }
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start === -1 || end < start) return { approved: false, feedback: text };
  try {
    const parsed = JSON.parse(text.slice(start, end + 1)) as Record<string, unknown>;
    const feedback = typeof parsed.feedback === 'string' ? parsed.feedback : text;
    return { approved: parsed[verdict.field] === true, feedback };
  } catch {
    return { approved: false, feedback: text };
  }
}

export function revisionPrompt(feedback: string): string {
  return `A reviewer read your answer and asked for changes:\n\n${feedback}\n\nAnswer again, in full, taking the feedback into account.`;
}

export class CritiqueToolExecutor implements ToolExecutor {
  constructor(
    private readonly flows: FlowRepository,
    private readonly runner: FlowRunner,
  ) {}

  async call(tool: StoredTool, args: Record<string, unknown>, ctx: ToolCallContext): Promise<string> {
    const config = tool.config as unknown as CritiqueConfig;
    const call = ctx.call;
    if (!call) throw new Error('a critique tool runs within a call context');
    if (ctx.depth >= MAX_AGENT_DEPTH)
      throw new ToolCallError(`flows may not nest deeper than ${MAX_AGENT_DEPTH}; answer without this tool`);
    const producer = await this.flows.find(ctx.tenantId, config.producerFlow);
    const critic = await this.flows.find(ctx.tenantId, config.criticFlow);
    if (!producer || !critic) throw new ToolCallError('a flow of this critique loop no longer exists');
    const depth = ctx.depth + 1;
    const ask = async (
      flow: typeof producer,
      parameters: Record<string, unknown>,
      messages?: Array<{ role: 'assistant' | 'user'; content: string }>,
    ) => {
      const run = await this.runner.prepare(ctx.tenantId, ctx.environment, { flow, parameters, depth, messages });
      const answer = await this.runner.answer(run, call);
      return typeof answer.response === 'string' ? answer.response : JSON.stringify(answer.response ?? '');
    };
    return ctx.exclusive(async () => {
      const conversation: Array<{ role: 'assistant' | 'user'; content: string }> = [];
      let answer = await ask(producer, args);
      for (let iteration = 1; iteration < config.maxIterations; iteration++) {
        const judged = await ask(critic, { ...args, answer, iteration });
        const verdict = readVerdict(judged, config.verdict);
        if (verdict.approved) break;
        conversation.push({ role: 'assistant', content: answer }, { role: 'user', content: revisionPrompt(verdict.feedback) });
        answer = await ask(producer, args, conversation);
      }
      return answer;
    });
  }
}
