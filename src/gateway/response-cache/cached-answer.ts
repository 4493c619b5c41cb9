// A cached answer: a chat completion as the provider answered it (or as its stream added up to), with what it used
// and cost. Stored as one line of metadata JSON, a newline, then the completion's JSON text as it came: a hit that is
// not streamed sends that text without parsing it.
import type { TokenUsage } from '../../domain/token-usage.js';
import type {
  ChatCompletion,
  ChatCompletionChoice,
  ChatCompletionChunk,
  ChatCompletionMessageToolCall,
  CompletionUsage,
} from '../openai-wire.js';
import type { StreamPart } from '../providers/provider.js';

export interface CachedAnswer {
  /** The chat.completion's JSON text. */
  body: string;
  model: string;
  /** The connection and its provider type that answered first. */
  provider: string;
  providerType: string;
  usage: TokenUsage;
  /** What the answer cost when it was bought: a hit saves that. */
  costMicros: number;
  /** Epoch ms when it was stored. */
  createdAt: number;
}

type Metadata = Omit<CachedAnswer, 'body'>;

export function encodeAnswer(answer: CachedAnswer): string {
  const { body, ...metadata } = answer;
  return `${JSON.stringify(metadata)}\n${body}`;
}

/** The answer an entry holds; undefined for an entry this version cannot read (it is then a miss). */
export function decodeAnswer(entry: string): CachedAnswer | undefined {
  const newline = entry.indexOf('\n');
  if (newline < 0) return undefined;
  try {
    const metadata = JSON.parse(entry.slice(0, newline)) as Metadata;
    if (typeof metadata.createdAt !== 'number' || typeof metadata.model !== 'string') return undefined;
    return { ...metadata, body: entry.slice(newline + 1) };
  } catch {
    return undefined;
  }
}

interface ChoiceSoFar {
  content: string | null;
  refusal: string | null;
  toolCalls: ChatCompletionMessageToolCall[];
  finishReason: ChatCompletionChoice['finish_reason'];
}

/**
 * Adds up a stream's chunks into the chat.completion it stands for; undefined when a chunk is not one (then nothing is
 * stored). Tool calls arrive in pieces keyed by index: the first piece has the id and name, the others more arguments.
 */
export class CompletionAssembler {
  private readonly choices = new Map<number, ChoiceSoFar>();
  private head: Pick<ChatCompletionChunk, 'id' | 'created' | 'model' | 'system_fingerprint'> | undefined;
  private usage: CompletionUsage | undefined;
  private broken = false;

  add(data: string): void {
    if (this.broken) return;
    let chunk: ChatCompletionChunk;
    try {
      chunk = JSON.parse(data) as ChatCompletionChunk;
    } catch {
      this.broken = true;
      return;
    }
    if (chunk === null || typeof chunk !== 'object' || !Array.isArray(chunk.choices)) {
      this.broken = true;
      return;
    }
    this.head ??= { id: chunk.id, created: chunk.created, model: chunk.model, system_fingerprint: chunk.system_fingerprint ?? null };
    if (chunk.usage) this.usage = chunk.usage;
    for (const choice of chunk.choices) {
      let soFar = this.choices.get(choice.index);
      if (soFar === undefined) {
        soFar = { content: null, refusal: null, toolCalls: [], finishReason: null };
        this.choices.set(choice.index, soFar);
      }
      const delta = choice.delta ?? {};
      if (typeof delta.content === 'string') soFar.content = (soFar.content ?? '') + delta.content;
      if (typeof delta.refusal === 'string') soFar.refusal = (soFar.refusal ?? '') + delta.refusal;
      for (const piece of delta.tool_calls ?? []) {
        let call = soFar.toolCalls[piece.index];
        if (call === undefined) {
          call = { id: piece.id ?? '', type: 'function', function: { name: '', arguments: '' } };
          soFar.toolCalls[piece.index] = call;
        }
        if (piece.id) call.id = piece.id;
        if (piece.function?.name) call.function.name += piece.function.name;
        if (piece.function?.arguments) call.function.arguments += piece.function.arguments;
      }
      if (choice.finish_reason) soFar.finishReason = choice.finish_reason;
    }
  }

  /** The completion's JSON text, or undefined when the stream was not a complete chat completion stream. */
  completion(): string | undefined {
    if (this.broken || this.head === undefined || this.choices.size === 0) return undefined;
    const choices: ChatCompletionChoice[] = [...this.choices.entries()]
      .sort(([a], [b]) => a - b)
      .map(([index, soFar]) => ({
        index,
        message: {
          role: 'assistant',
          content: soFar.content,
          ...(soFar.refusal === null ? {} : { refusal: soFar.refusal }),
          ...(soFar.toolCalls.length === 0 ? {} : { tool_calls: soFar.toolCalls.filter(Boolean) }),
        },
        finish_reason: soFar.finishReason,
        logprobs: null,
      }));
    // A stream cut short has a choice without a finish reason: not a complete answer.
    if (choices.some((choice) => choice.finish_reason === null)) return undefined;
    const completion: ChatCompletion = {
      id: this.head.id,
      object: 'chat.completion',
      created: this.head.created,
      model: this.head.model,
      choices,
      ...(this.usage ? { usage: this.usage } : {}),
      system_fingerprint: this.head.system_fingerprint ?? null,
    };
    return JSON.stringify(completion);
  }
}

/**
 * A cached completion as the stream a streaming request gets: per choice a role chunk, its content (or refusal, or
 * tool calls) in one chunk, a finish chunk; then a usage-only chunk (sent when the client asked for usage).
 */
export function replayParts(answer: CachedAnswer): StreamPart[] {
  const completion = JSON.parse(answer.body) as ChatCompletion;
  const head = { id: completion.id, object: 'chat.completion.chunk', created: completion.created, model: completion.model };
  const fingerprint = completion.system_fingerprint === undefined ? {} : { system_fingerprint: completion.system_fingerprint };
  const chunk = (index: number, delta: Record<string, unknown>, finishReason: string | null = null): StreamPart => ({
    data: JSON.stringify({ ...head, ...fingerprint, choices: [{ index, delta, logprobs: null, finish_reason: finishReason }] }),
  });
  const parts: StreamPart[] = [];
  for (const choice of completion.choices) {
    const { message, index } = choice;
    // As OpenAI streams it: an empty content to start a text answer, null for one that is only tool calls.
    parts.push(chunk(index, { role: 'assistant', content: message.content === null ? null : '' }));
    if (typeof message.content === 'string' && message.content !== '') parts.push(chunk(index, { content: message.content }));
    if (typeof message.refusal === 'string') parts.push(chunk(index, { refusal: message.refusal }));
    if (message.tool_calls?.length) {
      const pieces = message.tool_calls.map((call, i) => ({ index: i, id: call.id, type: call.type, function: call.function }));
      parts.push(chunk(index, { tool_calls: pieces }));
    }
    parts.push(chunk(index, {}, choice.finish_reason ?? 'stop'));
  }
  const usage = completion.usage ?? wireUsage(answer.usage);
  parts.push({
    data: JSON.stringify({ ...head, ...fingerprint, choices: [], usage }),
    usage: answer.usage,
    usageOnly: true,
  });
  return parts;
}

function wireUsage(usage: TokenUsage): CompletionUsage {
  return {
    prompt_tokens: usage.promptTokens,
    completion_tokens: usage.completionTokens,
    total_tokens: usage.promptTokens + usage.completionTokens,
    prompt_tokens_details: { cached_tokens: usage.cachedTokens },
  };
}
