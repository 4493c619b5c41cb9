// Reads the parts of an OpenAI request that every translating adapter needs: text, images, limits, stop
// sequences, tool choice and tool-call arguments, refusing what the target provider cannot express.
import { InvalidRequestError } from '../../../errors/shuttle-error.js';
import type { ChatCompletionContentPart, ChatCompletionCreateParams, ChatCompletionMessageParam } from '../../openai-wire.js';

/** The text of a message's content: the string, or its text parts joined. */
export function textOf(content: ChatCompletionMessageParam['content']): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .filter((part): part is { type: 'text'; text: string } => part.type === 'text' && typeof part.text === 'string')
    .map((part) => part.text)
    .join('\n');
}

export type ImageSource = { kind: 'base64'; mediaType: string; data: string } | { kind: 'url'; url: string };

/** An `image_url` part as base64 data (from a data URL) or a URL; undefined for other parts. */
export function imageOf(part: ChatCompletionContentPart): ImageSource | undefined {
  if (part.type !== 'image_url') return undefined;
  const imageUrl = (part as { image_url?: unknown }).image_url;
  const url = typeof imageUrl === 'string' ? imageUrl : (imageUrl as { url?: unknown } | undefined)?.url;
  if (typeof url !== 'string') throw new InvalidRequestError('An image_url part needs image_url.url.', 'messages');
  const data = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  if (data) return { kind: 'base64', mediaType: data[1] as string, data: data[2] as string };
  if (/^https?:\/\//i.test(url)) return { kind: 'url', url };
  throw new InvalidRequestError('An image URL must be an http(s) URL or a base64 data URL.', 'messages');
}

export function maxTokensOf(params: ChatCompletionCreateParams): number | undefined {
  return params.max_completion_tokens ?? params.max_tokens ?? undefined;
}

export function stopSequencesOf(params: ChatCompletionCreateParams): string[] | undefined {
  const { stop } = params;
  if (stop === undefined || stop === null) return undefined;
  return typeof stop === 'string' ? [stop] : stop;
}

export type ToolChoice = { kind: 'auto' } | { kind: 'none' } | { kind: 'required' } | { kind: 'function'; name: string };

export function toolChoiceOf(params: ChatCompletionCreateParams): ToolChoice | undefined {
  const choice = params.tool_choice;
  if (choice === undefined || choice === null) return undefined;
  if (choice === 'auto' || choice === 'none' || choice === 'required') return { kind: choice };
  const name = (choice as { function?: { name?: unknown } }).function?.name;
  if (typeof name === 'string') return { kind: 'function', name };
  throw new InvalidRequestError('tool_choice must be "auto", "none", "required" or {"type": "function", …}.', 'tool_choice');
}

/** The request's function tools: the only kind the translating providers are given. */
export function functionTools(params: ChatCompletionCreateParams) {
  return (params.tools ?? []).filter((tool) => tool.type === 'function' && tool.function !== undefined);
}

/** The id of the tool call a tool message answers, which every provider needs with the result. */
export function toolCallIdOf(message: ChatCompletionMessageParam): string {
  if (typeof message.tool_call_id === 'string') return message.tool_call_id;
  throw new InvalidRequestError('A tool message needs the tool_call_id it answers.', 'messages');
}

/** A tool call's `arguments` (a JSON string) as the object providers want. */
export function toolArguments(json: string, param = 'messages'): Record<string, unknown> {
  if (json.trim() === '') return {};
  try {
    const value: unknown = JSON.parse(json);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // Reported below.
  }
  throw new InvalidRequestError('Tool call arguments must be a JSON object.', param);
}

/** Refuses `n` > 1 on providers that answer with a single choice. */
export function requireSingleChoice(params: ChatCompletionCreateParams, provider: string): void {
  if ((params.n ?? 1) > 1) throw new InvalidRequestError(`${provider} answers with one choice; n must be 1.`, 'n');
}

/** System and developer messages are instructions; the rest is the conversation. */
export function isInstruction(message: ChatCompletionMessageParam): boolean {
  return message.role === 'system' || message.role === 'developer';
}

/** The name of the function a tool result answers, found in the assistant message that made the call. */
export function toolNamesById(messages: readonly ChatCompletionMessageParam[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const message of messages) for (const call of message.tool_calls ?? []) names.set(call.id, call.function.name);
  return names;
}

/**
 * Refuses a conversation left with no turns: messages without content (an empty user message) are left out of
 * providers' alternating turns, and an empty conversation is not what the client sent.
 */
export function requireConversation(turns: readonly unknown[], provider: string): void {
  if (turns.length > 0) return;
  throw new InvalidRequestError(`${provider} needs at least one message with content; every message sent is empty.`, 'messages');
}

/** A content part's Anthropic-style `cache_control` marker (`{"type": "ephemeral"}`), when it has one. */
export function cacheControlOf(part: ChatCompletionContentPart): Record<string, unknown> | undefined {
  const marker = (part as { cache_control?: unknown }).cache_control;
  return typeof marker === 'object' && marker !== null && !Array.isArray(marker) ? (marker as Record<string, unknown>) : undefined;
}

/**
 * Refuses the legacy `functions` / `function_call` fields on providers that translate requests: answering them needs
 * the legacy answer shape (`message.function_call`) too, which Shuttle does not build; `tools` say the same thing.
 */
export function refuseLegacyFunctions(params: ChatCompletionCreateParams, provider: string): void {
  for (const field of ['functions', 'function_call'] as const) {
    if (params[field] !== undefined && params[field] !== null) {
      throw new InvalidRequestError(`${provider} takes tools, not the legacy "${field}" field; send tools and tool_choice instead.`, field);
    }
  }
}
