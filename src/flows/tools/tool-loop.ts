// The tool-calling loop's pieces: the tools a run offers the model, and one round of the model's tool calls — run in
// parallel through the executors, each result (or its error, as text the model can read) becoming a `tool` message,
// and each recorded for the run log. Calls past the run's maxToolCalls are not run: the model is told so, and the
// next model call may not call tools (tool_choice "none"), so it answers with what it has.
import { DEFAULT_MAX_TOOL_CALLS, type FlowTemplate } from '../../domain/flow-template.js';
import { ShuttleError } from '../../errors/shuttle-error.js';
import type { ChatCompletionMessageParam, ChatCompletionMessageToolCall, ChatCompletionTool } from '../../gateway/openai-wire.js';
import { compileSchema } from '../structured-output.js';
import { type ToolCallContext, ToolCallError, type ToolExecutors } from './tool-executor.js';
import type { StoredTool } from './tool-library.js';

/** What the run log keeps of a result, and what a stream's flow.tool_result event carries. */
export const RECORDED_RESULT_CHARS = 2000;

export interface ToolCallRecord {
  /** The model's id for the call. */
  id: string;
  name: string;
  /** The arguments as parsed (their text when they were not JSON); null in the run log of a metadata-only tenant. */
  arguments: unknown;
  status: 'succeeded' | 'failed' | 'skipped';
  latencyMs: number;
  /** The result (or error) text, cut to RECORDED_RESULT_CHARS; null in the run log of a metadata-only tenant. */
  result: string | null;
  /** Whether `result` was cut. */
  truncated: boolean;
}

/** The tools a prepared run offers, and its budget of calls. */
export interface ToolSet {
  tools: StoredTool[];
  /** The function tools the model calls through the gateway (virtual tools are not among them). */
  definitions: ChatCompletionTool[];
  /** A virtual web_search tool: the provider searches within its own call (`web_search_options`). */
  webSearch: boolean;
  maxToolCalls: number;
  toolChoice: FlowTemplate['toolChoice'];
  /** Calls run so far (the loop's count against maxToolCalls). */
  used: number;
}

export function toolSet(tools: StoredTool[], template: FlowTemplate): ToolSet {
  return {
    tools,
    webSearch: tools.some((tool) => tool.type === 'virtual' && tool.config.providerTool === 'web_search'),
    definitions: tools
      .filter((tool) => tool.type !== 'virtual')
      .map((tool) => ({
        type: 'function',
        function: { name: tool.name, ...(tool.description ? { description: tool.description } : {}), parameters: tool.parameters },
      })),
    maxToolCalls: template.maxToolCalls ?? DEFAULT_MAX_TOOL_CALLS,
    toolChoice: template.toolChoice,
    used: 0,
  };
}

/** Whether the next model call may call tools: not once the budget is spent, nor with toolChoice "none". */
export function offersTools(set: ToolSet): boolean {
  return set.definitions.length > 0 && set.toolChoice !== 'none' && set.used < set.maxToolCalls;
}

/**
 * The tools and tool_choice of a model call. `required` and a named tool apply to the first call only (later calls
 * are `auto`, or the loop would never end); once no more calls may be made the tools stay (some providers refuse a
 * conversation with tool calls but no tools) with tool_choice "none".
 */
export function toolParams(
  set: ToolSet,
  round: number,
): { tools?: ChatCompletionTool[]; tool_choice?: unknown; web_search_options?: object } {
  const search = set.webSearch ? { web_search_options: {} } : {};
  if (set.definitions.length === 0) return search;
  return { ...search, ...functionParams(set, round) };
}

function functionParams(set: ToolSet, round: number): { tools: ChatCompletionTool[]; tool_choice: unknown } {
  if (!offersTools(set)) return { tools: set.definitions, tool_choice: 'none' };
  const choice = set.toolChoice;
  if (round > 0 || choice === undefined || choice === 'auto') return { tools: set.definitions, tool_choice: 'auto' };
  if (choice === 'required') return { tools: set.definitions, tool_choice: 'required' };
  return { tools: set.definitions, tool_choice: { type: 'function', function: { name: (choice as { name: string }).name } } };
}

/** Limits from the pipeline (cost, rate, availability) end the whole run rather than becoming a tool's error. */
function endsTheRun(error: unknown): boolean {
  return error instanceof ShuttleError && [402, 429, 503].includes(error.status);
}

export class ToolRound {
  constructor(private readonly executors: ToolExecutors) {}

  /**
   * Runs the calls of one assistant message (those within the budget, in parallel) and answers the `tool` messages
   * in the calls' order; each call is appended to `records`.
   */
  async run(
    calls: readonly ChatCompletionMessageToolCall[],
    set: ToolSet,
    ctx: Omit<ToolCallContext, 'exclusive'>,
    records: ToolCallRecord[],
  ): Promise<ChatCompletionMessageParam[]> {
    let lock: Promise<unknown> = Promise.resolve();
    const exclusive = <T>(work: () => Promise<T>): Promise<T> => {
      const turn = lock.then(work, work);
      lock = turn.catch(() => undefined);
      return turn;
    };
    const callCtx: ToolCallContext = { ...ctx, exclusive };
    const outcomes = await Promise.all(
      calls.map((call) => {
        if (set.used >= set.maxToolCalls) {
          const text = `Not run: this run reached its limit of ${set.maxToolCalls} tool calls. Answer with what you have.`;
          return Promise.resolve({ call, status: 'skipped' as const, text, args: parseArguments(call.function.arguments), latencyMs: 0 });
        }
        set.used += 1;
        return this.one(call, set, callCtx);
      }),
    );
    for (const { call, status, text, args, latencyMs } of outcomes) {
      records.push({
        id: call.id,
        name: call.function.name,
        arguments: args,
        status,
        latencyMs,
        result: text.slice(0, RECORDED_RESULT_CHARS),
        truncated: text.length > RECORDED_RESULT_CHARS,
      });
    }
    return outcomes.map(({ call, text }) => ({ role: 'tool', tool_call_id: call.id, content: text }));
  }

  private async one(call: ChatCompletionMessageToolCall, set: ToolSet, ctx: ToolCallContext) {
    const started = performance.now();
    const args = parseArguments(call.function.arguments);
    const done = (status: 'succeeded' | 'failed', text: string) => ({
      call,
      status,
      text,
      args,
      latencyMs: Math.round(performance.now() - started),
    });
    const tool = set.tools.find((candidate) => candidate.name === call.function.name);
    if (!tool) return done('failed', `Error: there is no tool named "${call.function.name}".`);
    if (typeof args !== 'object' || args === null || Array.isArray(args)) {
      return done('failed', 'Error: the arguments must be a JSON object.');
    }
    const validate = compileSchema(tool.parameters);
    if (!validate(args)) {
      const problems = (validate.errors ?? []).map((e) => `${e.instancePath || '(arguments)'} ${e.message ?? 'is invalid'}`).join('; ');
      return done('failed', `Error: the arguments do not match the tool's schema: ${problems}.`);
    }
    const executor = this.executors.for(tool.type);
    if (!executor) return done('failed', `Error: tools of type "${tool.type}" cannot be called by this gateway yet.`);
    try {
      return done('succeeded', await executor.call(tool, args as Record<string, unknown>, ctx));
    } catch (error) {
      if (endsTheRun(error)) throw error;
      const message = error instanceof ToolCallError || error instanceof ShuttleError ? error.message : 'the tool failed unexpectedly';
      return done('failed', `Error: ${message}`);
    }
  }
}

function parseArguments(text: string): unknown {
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
