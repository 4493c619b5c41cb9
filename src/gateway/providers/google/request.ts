// OpenAI chat request → Gemini GenerateContentRequest: system instruction, user/model contents with text, inline
// images and function calls/responses, function declarations and calling mode, and the generation config.
import { InvalidRequestError } from '../../../errors/shuttle-error.js';
import type { ChatCompletionCreateParams, ChatCompletionMessageParam } from '../../openai-wire.js';
import {
  functionTools,
  imageOf,
  isInstruction,
  maxTokensOf,
  refuseLegacyFunctions,
  requireConversation,
  stopSequencesOf,
  textOf,
  toolArguments,
  toolChoiceOf,
  toolNamesById,
} from '../translate/openai-input.js';
import { alternatingTurns } from '../translate/turns.js';
import { toGeminiSchema } from './schema.js';
import { thoughtSignatureOf } from './tool-call-ids.js';
import type { Content, GenerateContentRequest, GenerationConfig, Part, ToolConfig } from './wire.js';

export function toGenerateContentRequest(params: ChatCompletionCreateParams): GenerateContentRequest {
  refuseLegacyFunctions(params, 'Gemini');
  const request: GenerateContentRequest = { contents: toContents(params.messages) };
  requireConversation(request.contents, 'Gemini');
  const instructions = params.messages.filter(isInstruction).map((message) => ({ text: textOf(message.content) }));
  if (instructions.length > 0) request.systemInstruction = { parts: instructions };
  const functions = functionTools(params);
  if (functions.length > 0) {
    request.tools = [
      {
        functionDeclarations: functions.map(({ function: fn }) => ({
          name: fn.name,
          ...(fn.description === undefined ? {} : { description: fn.description }),
          ...(fn.parameters === undefined ? {} : { parameters: toGeminiSchema(fn.parameters, 'tools') }),
        })),
      },
    ];
  }
  const toolConfig = toToolConfig(params);
  if (toolConfig) request.toolConfig = toolConfig;
  const generationConfig = toGenerationConfig(params);
  if (Object.keys(generationConfig).length > 0) request.generationConfig = generationConfig;
  return request;
}

function toGenerationConfig(params: ChatCompletionCreateParams): GenerationConfig {
  const config: GenerationConfig = {};
  const maxTokens = maxTokensOf(params);
  if (maxTokens !== undefined) config.maxOutputTokens = maxTokens;
  if (typeof params.temperature === 'number') config.temperature = params.temperature;
  if (typeof params.top_p === 'number') config.topP = params.top_p;
  const stop = stopSequencesOf(params);
  if (stop) config.stopSequences = stop;
  if (typeof params.n === 'number' && params.n > 1) config.candidateCount = params.n;
  if (typeof params.seed === 'number') config.seed = params.seed;
  if (typeof params.presence_penalty === 'number') config.presencePenalty = params.presence_penalty;
  if (typeof params.frequency_penalty === 'number') config.frequencyPenalty = params.frequency_penalty;
  const thinkingBudget = thinkingBudgetOf(params.reasoning_effort);
  if (thinkingBudget !== undefined) config.thinkingConfig = { thinkingBudget };
  const format = params.response_format;
  if (format?.type === 'json_object' || format?.type === 'json_schema') config.responseMimeType = 'application/json';
  if (format?.type === 'json_schema') {
    const schema = (format.json_schema as { schema?: unknown } | undefined)?.schema;
    if (schema !== undefined) config.responseSchema = toGeminiSchema(schema);
  }
  return config;
}

/** Google's own mapping of reasoning_effort in its OpenAI-compatible API: thinking-token budgets (0 turns it off). */
const THINKING_BUDGETS = new Map<unknown, number>([
  ['none', 0],
  ['minimal', 0],
  ['low', 1024],
  ['medium', 8192],
  ['high', 24576],
  ['xhigh', 24576],
]);

function thinkingBudgetOf(effort: unknown): number | undefined {
  if (effort === undefined || effort === null) return undefined;
  const budget = THINKING_BUDGETS.get(effort);
  if (budget === undefined) {
    throw new InvalidRequestError('reasoning_effort must be "none", "minimal", "low", "medium", "high" or "xhigh".', 'reasoning_effort');
  }
  return budget;
}

function toToolConfig(params: ChatCompletionCreateParams): ToolConfig | undefined {
  const choice = toolChoiceOf(params);
  switch (choice?.kind) {
    case undefined:
      return undefined;
    case 'auto':
      return { functionCallingConfig: { mode: 'AUTO' } };
    case 'none':
      return { functionCallingConfig: { mode: 'NONE' } };
    case 'required':
      return { functionCallingConfig: { mode: 'ANY' } };
    case 'function':
      return { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [choice.name] } };
  }
}

/** Each message as a user or model content; consecutive contents of one side are merged. */
function toContents(messages: readonly ChatCompletionMessageParam[]): Content[] {
  const namesById = toolNamesById(messages);
  const turns = alternatingTurns(
    messages.filter((message) => !isInstruction(message)),
    (message) => toParts(message, namesById),
  );
  return turns.map(({ role, content }) => ({ role: role === 'assistant' ? 'model' : 'user', parts: content }));
}

function toParts(message: ChatCompletionMessageParam, namesById: ReadonlyMap<string, string>): Part[] {
  if (message.role === 'tool') {
    const id = message.tool_call_id;
    const name = typeof id === 'string' ? namesById.get(id) : undefined;
    if (name === undefined)
      throw new InvalidRequestError('A tool message must answer a tool call of an earlier assistant message.', 'messages');
    return [{ functionResponse: { name, response: functionResponse(textOf(message.content)) } }];
  }
  if (message.role !== 'user' && message.role !== 'assistant') {
    throw new InvalidRequestError(`Messages with role "${message.role}" cannot be sent to Gemini; use tools.`, 'messages');
  }
  const parts = contentParts(message);
  for (const call of message.tool_calls ?? []) {
    const signature = thoughtSignatureOf(call.id);
    parts.push({
      functionCall: { name: call.function.name, args: toolArguments(call.function.arguments) },
      ...(signature === undefined ? {} : { thoughtSignature: signature }),
    });
  }
  return parts;
}

function contentParts(message: ChatCompletionMessageParam): Part[] {
  const { content } = message;
  if (typeof content === 'string') return content === '' ? [] : [{ text: content }];
  const parts: Part[] = [];
  for (const part of content ?? []) {
    if (part.type === 'text' && typeof part.text === 'string' && part.text !== '') parts.push({ text: part.text });
    const image = imageOf(part);
    if (image?.kind === 'base64') parts.push({ inlineData: { mimeType: image.mediaType, data: image.data } });
    if (image?.kind === 'url') parts.push({ fileData: { mimeType: mimeTypeOf(image.url), fileUri: image.url } });
  }
  return parts;
}

/** Gemini wants an object as a function's response: a JSON object as is, anything else wrapped. */
function functionResponse(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
    return { result: value };
  } catch {
    return { result: text };
  }
}

const IMAGE_TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  heic: 'image/heic',
};

/** Gemini needs the MIME type of a file it fetches; guessed from the URL's extension. */
function mimeTypeOf(url: string): string {
  const extension = /\.([a-z0-9]+)(?:[?#]|$)/i.exec(new URL(url).pathname)?.[1]?.toLowerCase();
  return (extension && IMAGE_TYPES[extension]) || 'image/jpeg';
}
