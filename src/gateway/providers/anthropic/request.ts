// OpenAI chat request → Anthropic Messages request: system prompt, turns with text, image, tool_use and
// tool_result blocks, tools and tool_choice, limits and sampling.
import { InvalidRequestError } from '../../../errors/shuttle-error.js';
import type { ChatCompletionCreateParams, ChatCompletionMessageParam } from '../../openai-wire.js';
import {
  functionTools,
  imageOf,
  isInstruction,
  maxTokensOf,
  requireSingleChoice,
  stopSequencesOf,
  textOf,
  toolArguments,
  toolCallIdOf,
  toolChoiceOf,
} from '../translate/openai-input.js';
import { alternatingTurns } from '../translate/turns.js';
import type { ContentBlockParam, MessageCreateParams, TextBlockParam, ToolChoice } from './wire.js';

/** Anthropic requires max_tokens; this is used when the client sets neither max_tokens nor max_completion_tokens. */
export const DEFAULT_MAX_TOKENS = 4096;

export function toMessagesRequest(params: ChatCompletionCreateParams, model: string): MessageCreateParams {
  requireSingleChoice(params, 'Anthropic');
  const request: MessageCreateParams = {
    model,
    max_tokens: maxTokensOf(params) ?? DEFAULT_MAX_TOKENS,
    messages: alternatingTurns(
      params.messages.filter((message) => !isInstruction(message)),
      toBlocks,
    ),
  };
  const system: TextBlockParam[] = params.messages
    .filter(isInstruction)
    .map((message) => ({ type: 'text' as const, text: textOf(message.content) }))
    .filter((block) => block.text !== '');
  if (system.length > 0) request.system = system;
  if (typeof params.temperature === 'number') request.temperature = params.temperature;
  if (typeof params.top_p === 'number') request.top_p = params.top_p;
  const stop = stopSequencesOf(params);
  if (stop) request.stop_sequences = stop;
  if (params.stream === true) request.stream = true;
  if (typeof params.user === 'string') request.metadata = { user_id: params.user };
  const functions = functionTools(params);
  if (functions.length > 0) {
    request.tools = functions.map(({ function: fn }) => ({
      name: fn.name,
      ...(fn.description === undefined ? {} : { description: fn.description }),
      input_schema: fn.parameters ?? { type: 'object', properties: {} },
    }));
  }
  const toolChoice = toToolChoice(params);
  if (toolChoice) request.tool_choice = toolChoice;
  return request;
}

function toToolChoice(params: ChatCompletionCreateParams): ToolChoice | undefined {
  const choice = toolChoiceOf(params);
  const serial = params.parallel_tool_calls === false ? { disable_parallel_tool_use: true } : {};
  switch (choice?.kind) {
    case undefined:
      return params.tools?.length && params.parallel_tool_calls === false ? { type: 'auto', ...serial } : undefined;
    case 'none':
      return { type: 'none' };
    case 'auto':
      return { type: 'auto', ...serial };
    case 'required':
      return { type: 'any', ...serial };
    case 'function':
      return { type: 'tool', name: choice.name, ...serial };
  }
}

function toBlocks(message: ChatCompletionMessageParam): ContentBlockParam[] {
  switch (message.role) {
    case 'tool':
      return [{ type: 'tool_result', tool_use_id: toolCallIdOf(message), content: textOf(message.content) }];
    case 'assistant':
      return [
        ...contentBlocks(message),
        ...(message.tool_calls ?? []).map((call) => ({
          type: 'tool_use' as const,
          id: call.id,
          name: call.function.name,
          input: toolArguments(call.function.arguments),
        })),
      ];
    case 'user':
      return contentBlocks(message);
    default:
      throw new InvalidRequestError(`Messages with role "${message.role}" cannot be sent to Anthropic; use tools.`, 'messages');
  }
}

function contentBlocks(message: ChatCompletionMessageParam): ContentBlockParam[] {
  const { content } = message;
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  const blocks: ContentBlockParam[] = [];
  for (const part of content ?? []) {
    if (part.type === 'text' && typeof part.text === 'string' && part.text !== '') blocks.push({ type: 'text', text: part.text });
    const image = imageOf(part);
    if (image?.kind === 'base64') blocks.push({ type: 'image', source: { type: 'base64', media_type: image.mediaType, data: image.data } });
    if (image?.kind === 'url') blocks.push({ type: 'image', source: { type: 'url', url: image.url } });
  }
  return blocks;
}
