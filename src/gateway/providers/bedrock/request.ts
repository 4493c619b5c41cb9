// OpenAI chat request → Bedrock ConverseRequest: system blocks, user/assistant messages with text, image bytes,
// toolUse and toolResult blocks, the tool configuration, and inferenceConfig.
import { InvalidRequestError } from '../../../errors/shuttle-error.js';
import type { ChatCompletionCreateParams, ChatCompletionMessageParam } from '../../openai-wire.js';
import { type AnswerTool, answerToolOf, toolChoiceWithAnswer } from '../translate/answer-tool.js';
import {
  cacheControlOf,
  functionTools,
  imageOf,
  isInstruction,
  maxTokensOf,
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
import type { ContentBlock, ConverseRequest, ImageFormat, InferenceConfiguration, Message, ToolConfiguration } from './wire.js';

const IMAGE_FORMATS: Record<string, ImageFormat> = { 'image/png': 'png', 'image/jpeg': 'jpeg', 'image/gif': 'gif', 'image/webp': 'webp' };

/** The Converse request; `response_format` is sent as the answer tool (see translate/answer-tool.ts). */
export function toConverseRequest(
  params: ChatCompletionCreateParams,
  answerTool: AnswerTool | undefined = answerToolOf(params),
): ConverseRequest {
  requireSingleChoice(params, 'Bedrock');
  refuseLegacyFunctions(params, 'Bedrock');
  const messages = alternatingTurns(
    params.messages.filter((message) => !isInstruction(message)),
    toBlocks,
  );
  requireConversation(messages, 'Bedrock');
  const request: ConverseRequest = { messages };
  const system = params.messages.filter(isInstruction).map((message) => ({ text: textOf(message.content) }));
  if (system.length > 0) request.system = system.filter((block) => block.text !== '');
  const inference: InferenceConfiguration = {};
  const maxTokens = maxTokensOf(params);
  if (maxTokens !== undefined) inference.maxTokens = maxTokens;
  if (typeof params.temperature === 'number') inference.temperature = params.temperature;
  if (typeof params.top_p === 'number') inference.topP = params.top_p;
  const stop = stopSequencesOf(params);
  if (stop) inference.stopSequences = stop;
  if (Object.keys(inference).length > 0) request.inferenceConfig = inference;
  const toolConfig = toToolConfig(params, messages, answerTool);
  if (toolConfig) request.toolConfig = toolConfig;
  return request;
}

function toToolConfig(
  params: ChatCompletionCreateParams,
  messages: readonly Message[],
  answerTool: AnswerTool | undefined,
): ToolConfiguration | undefined {
  const declared = functionTools(params);
  const choice = answerTool ? toolChoiceWithAnswer(params, answerTool) : toolChoiceOf(params);
  // Converse has no "none": leave the tools out, unless the conversation has tool blocks (which need them declared).
  const hasToolBlocks = messages.some((message) => message.content.some((block) => 'toolUse' in block || 'toolResult' in block));
  const clientToolsOff = toolChoiceOf(params)?.kind === 'none' && !hasToolBlocks;
  const functions = clientToolsOff ? [] : declared.map(({ function: fn }) => fn);
  if (answerTool) functions.push({ name: answerTool.name, description: answerTool.description, parameters: answerTool.schema });
  if (functions.length === 0) return undefined;
  const config: ToolConfiguration = {
    tools: functions.map((fn) => ({
      toolSpec: {
        name: fn.name,
        ...(fn.description === undefined ? {} : { description: fn.description }),
        inputSchema: { json: fn.parameters ?? { type: 'object', properties: {} } },
      },
    })),
  };
  if (choice?.kind === 'auto') config.toolChoice = { auto: {} };
  if (choice?.kind === 'required') config.toolChoice = { any: {} };
  if (choice?.kind === 'function') config.toolChoice = { tool: { name: choice.name } };
  return config;
}

function toBlocks(message: ChatCompletionMessageParam): ContentBlock[] {
  switch (message.role) {
    case 'tool':
      return [{ toolResult: { toolUseId: toolCallIdOf(message), content: [{ text: textOf(message.content) }] } }];
    case 'assistant':
      return [
        ...contentBlocks(message),
        ...(message.tool_calls ?? []).map((call) => ({
          toolUse: { toolUseId: call.id, name: call.function.name, input: toolArguments(call.function.arguments) },
        })),
      ];
    case 'user':
      return contentBlocks(message);
    default:
      throw new InvalidRequestError(`Messages with role "${message.role}" cannot be sent to Bedrock; use tools.`, 'messages');
  }
}

function contentBlocks(message: ChatCompletionMessageParam): ContentBlock[] {
  const { content } = message;
  if (typeof content === 'string') return content === '' ? [] : [{ text: content }];
  const blocks: ContentBlock[] = [];
  for (const part of content ?? []) {
    if (part.type === 'text' && typeof part.text === 'string' && part.text !== '') blocks.push({ text: part.text });
    const image = imageOf(part);
    if (image?.kind === 'url') throw new InvalidRequestError('Bedrock takes images as data URLs (base64), not links.', 'messages');
    if (image?.kind === 'base64') {
      const format = IMAGE_FORMATS[image.mediaType];
      if (!format) throw new InvalidRequestError(`Bedrock takes png, jpeg, gif or webp images, not ${image.mediaType}.`, 'messages');
      blocks.push({ image: { format, source: { bytes: image.data } } });
    }
    // Anthropic's cache_control marker ends a cached prefix; Converse marks that with a cachePoint block after it.
    if (cacheControlOf(part) !== undefined && blocks.length > 0) blocks.push({ cachePoint: { type: 'default' } });
  }
  return blocks;
}
