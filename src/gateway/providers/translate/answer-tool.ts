// `response_format` on providers with no JSON mode of their own (Anthropic, Bedrock): the requested schema becomes a
// tool the model must call — the "answer tool" — and that call's input comes back as the message's content, the way
// the providers' own SDKs (and the AI SDK, LangChain) get structured output from these models.
import { InvalidRequestError } from '../../../errors/shuttle-error.js';
import type { ChatCompletionCreateParams, ChatCompletionMessageToolCall } from '../../openai-wire.js';
import { type ToolChoice, toolChoiceOf } from './openai-input.js';

export interface AnswerTool {
  name: string;
  description: string;
  schema: Record<string, unknown>;
}

/** The name used when the schema has none fit for a tool name, and for `json_object`. */
export const DEFAULT_ANSWER_TOOL = 'json_response';
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

/** The answer tool a request's `response_format` asks for; undefined for plain text. */
export function answerToolOf(params: ChatCompletionCreateParams): AnswerTool | undefined {
  const format = params.response_format;
  if (format === undefined || format === null || format.type === 'text') return undefined;
  const tool = format.type === 'json_object' ? jsonObjectTool() : jsonSchemaTool(format.json_schema);
  const clash = (params.tools ?? []).some((candidate) => candidate.function?.name === tool.name);
  if (clash) {
    throw new InvalidRequestError(
      `response_format's schema is sent as a tool named "${tool.name}", which the request's tools already use; rename one of them.`,
      'response_format',
    );
  }
  return tool;
}

function jsonObjectTool(): AnswerTool {
  return { name: DEFAULT_ANSWER_TOOL, description: 'Respond with a JSON object.', schema: { type: 'object' } };
}

function jsonSchemaTool(spec: unknown): AnswerTool {
  if (typeof spec !== 'object' || spec === null) {
    throw new InvalidRequestError('response_format of type json_schema needs a json_schema object.', 'response_format');
  }
  const { name, description, schema } = spec as { name?: unknown; description?: unknown; schema?: unknown };
  const body = schema === undefined ? { type: 'object' } : schema;
  if (typeof body !== 'object' || body === null || Array.isArray(body) || (body as { type?: unknown }).type !== 'object') {
    throw new InvalidRequestError(
      'response_format.json_schema.schema must describe an object ("type": "object") on this provider: the answer is a tool call\'s input.',
      'response_format',
    );
  }
  return {
    name: typeof name === 'string' && TOOL_NAME.test(name) ? name : DEFAULT_ANSWER_TOOL,
    description: typeof description === 'string' && description !== '' ? description : 'Respond with a JSON object.',
    schema: body as Record<string, unknown>,
  };
}

/**
 * The tool choice to send with an answer tool. The model must call a tool: the answer tool itself, or — when the
 * client's tools may be called — any tool, so it either calls one of them or answers in the schema.
 */
export function toolChoiceWithAnswer(params: ChatCompletionCreateParams, answer: AnswerTool): ToolChoice {
  const choice = toolChoiceOf(params);
  if (choice?.kind === 'function') return choice;
  const hasClientTools = (params.tools ?? []).some((tool) => tool.type === 'function' && tool.function !== undefined);
  if (!hasClientTools || choice?.kind === 'none') return { kind: 'function', name: answer.name };
  return { kind: 'required' };
}

/** Splits a call of the answer tool (its arguments are the answer's content) from the client's own tool calls. */
export function separateAnswer(
  calls: readonly ChatCompletionMessageToolCall[],
  answerName: string | undefined,
): { answer: string | undefined; toolCalls: ChatCompletionMessageToolCall[] } {
  if (answerName === undefined) return { answer: undefined, toolCalls: [...calls] };
  const answer = calls.find((call) => call.function.name === answerName)?.function.arguments;
  return { answer, toolCalls: calls.filter((call) => call.function.name !== answerName) };
}
