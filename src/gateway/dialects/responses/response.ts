// Builds Responses objects: the skeleton every response shares (what the request asked for), and a whole response
// from a provider's chat completion.
import type { TokenUsage } from '../../../domain/token-usage.js';
import type { ChatCompletion, CompletionUsage, FinishReason } from '../../openai-wire.js';
import { outputItemId } from './ids.js';
import type { Response, ResponseCreateParams, ResponseOutputItem, ResponseStatus, ResponseUsage } from './wire.js';

/** What a response says about itself before any output: its id, time, and the request's settings. */
export interface ResponseHeader {
  id: string;
  /** Epoch seconds. */
  createdAt: number;
  params: ResponseCreateParams;
  /** Whether the response is stored (the request's `store`, unless the tenant keeps nothing). */
  store: boolean;
}

export function responseSkeleton(header: ResponseHeader, model: string, status: ResponseStatus): Response {
  const { params } = header;
  return {
    id: header.id,
    object: 'response',
    created_at: header.createdAt,
    status,
    completed_at: null,
    error: null,
    incomplete_details: null,
    instructions: params.instructions ?? null,
    max_output_tokens: params.max_output_tokens ?? null,
    model,
    output: [],
    parallel_tool_calls: params.parallel_tool_calls ?? true,
    previous_response_id: params.previous_response_id ?? null,
    reasoning: { effort: params.reasoning?.effort ?? null, summary: params.reasoning?.summary ?? null },
    store: header.store,
    temperature: params.temperature ?? null,
    text: { format: params.text?.format ?? { type: 'text' } },
    tool_choice: params.tool_choice ?? 'auto',
    tools: params.tools ?? [],
    top_p: params.top_p ?? null,
    truncation: 'disabled',
    ...(params.user === undefined ? {} : { user: params.user }),
    metadata: params.metadata ?? {},
  };
}

/** A finished response: `completed`, or `incomplete` with its reason when the provider stopped early. */
export function finishResponse(response: Response, finishReason: FinishReason | null, usage: ResponseUsage): Response {
  const reason = finishReason === 'length' ? 'max_output_tokens' : finishReason === 'content_filter' ? 'content_filter' : null;
  response.status = reason === null ? 'completed' : 'incomplete';
  response.incomplete_details = reason === null ? null : { reason };
  response.completed_at = Math.floor(Date.now() / 1000);
  response.usage = usage;
  return response;
}

interface AssistantMessageWithReasoning {
  content: string | null;
  refusal?: string | null;
  reasoning_content?: unknown;
  reasoning?: unknown;
  tool_calls?: Array<{ id: string; function: { name: string; arguments: string } }>;
}

/** A provider's chat completion (its first choice) as a response. */
export function responseFromCompletion(header: ResponseHeader, completion: ChatCompletion, metered: TokenUsage): Response {
  const response = responseSkeleton(header, completion.model, 'in_progress');
  const choice = completion.choices[0];
  const message = choice?.message as AssistantMessageWithReasoning | undefined;
  const output: ResponseOutputItem[] = response.output;
  const status = choice?.finish_reason === 'length' || choice?.finish_reason === 'content_filter' ? 'incomplete' : 'completed';
  const reasoning = typeof message?.reasoning_content === 'string' ? message.reasoning_content : message?.reasoning;
  if (typeof reasoning === 'string' && reasoning !== '') {
    output.push({
      type: 'reasoning',
      id: outputItemId('rs', header.id, output.length),
      summary: [],
      content: [{ type: 'reasoning_text', text: reasoning }],
    });
  }
  const text = message?.content ?? '';
  const refusal = message?.refusal;
  if (text !== '' || typeof refusal === 'string' || !message?.tool_calls?.length) {
    output.push({
      type: 'message',
      id: outputItemId('msg', header.id, output.length),
      role: 'assistant',
      status,
      content:
        typeof refusal === 'string' && text === ''
          ? [{ type: 'refusal', refusal }]
          : [{ type: 'output_text', text, annotations: [], logprobs: [] }],
    });
  }
  for (const call of message?.tool_calls ?? []) {
    output.push({
      type: 'function_call',
      id: outputItemId('fc', header.id, output.length),
      call_id: call.id,
      name: call.function.name,
      arguments: call.function.arguments,
      status: 'completed',
    });
  }
  return finishResponse(response, choice?.finish_reason ?? null, responseUsage(metered, completion.usage));
}

/**
 * The usage Shuttle metered (the provider's counts when they can be trusted, else its own), with the provider's
 * reasoning-token count when it sent one.
 */
export function responseUsage(metered: TokenUsage, wire?: CompletionUsage | null): ResponseUsage {
  const reasoning = wire?.completion_tokens_details?.reasoning_tokens;
  return {
    input_tokens: metered.promptTokens,
    input_tokens_details: { cached_tokens: metered.cachedTokens, cache_write_tokens: 0 },
    output_tokens: metered.completionTokens,
    output_tokens_details: { reasoning_tokens: Number.isSafeInteger(reasoning) ? (reasoning as number) : 0 },
    total_tokens: metered.promptTokens + metered.completionTokens,
  };
}

/** The text of a response's output messages, joined (`output_text`, as openai-node computes it). */
export function outputText(response: Response): string {
  let text = '';
  for (const item of response.output) {
    if (item.type !== 'message') continue;
    for (const part of item.content) if (part.type === 'output_text') text += part.text;
  }
  return text;
}
