// What a call used when its provider never said (the client hung up, the provider broke off, or it sends no usable
// usage): the prompt by the same bound cost limits reserve on, the completion by the text of the answer, or of the
// deltas seen so far.

import type { TokenUsage } from '../domain/token-usage.js';
import type { ChatCompletionCreateParams } from './openai-wire.js';
import { promptTokenBound, type TokenFamily, textTokens } from './token-bounds.js';

// Events are kept as they passed (no copy, no parse on the way) and read only if the stream ends unreported; past
// this many characters they are read at once and only their text is kept.
const FOLD_CHARS = 256 * 1024;

interface ChunkDelta {
  content?: unknown;
  reasoning_content?: unknown;
  reasoning?: unknown;
  refusal?: unknown;
  tool_calls?: Array<{ function?: { name?: unknown; arguments?: unknown } }>;
}

export class StreamTally {
  private events: string[] = [];
  private eventChars = 0;
  private readonly texts: string[] = [];

  /** Notes one event's `data:` payload (an OpenAI chat.completion.chunk, or an Anthropic event of a native stream). */
  add(data: string): void {
    this.events.push(data);
    this.eventChars += data.length;
    if (this.eventChars > FOLD_CHARS) this.fold();
  }

  /**
   * The usage to bill: the provider's figures where it gave them, else counted — the prompt by its token bound, the
   * completion by the text seen (whichever is larger, the provider's running count or ours).
   */
  usage(reported: TokenUsage | undefined, params: ChatCompletionCreateParams, family: TokenFamily): TokenUsage {
    this.fold();
    const promptTokens = reported && reported.promptTokens > 0 ? reported.promptTokens : promptTokenBound(params, family);
    const seen = textTokens(this.texts, family);
    return {
      promptTokens,
      completionTokens: Math.max(reported?.completionTokens ?? 0, seen),
      cachedTokens: reported?.cachedTokens ?? 0,
    };
  }

  private fold(): void {
    for (const data of this.events) collectTexts(data, this.texts);
    this.events = [];
    this.eventChars = 0;
  }
}

/** An Anthropic content block or delta (text, thinking, tool input), as native Messages answers carry them. */
interface AnthropicText {
  text?: unknown;
  thinking?: unknown;
  partial_json?: unknown;
  input?: unknown;
}

/**
 * The tokens of a JSON answer's messages (a `chat.completion`, or a native Anthropic message), for an answer that
 * came without a usable count.
 */
export function answerTokens(body: string, family: TokenFamily): number {
  const texts: string[] = [];
  let completion: { choices?: Array<{ message?: ChunkDelta }>; content?: AnthropicText[] };
  try {
    completion = JSON.parse(body) as typeof completion;
  } catch {
    return textTokens([body], family);
  }
  for (const choice of completion.choices ?? []) if (choice.message) collectDelta(choice.message, texts);
  if (Array.isArray(completion.content)) for (const block of completion.content) collectAnthropic(block, texts);
  return textTokens(texts, family);
}

function collectTexts(data: string, texts: string[]): void {
  let chunk: { choices?: Array<{ delta?: ChunkDelta }>; delta?: AnthropicText };
  try {
    chunk = JSON.parse(data) as typeof chunk;
  } catch {
    // Not JSON: all of it may be text.
    texts.push(data);
    return;
  }
  for (const choice of chunk.choices ?? []) if (choice.delta) collectDelta(choice.delta, texts);
  if (chunk.delta) collectAnthropic(chunk.delta, texts);
}

function collectAnthropic(block: AnthropicText, texts: string[]): void {
  for (const text of [block.text, block.thinking, block.partial_json]) if (typeof text === 'string') texts.push(text);
  if (block.input !== undefined) texts.push(JSON.stringify(block.input));
}

/** The text of a message or a chunk's delta: content, reasoning, refusal and tool calls. */
function collectDelta(delta: ChunkDelta, texts: string[]): void {
  for (const text of [delta.content, delta.reasoning_content, delta.reasoning, delta.refusal]) {
    if (typeof text === 'string') texts.push(text);
  }
  for (const call of delta.tool_calls ?? []) {
    if (typeof call.function?.name === 'string') texts.push(call.function.name);
    if (typeof call.function?.arguments === 'string') texts.push(call.function.arguments);
  }
}
