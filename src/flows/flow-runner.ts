// Runs a flow: picks the version (named, or the one active in the environment) and the template, renders the
// prompt, and sends it through the same pipeline as a chat completion (limits, routing, fallbacks, metering).
// With a response schema the answer must be JSON that satisfies it: an invalid answer is retried once, with the
// model told what was wrong, then the run fails with 502 invalid_structured_output. A template with tools runs the
// tool-calling loop (tools/tool-loop.ts): every model call of it through the same pipeline, the run's usage the sum.

import type { FlowTemplate } from '../domain/flow-template.js';
import { InvalidRequestError, NotFoundError, ShuttleError } from '../errors/shuttle-error.js';
import type { CallContext, ChatOptions, Gateway } from '../gateway/gateway.js';
import type { ChatCompletionCreateParams, ChatCompletionMessageParam } from '../gateway/openai-wire.js';
import type { ChatStreamResult } from '../gateway/providers/provider.js';
import type { CacheRequest } from '../gateway/response-cache/response-cache.js';
import type { RouteTarget } from '../gateway/routing/router.js';
import { newId } from '../store/ids.js';
import type { Flow, FlowRepository, FlowVersion } from '../store/repositories/flows.js';
import { assertParameters, type ParameterValues, render } from './parameters.js';
import { responseFormat, validateAnswer } from './structured-output.js';
import { type Conversation, converse, streamRounds, withTools } from './tools/tool-conversation.js';
import type { ToolCallContext, ToolExecutors } from './tools/tool-executor.js';
import type { ToolLibrary } from './tools/tool-library.js';
import { type ToolCallRecord, ToolRound, type ToolSet, toolSet } from './tools/tool-loop.js';

/** How deep agents may nest, whatever their tools' maxDepth says. */
export const MAX_AGENT_DEPTH = 5;

export interface RunInput {
  flow: Flow;
  parameters: ParameterValues;
  version?: number | undefined;
  entrypoint?: string | undefined;
  messages?: ChatCompletionMessageParam[] | undefined;
  overrideModel?: string | undefined;
  temperature?: number | undefined;
  maxTokens?: number | undefined;
  responseSchema?: Record<string, unknown> | undefined;
  stream?: boolean | undefined;
  /** What the run asks of the response cache (its `cache` field and x-shuttle-cache-* headers). */
  cache?: CacheRequest | undefined;
  /** 0 for a run a client started; an agent tool's run is one deeper than the run that called it. */
  depth?: number | undefined;
}

export interface PreparedRun {
  id: string;
  version: FlowVersion;
  entrypoint: string;
  template: FlowTemplate;
  messages: ChatCompletionMessageParam[];
  params: ChatCompletionCreateParams;
  fallbacks: string[];
  schema: Record<string, unknown> | undefined;
  cache: CacheRequest | undefined;
  /** The template's tools, when it has any: the run is a tool-calling loop. */
  tools: ToolSet | undefined;
  /** Every tool call of the run so far, for the run log. */
  toolCalls: ToolCallRecord[];
  depth: number;
}

export interface RunAnswer {
  target: RouteTarget;
  model: string;
  /** The answer's text, or the parsed JSON when a schema is set. */
  response: unknown;
  /** The raw text of the answer, for the run log. */
  text: string | null;
}

export class FlowRunner {
  private readonly round: ToolRound | undefined;

  constructor(
    private readonly flows: FlowRepository,
    private readonly gateway: Gateway,
    private readonly library?: ToolLibrary,
    executors?: ToolExecutors,
  ) {
    this.round = executors && new ToolRound(executors);
  }

  async prepare(tenantId: string, environment: string, input: RunInput): Promise<PreparedRun> {
    const version = await this.resolveVersion(tenantId, environment, input);
    const entrypoint = input.entrypoint ?? 'main';
    const template = version.templates[entrypoint];
    if (!template) throw new NotFoundError(`Version ${version.version} of "${input.flow.slug}" has no template "${entrypoint}".`);
    assertParameters(template, input.parameters);
    const messages: ChatCompletionMessageParam[] = [];
    if (template.template.trim() !== '') messages.push({ role: 'system', content: render(template.template, input.parameters) });
    if (template.userTemplate) messages.push({ role: 'user', content: render(template.userTemplate, input.parameters) });
    messages.push(...(input.messages ?? []));
    if (messages.length === 0)
      throw new InvalidRequestError('The template renders no message; give it a template, a userTemplate or messages.', 'messages');
    const schema = input.responseSchema ?? template.responseSchema;
    if (schema && input.stream)
      throw new InvalidRequestError('A run with a response schema cannot stream: its answer is validated whole.', 'stream');
    const tools =
      template.tools && template.tools.length > 0 && this.library
        ? toolSet(await this.library.resolve(tenantId, template.tools, `templates.${entrypoint}.tools`), template)
        : undefined;
    const maxTokens = input.maxTokens ?? template.maxTokens;
    const temperature = input.temperature ?? template.temperature;
    const params: ChatCompletionCreateParams = {
      model: input.overrideModel ?? template.llm,
      messages,
      ...(temperature === undefined ? {} : { temperature }),
      ...(maxTokens === undefined ? {} : { max_tokens: maxTokens }),
      ...(schema ? { response_format: responseFormat(schema) } : {}),
      ...(input.stream ? { stream: true, stream_options: { include_usage: true } } : {}),
    };
    return {
      id: newId('run'),
      version,
      entrypoint,
      template,
      messages,
      params,
      fallbacks: input.overrideModel ? [] : (template.fallbacks ?? []),
      schema,
      cache: input.cache,
      tools,
      toolCalls: [],
      depth: input.depth ?? 0,
    };
  }

  /** A whole answer: validated against the schema, and asked again once when it does not satisfy it. */
  async answer(run: PreparedRun, ctx: CallContext): Promise<RunAnswer> {
    const first = await converse(this.conversation(run, ctx), run.params);
    if (!run.schema) return { ...first, response: first.text };
    const checked = validateAnswer(run.schema, first.text);
    if (checked.valid) return { ...first, response: checked.value };
    const retry: ChatCompletionCreateParams = {
      ...run.params,
      messages: [
        ...first.messages,
        { role: 'assistant', content: first.text ?? '' },
        { role: 'user', content: `That answer is invalid (${checked.problem}). Reply again with only JSON that satisfies the schema.` },
      ],
    };
    const second = await converse(this.conversation(run, ctx), retry);
    const again = validateAnswer(run.schema, second.text);
    if (again.valid) return { ...second, response: again.value };
    throw new ShuttleError('invalid_structured_output', {
      message: `The model did not answer with JSON matching the response schema, even when asked again: ${again.problem}.`,
    });
  }

  async stream(run: PreparedRun, ctx: CallContext): Promise<{ target: RouteTarget; stream: ChatStreamResult }> {
    const { result, target } = await this.gateway.chat(withTools(run.params, run.tools, 0), ctx, chatOptions(run));
    if (!result.stream) throw new Error('asked for a stream, got a whole answer');
    if (!run.tools) return { target, stream: result };
    return { target, stream: { ...result, parts: streamRounds(this.conversation(run, ctx), run.params, result) } };
  }

  /** The run's conversation: its model calls through the gateway, its tool rounds through the executors. */
  private conversation(run: PreparedRun, ctx: CallContext): Conversation {
    return {
      tools: run.tools,
      toolCalls: run.toolCalls,
      chat: (params) => this.gateway.chat(params, ctx, chatOptions(run)),
      runTools: (calls) => {
        if (!this.round || !run.tools) throw new Error('a run with tools needs the tool executors');
        const toolCtx: Omit<ToolCallContext, 'exclusive'> = {
          tenantId: ctx.tenant.tenantId,
          environment: ctx.environment,
          call: ctx,
          depth: run.depth,
          signal: ctx.signal,
        };
        return this.round.run(calls, run.tools, toolCtx, run.toolCalls);
      },
    };
  }

  private async resolveVersion(tenantId: string, environment: string, input: RunInput): Promise<FlowVersion> {
    if (input.version !== undefined) {
      const named = await this.flows.version(tenantId, input.flow.id, input.version);
      if (!named) throw new NotFoundError(`"${input.flow.slug}" has no version ${input.version}.`);
      return named;
    }
    const [deployment] = (await this.flows.deployments(tenantId, [input.flow.id])).filter((d) => d.environment === environment);
    if (!deployment) {
      throw new ShuttleError('flow_not_active', {
        message: `No version of "${input.flow.slug}" is active in ${environment}; activate one or name a version.`,
      });
    }
    return (await this.flows.version(tenantId, input.flow.id, deployment.version)) as FlowVersion;
  }
}

function chatOptions(run: PreparedRun): ChatOptions {
  return {
    fallbackModels: run.fallbacks,
    ...(run.cache ? { cache: run.cache } : {}),
    ...(run.tools?.webSearch ? { webSearch: true } : {}),
  };
}
