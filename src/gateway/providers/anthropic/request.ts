// OpenAI chat request → Anthropic Messages request: system prompt, turns with text, image, tool_use and
// tool_result blocks, tools and tool_choice, limits and sampling.
import { InvalidRequestError } from '../../../errors/shuttle-error.js';
import type { ChatCompletionCreateParams, ChatCompletionMessageParam } from '../../openai-wire.js';
import { type AnswerTool, answerToolOf, toolChoiceWithAnswer } from '../translate/answer-tool.js';
import {
  cacheControlOf,
  functionTools,
  imageOf,
  isInstruction,
  maxTokensOf,
  type ToolChoice as OpenAiToolChoice,
  refuseLegacyFunctions,
  requireConversation,
  requireSingleChoice,
  stopSequencesOf,
  textOf,
  toolArguments,
  toolCallIdOf,
  toolChoiceOf,
} from '../translate/openai-input.js';
import { alternatingTurns } from '../translate/turns.js';
import type { ContentBlockParam, MessageCreateParams, TextBlockParam, Tool, ToolChoice, WebSearchTool } from './wire.js';

/** Anthropic requires max_tokens; this is used when the client sets neither max_tokens nor max_completion_tokens. */
export const DEFAULT_MAX_TOKENS = 4096;

/**
 * The Messages request. `response_format` is sent as the answer tool (see translate/answer-tool.ts), whose call the
 * response and stream translators turn back into content.
 */
export function toMessagesRequest(
  params: ChatCompletionCreateParams,
  model: string,
  answerTool: AnswerTool | undefined = answerToolOf(params),
): MessageCreateParams {
  requireSingleChoice(params, 'Anthropic');
  refuseLegacyFunctions(params, 'Anthropic');
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
    .flatMap(instructionBlocks)
    .filter((block) => block.text !== '');
  requireConversation(request.messages, 'Anthropic');
  if (system.length > 0) request.system = system;
  if (typeof params.temperature === 'number') request.temperature = params.temperature;
  if (typeof params.top_p === 'number') request.top_p = params.top_p;
  const stop = stopSequencesOf(params);
  if (stop) request.stop_sequences = stop;
  if (params.stream === true) request.stream = true;
  if (typeof params.user === 'string') request.metadata = { user_id: params.user };
  const tools: Tool[] = functionTools(params).map((tool) => ({
    name: tool.function.name,
    ...(tool.function.description === undefined ? {} : { description: tool.function.description }),
    input_schema: tool.function.parameters ?? { type: 'object', properties: {} },
    ...cacheControlField(tool),
  }));
  if (answerTool) tools.push({ name: answerTool.name, description: answerTool.description, input_schema: answerTool.schema });
  const webSearch = webSearchTool(params.web_search_options);
  if (tools.length > 0 || webSearch) request.tools = webSearch ? [...tools, webSearch] : tools;
  const toolChoice = toToolChoice(params, answerTool ? toolChoiceWithAnswer(params, answerTool) : toolChoiceOf(params));
  if (toolChoice) request.tool_choice = toolChoice;
  return request;
}

/** An instruction as one text block; as a block per part when a part carries a cache_control marker. */
function instructionBlocks(message: ChatCompletionMessageParam): TextBlockParam[] {
  const { content } = message;
  if (!Array.isArray(content) || !content.some((part) => cacheControlOf(part) !== undefined)) {
    return [{ type: 'text', text: textOf(content) }];
  }
  return content
    .filter((part): part is { type: 'text'; text: string } => part.type === 'text' && typeof part.text === 'string')
    .map((part) => ({ type: 'text', text: part.text, ...cacheControlField(part) }));
}

function toToolChoice(params: ChatCompletionCreateParams, choice: OpenAiToolChoice | undefined): ToolChoice | undefined {
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
    // Anthropic's prompt-caching marker on a part (as LiteLLM and OpenRouter accept it) goes on the block it marks.
    const cache = cacheControlField(part);
    if (part.type === 'text' && typeof part.text === 'string' && part.text !== '') blocks.push({ type: 'text', text: part.text, ...cache });
    const image = imageOf(part);
    if (image?.kind === 'base64')
      blocks.push({ type: 'image', source: { type: 'base64', media_type: image.mediaType, data: image.data }, ...cache });
    if (image?.kind === 'url') blocks.push({ type: 'image', source: { type: 'url', url: image.url }, ...cache });
  }
  return blocks;
}

function cacheControlField(carrier: object): { cache_control?: Record<string, unknown> } {
  const marker = cacheControlOf(carrier as Parameters<typeof cacheControlOf>[0]);
  return marker === undefined ? {} : { cache_control: marker };
}

/** The searches a web_search_options request lets Anthropic make in one call. */
export const WEB_SEARCH_MAX_USES = 5;

/** OpenAI's `web_search_options` as Anthropic's web search server tool (its approximate user location carried over). */
function webSearchTool(options: unknown): WebSearchTool | undefined {
  if (options === undefined || options === null) return undefined;
  const tool: WebSearchTool = { type: 'web_search_20250305', name: 'web_search', max_uses: WEB_SEARCH_MAX_USES };
  const approximate = (options as { user_location?: { approximate?: Record<string, unknown> } }).user_location?.approximate;
  if (approximate && typeof approximate === 'object') {
    const fields = ['city', 'region', 'country', 'timezone'] as const;
    const location: NonNullable<WebSearchTool['user_location']> = { type: 'approximate' };
    for (const field of fields) if (typeof approximate[field] === 'string') location[field] = approximate[field];
    tool.user_location = location;
  }
  return tool;
}
