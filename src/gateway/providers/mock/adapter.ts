// The built-in `mock` provider: answers in-process so a fresh install works with no provider key.
// `mock/echo` replies with the last user message, with honest token counts and optional latency; `mock/tools`
// calls the tools it is given (tool-caller.ts).

import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TokenUsage } from '../../../domain/token-usage.js';
import { NotFoundError } from '../../../errors/shuttle-error.js';
import { randomBase62 } from '../../../store/ids.js';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionCreateParams,
  ChatCompletionMessageToolCall,
  CreateEmbeddingResponse,
  FinishReason,
} from '../../openai-wire.js';
import type { ChatCall, ChatResult, EmbeddingsCall, EmbeddingsResult, ProviderAdapter, StreamPart } from '../provider.js';
import { countPromptTokens, countTokens, messageText, splitTokens } from './tokens.js';
import { toolsAnswer } from './tool-caller.js';

export const MOCK_MODELS = ['echo', 'tools'] as const;
export const MOCK_EMBEDDING_MODELS = ['embed'] as const;
const EMBEDDING_DIMENSIONS = 8;

interface MockAnswer {
  id: string;
  created: number;
  pieces: string[];
  finishReason: FinishReason;
  choices: number;
  usage: TokenUsage;
  toolCalls?: ChatCompletionMessageToolCall[];
}

function answer(params: ChatCompletionCreateParams, model: string): MockAnswer {
  const tools = model === 'tools' ? toolsAnswer(params) : undefined;
  if (tools?.kind === 'calls') {
    const choices = params.n ?? 1;
    const completionTokens = tools.calls.reduce((total, c) => total + countTokens(`${c.function.name} ${c.function.arguments}`), 0);
    return {
      id: `chatcmpl-mock-${randomBase62(16)}`,
      created: Math.floor(Date.now() / 1000),
      pieces: [],
      finishReason: 'tool_calls',
      choices,
      usage: { promptTokens: countPromptTokens(params.messages), completionTokens: completionTokens * choices, cachedTokens: 0 },
      toolCalls: tools.calls,
    };
  }
  const lastUser = [...params.messages].reverse().find((message) => message.role === 'user');
  const text = tools?.kind === 'text' ? tools.text : lastUser ? messageText(lastUser) : '';
  const all = splitTokens(text === '' ? 'Hello from the Shuttle mock provider.' : text);
  const limit = params.max_completion_tokens ?? params.max_tokens ?? Number.POSITIVE_INFINITY;
  const pieces = all.slice(0, limit);
  const choices = params.n ?? 1;
  return {
    id: `chatcmpl-mock-${randomBase62(16)}`,
    created: Math.floor(Date.now() / 1000),
    pieces,
    finishReason: pieces.length < all.length ? 'length' : 'stop',
    choices,
    usage: { promptTokens: countPromptTokens(params.messages), completionTokens: pieces.length * choices, cachedTokens: 0 },
  };
}

function usageWire(usage: TokenUsage) {
  return {
    prompt_tokens: usage.promptTokens,
    completion_tokens: usage.completionTokens,
    total_tokens: usage.promptTokens + usage.completionTokens,
  };
}

export class MockAdapter implements ProviderAdapter {
  readonly type = 'mock';

  constructor(private readonly latencyMs: number) {}

  async chat(call: ChatCall): Promise<ChatResult> {
    if (!(MOCK_MODELS as readonly string[]).includes(call.model)) {
      throw new NotFoundError(`The mock provider has no model "${call.model}"; try mock/echo.`, 'model_not_found');
    }
    if (this.latencyMs > 0) await sleep(this.latencyMs, undefined, { signal: call.signal });
    const result = answer(call.params, call.model);
    const model = call.model;
    if (call.params.stream === true) return { stream: true, parts: streamParts(result, model), model };

    const content = result.pieces.join('').trimStart();
    const completion: ChatCompletion = {
      id: result.id,
      object: 'chat.completion',
      created: result.created,
      model,
      choices: Array.from({ length: result.choices }, (_, index) => ({
        index,
        message: result.toolCalls
          ? { role: 'assistant' as const, content: null, refusal: null, tool_calls: result.toolCalls }
          : { role: 'assistant' as const, content, refusal: null },
        finish_reason: result.finishReason,
        logprobs: null,
      })),
      usage: usageWire(result.usage),
    };
    return { stream: false, body: JSON.stringify(completion), usage: result.usage, model };
  }

  /** `mock/embed`: a deterministic unit vector per input text, derived from its SHA-256. */
  async embeddings(call: EmbeddingsCall): Promise<EmbeddingsResult> {
    if (!(MOCK_EMBEDDING_MODELS as readonly string[]).includes(call.model)) {
      throw new NotFoundError(`The mock provider has no embedding model "${call.model}"; try mock/embed.`, 'model_not_found');
    }
    if (this.latencyMs > 0) await sleep(this.latencyMs, undefined, { signal: call.signal });
    const inputs = (Array.isArray(call.params.input) ? call.params.input : [call.params.input]).map((input) =>
      typeof input === 'string' ? input : JSON.stringify(input),
    );
    const promptTokens = inputs.reduce((total, text) => total + countTokens(text), 0);
    const response: CreateEmbeddingResponse = {
      object: 'list',
      data: inputs.map((text, index) => {
        const vector = unitVector(text);
        const embedding =
          call.params.encoding_format === 'base64' ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector;
        return { object: 'embedding' as const, index, embedding };
      }),
      model: call.model,
      usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
    };
    return { body: JSON.stringify(response), usage: { promptTokens, completionTokens: 0, cachedTokens: 0 }, model: call.model };
  }
}

function unitVector(text: string): number[] {
  const digest = createHash('sha256').update(text).digest();
  const raw = Array.from({ length: EMBEDDING_DIMENSIONS }, (_, i) => digest.readInt16BE(i * 2));
  const norm = Math.hypot(...raw) || 1;
  return raw.map((value) => Math.round((value / norm) * 1e6) / 1e6);
}

async function* streamParts(result: MockAnswer, model: string): AsyncGenerator<StreamPart> {
  const chunk = (choices: ChatCompletionChunk['choices'], usage: ChatCompletionChunk['usage'] = null): string =>
    JSON.stringify({
      id: result.id,
      object: 'chat.completion.chunk',
      created: result.created,
      model,
      choices,
      usage,
    } satisfies ChatCompletionChunk);
  const indexes = Array.from({ length: result.choices }, (_, index) => index);

  yield { data: chunk(indexes.map((index) => ({ index, delta: { role: 'assistant', content: '' }, finish_reason: null }))) };
  for (const [i, call] of (result.toolCalls ?? []).entries()) {
    // A call streams whole, in one delta, as several providers send theirs.
    const delta = { tool_calls: [{ index: i, id: call.id, type: 'function' as const, function: call.function }] };
    yield { data: chunk(indexes.map((index) => ({ index, delta, finish_reason: null }))) };
  }
  for (let i = 0; i < result.pieces.length; i++) {
    const piece = i === 0 ? (result.pieces[i] as string).trimStart() : (result.pieces[i] as string);
    yield { data: chunk(indexes.map((index) => ({ index, delta: { content: piece }, finish_reason: null }))) };
  }
  yield { data: chunk(indexes.map((index) => ({ index, delta: {}, finish_reason: result.finishReason }))) };
  yield { data: chunk([], usageWire(result.usage)), usage: result.usage, usageOnly: true };
}
