// Translates a Responses request (with its conversation resolved) into the gateway's chat request, so that it runs
// through the same pipeline as /chat/completions: routing, limits, fallbacks, metering and every provider adapter.
import { InvalidRequestError } from '../../../errors/shuttle-error.js';
import type {
  ChatCompletionContentPart,
  ChatCompletionCreateParams,
  ChatCompletionMessageParam,
  ChatCompletionTool,
} from '../../openai-wire.js';
import type {
  FunctionTool,
  ResponseContent,
  ResponseCreateParams,
  ResponseFunctionCallOutput,
  ResponseFunctionToolCall,
  ResponseInputItem,
  ResponseInputMessage,
  ToolChoice,
} from './wire.js';

/** `input` as items: a string is one user message. Each item must have the fields of its kind. */
export function inputItemsOf(params: ResponseCreateParams): ResponseInputItem[] {
  const { input } = params;
  if (input === undefined) return [];
  if (typeof input === 'string') return [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: input }] }];
  input.forEach(checkItem);
  return input;
}

/** The fields each kind of item needs, as [field, the type it must have]. */
const REQUIRED_FIELDS: Record<string, ReadonlyArray<[string, 'string' | 'string or array']>> = {
  message: [
    ['role', 'string'],
    ['content', 'string or array'],
  ],
  function_call: [
    ['call_id', 'string'],
    ['name', 'string'],
    ['arguments', 'string'],
  ],
  function_call_output: [
    ['call_id', 'string'],
    ['output', 'string or array'],
  ],
  item_reference: [['id', 'string']],
  reasoning: [],
};

function checkItem(item: ResponseInputItem, index: number): void {
  const kind = item.type ?? 'message';
  for (const [field, type] of REQUIRED_FIELDS[kind] ?? []) {
    const value = (item as unknown as Record<string, unknown>)[field];
    const fits = typeof value === 'string' || (type === 'string or array' && Array.isArray(value));
    if (!fits) {
      const problem = value === undefined ? 'is missing' : `must be a ${type}`;
      throw new InvalidRequestError(`input[${index}] (${kind}): \`${field}\` ${problem}.`, `input.${index}.${field}`);
    }
  }
}

/** Request fields with the same meaning and name in Chat Completions, passed on as they are. */
const SAME_FIELDS = [
  'temperature',
  'top_p',
  'parallel_tool_calls',
  'user',
  'service_tier',
  'prompt_cache_key',
  'safety_identifier',
] as const;

/**
 * The chat request for a Responses request whose conversation (earlier turns, then this request's input, every
 * item_reference replaced by its item) is `conversation`. `instructions` become the first, system message.
 */
export function chatParamsOf(params: ResponseCreateParams, conversation: readonly ResponseInputItem[]): ChatCompletionCreateParams {
  refuseUnsupported(params);
  const messages: ChatCompletionMessageParam[] = [];
  if (typeof params.instructions === 'string' && params.instructions !== '') {
    messages.push({ role: 'system', content: params.instructions });
  }
  for (const item of conversation) appendItem(messages, item);
  if (messages.length === 0)
    throw new InvalidRequestError('The request has no input: send `input` (a string or a list of items).', 'input');

  const chat: ChatCompletionCreateParams = { model: params.model, messages };
  for (const field of SAME_FIELDS) {
    const value = params[field];
    if (value !== undefined && value !== null) (chat as Record<string, unknown>)[field] = value;
  }
  if (typeof params.max_output_tokens === 'number') chat.max_completion_tokens = params.max_output_tokens;
  if (params.tools !== undefined && params.tools.length > 0) chat.tools = params.tools.map(chatTool);
  if (params.tool_choice !== undefined && params.tool_choice !== null) chat.tool_choice = chatToolChoice(params.tool_choice);
  const format = params.text?.format;
  if (format?.type === 'json_object') chat.response_format = { type: 'json_object' };
  if (format?.type === 'json_schema') {
    const { name, schema, description, strict } = format;
    chat.response_format = {
      type: 'json_schema',
      json_schema: { name, schema, ...(description === undefined ? {} : { description }), ...(strict == null ? {} : { strict }) },
    };
  }
  if (typeof params.text?.verbosity === 'string') chat.verbosity = params.text.verbosity;
  if (typeof params.reasoning?.effort === 'string') chat.reasoning_effort = params.reasoning.effort;
  if (params.stream === true) {
    chat.stream = true;
    chat.stream_options = { include_usage: true };
  }
  return chat;
}

function refuseUnsupported(params: ResponseCreateParams): void {
  if (params.background === true) {
    throw new InvalidRequestError(
      'Background responses are not supported by Shuttle; send the request without `background`.',
      'background',
    );
  }
  for (const field of ['conversation', 'prompt'] as const) {
    if (params[field] !== undefined && params[field] !== null) {
      throw new InvalidRequestError(`\`${field}\` is not supported by Shuttle; use \`previous_response_id\` or send the input.`, field);
    }
  }
}

function appendItem(messages: ChatCompletionMessageParam[], item: ResponseInputItem): void {
  switch (item.type) {
    case undefined:
    case 'message':
      messages.push(chatMessage(item as ResponseInputMessage));
      return;
    case 'function_call':
      appendToolCall(messages, item);
      return;
    case 'function_call_output':
      messages.push({ role: 'tool', tool_call_id: item.call_id, content: toolOutput(item) });
      return;
    case 'reasoning':
      // Chat Completions has no place for earlier reasoning: providers reason afresh.
      return;
    default:
      throw new InvalidRequestError(`Input items of type "${(item as { type: string }).type}" are not supported.`, 'input');
  }
}

function chatMessage(message: ResponseInputMessage): ChatCompletionMessageParam {
  const { role, content } = message;
  if (typeof content === 'string') return { role, content };
  const parts = content.map(chatPart);
  const only = parts.length === 1 ? parts[0] : undefined;
  // A lone text part is sent as a plain string: every provider's translation reads that.
  if (only?.type === 'text') return { role, content: (only as { text: string }).text };
  return { role, content: parts };
}

function chatPart(part: ResponseContent): ChatCompletionContentPart {
  switch (part.type) {
    case 'input_text':
    case 'output_text':
      return { type: 'text', text: part.text };
    case 'refusal':
      return { type: 'text', text: part.refusal };
    case 'input_image': {
      if (typeof part.image_url !== 'string') {
        throw new InvalidRequestError('An input_image needs `image_url` (an http(s) or data URL); file ids are not supported.', 'input');
      }
      return { type: 'image_url', image_url: { url: part.image_url, ...(part.detail ? { detail: part.detail } : {}) } };
    }
    case 'input_file': {
      if (part.file_data === undefined && typeof part.file_id !== 'string') {
        throw new InvalidRequestError('An input_file needs `file_data` or `file_id`; file URLs are not supported.', 'input');
      }
      const file = { file_data: part.file_data, file_id: part.file_id ?? undefined, filename: part.filename };
      return { type: 'file', file };
    }
    default:
      throw new InvalidRequestError(`Content parts of type "${(part as { type: string }).type}" are not supported.`, 'input');
  }
}

/** A function call joins the assistant message just before it, so that parallel calls make one assistant turn. */
function appendToolCall(messages: ChatCompletionMessageParam[], call: ResponseFunctionToolCall): void {
  const toolCall = { id: call.call_id, type: 'function' as const, function: { name: call.name, arguments: call.arguments } };
  const last = messages.at(-1);
  if (last?.role === 'assistant') {
    last.tool_calls = [...(last.tool_calls ?? []), toolCall];
    return;
  }
  messages.push({ role: 'assistant', content: null, tool_calls: [toolCall] });
}

function toolOutput(item: ResponseFunctionCallOutput): string {
  if (typeof item.output === 'string') return item.output;
  return item.output
    .map((part) => {
      if (part.type === 'input_text') return part.text;
      throw new InvalidRequestError('A function_call_output may hold text only through Shuttle.', 'input');
    })
    .join('');
}

function chatTool(tool: NonNullable<ResponseCreateParams['tools']>[number]): ChatCompletionTool {
  if (tool.type !== 'function') {
    throw new InvalidRequestError(`Only function tools are supported through Shuttle, not "${tool.type}".`, 'tools');
  }
  const { name, description, parameters, strict } = tool as FunctionTool;
  return {
    type: 'function',
    function: {
      name,
      ...(description == null ? {} : { description }),
      ...(parameters == null ? {} : { parameters }),
      ...(strict == null ? {} : { strict }),
    },
  };
}

function chatToolChoice(choice: ToolChoice): unknown {
  if (typeof choice === 'string') return choice;
  if (choice.type === 'function' && typeof choice.name === 'string') return { type: 'function', function: { name: choice.name } };
  throw new InvalidRequestError(`tool_choice of type "${choice.type}" is not supported through Shuttle.`, 'tool_choice');
}
